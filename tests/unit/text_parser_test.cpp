// The text IR reader: printed models read back and print the same; errors
// name line and column; the .nnir format (complete print) round trip and
// its refusals.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "ir/printer.h"
#include "ir/text_parser.h"
#include "lib/pipeline.h"

using namespace nnport;
namespace fs = std::filesystem;

TEST_CASE("a hand-written text graph reads into a model", "[ir][text]") {
  auto m = parseModelText(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,4,8,8]) -> (%y: f32[1,8,8,8]) {
  %w = const f32[8,4,3,3]
  %b = const f32[2] [0.5,-1.0]
  %c = Conv(%x, %w, _) {pads=[1,1,1,1], strides=[1,1], auto_pad="NOTSET"} : f32[1,8,8,8]  # conv
  %y = LeakyRelu(%c) {alpha=0.1}
}
)");
  if (!m) FAIL(m.status().message());
  const Graph& g = (*m)->graph;
  REQUIRE(g.numNodes() == 2);
  const Node* conv = g.findNode("conv");
  REQUIRE(conv);
  CHECK(conv->input(2) == nullptr);
  CHECK(conv->attrInts("pads") == std::vector<int64_t>{1, 1, 1, 1});
  CHECK(conv->attrString("auto_pad") == "NOTSET");
  CHECK(g.findValue("w")->initializer()->numElements() == 288);
  CHECK(g.findValue("b")->initializer()->floatAt(1) == -1.0);
  CHECK(g.outputs().at(0)->name() == "y");
  CHECK((*m)->opsetFor("") == 13);
}

TEST_CASE("printed torchvision-like models read back to the same text", "[ir][text]") {
  auto m = loadModelFile(NNPORT_SOURCE_DIR "/samples/tiny_cnn.onnx");
  REQUIRE(m);
  const std::string text = printModel(**m);
  auto back = parseModelText(text);
  if (!back) FAIL(back.status().message());
  CHECK(printGraph((*back)->graph) == printGraph((*m)->graph));
}

TEST_CASE("text IR errors name the line and column", "[ir][text]") {
  auto bad = parseModelText("graph g (%x: f32[2]) -> (%y) {\n  %y = Relu(%z)\n}\n");
  REQUIRE_FALSE(bad);
  CHECK(bad.status().message().find("line 2") != std::string::npos);
  CHECK(bad.status().message().find("%z") != std::string::npos);
  CHECK_FALSE(parseModelText("graph g (%x: q9[2]) -> (%x) {\n}\n"));
  CHECK_FALSE(parseModelText("graph g (%x: f32[2]) -> (%x) {\n"));
  CHECK_FALSE(parseModelText("graph g (%x: f32[2]) -> (%y) {\n}\n"));
}

TEST_CASE("text IR integer constants read exactly, bad numbers are errors", "[ir][text]") {
  auto m = parseModelText(
      "graph g (%x: f32[2]) -> (%x) {\n  %e = const i64[3] [9223372036854775807, "
      "-9223372036854775807, 9007199254740993]\n}\n");
  if (!m) FAIL(m.status().message());
  const Tensor& e = *(*m)->graph.findValue("e")->initializer();
  CHECK(e.data<int64_t>()[0] == INT64_MAX);
  CHECK(e.data<int64_t>()[1] == -INT64_MAX);
  CHECK(e.data<int64_t>()[2] == 9007199254740993LL);
  auto bad = parseModelText("graph g (%x: f32[2]) -> (%x) {\n  %e = const f32[1] [1.5x]\n}\n");
  REQUIRE_FALSE(bad);
  CHECK(bad.status().message().find("1.5x") != std::string::npos);
}

TEST_CASE("node names with control bytes and quotes read back unescaped", "[ir][text]") {
  // fuzz_nnir: a name printed as an escaped quoted comment came back with
  // its escapes still in it, so the round trip changed the model.
  auto m = parseModelText("graph g (%x: f32[2]) -> (%y) {\n  %y = Relu(%x)\n}\n");
  REQUIRE(m);
  Node* relu = (*m)->graph.nodes().front();
  const std::string name = std::string("\x10t1 \"q\" \\ end\n");
  relu->setName(name);
  const std::string text = printModel(**m);
  auto back = parseModelText(text);
  if (!back) FAIL(back.status().message());
  CHECK((*back)->graph.nodes().front()->name() == name);
  CHECK(printModel(**back) == text);
  CHECK_FALSE(parseModelText("graph g (%x: f32[2]) -> (%y) {\n  %y = Relu(%x)  # \"open\n}\n"));
  auto badHex = parseModelText("graph g (%x: f32[2]) -> (%y) {\n  %y = Relu(%x)  # \"\\xZZ\"\n}\n");
  REQUIRE(badHex);
  CHECK((*badHex)->graph.nodes().front()->name() == "xZZ");
}

TEST_CASE("an opset domain that prints quoted reads back", "[ir][text]") {
  // fuzz_nnir: "a+.onnx" prints as "a+.onnx":13, which did not read back.
  auto m = parseModelText("model opsets=[a+.onnx:13]\ngraph g (%x: f32[2]) -> (%x) {\n}\n");
  REQUIRE(m);
  const std::string text = printModel(**m);
  CHECK(text.find("\"a+.onnx\":13") != std::string::npos);
  auto back = parseModelText(text);
  if (!back) FAIL(back.status().message());
  CHECK((*back)->opsetFor("a+.onnx") == 13);
  CHECK(printModel(**back) == text);
  // So do quoted op domains, op types and attribute names.
  auto odd = parseModelText(
      "graph g (%x: f32[2]) -> (%y) {\n  %y = \"my+dom\"::\"Op x\"(%x) {\"a b\"=1}\n}\n");
  if (!odd) FAIL(odd.status().message());
  const Node* n = (*odd)->graph.nodes().front();
  CHECK(n->domain() == "my+dom");
  CHECK(n->opType() == "Op x");
  CHECK(n->attrs.find("a b"));
  const std::string oddText = printModel(**odd);
  auto oddBack = parseModelText(oddText);
  if (!oddBack) FAIL(oddBack.status().message());
  CHECK(printModel(**oddBack) == oddText);
}

TEST_CASE("constant literals past their type's range saturate", "[ir][text]") {
  // fuzz_nnir (UBSan): 6e93 was cast to int64 out of range.
  auto m = parseModelText(
      "graph g (%x: f32[2]) -> (%x) {\n  %a = const i8[3] [1000, -1e300, 5]\n"
      "  %b = const f32[2] [6e93, -6e93]\n  %c = const i64[1] [6e93]\n}\n");
  if (!m) FAIL(m.status().message());
  const Graph& g = (*m)->graph;
  const int8_t* a = g.findValue("a")->initializer()->data<int8_t>();
  CHECK(a[0] == 127);
  CHECK(a[1] == -128);
  CHECK(a[2] == 5);
  const float* b = g.findValue("b")->initializer()->data<float>();
  CHECK(std::isinf(b[0]));
  CHECK(b[1] < 0);
  CHECK(g.findValue("c")->initializer()->data<int64_t>()[0] == INT64_MAX);
}

TEST_CASE("a value defined twice is an error", "[ir][text]") {
  // fuzz_nnir: a second definition shadowed the first, and the printed
  // model read back differently.
  for (const char* text :
       {"graph g (%x: f32[2]) -> (%x) {\n  %a = const f32[1] [1]\n  %a = Relu(%x)\n}\n",
        "graph g (%x: f32[2]) -> (%x) {\n  %x = Relu(%x)\n}\n",
        "graph g (%x: f32[2], %x: f32[2]) -> (%x) {\n}\n",
        "graph g (%x: f32[2]) -> (%x) {\n  %a, %a = Split(%x)\n}\n"}) {
    auto m = parseModelText(text);
    REQUIRE_FALSE(m);
    CHECK(m.status().message().find("defined twice") != std::string::npos);
  }
}

TEST_CASE("text IR numbers out of range are errors, not exceptions", "[ir][text]") {
  // fuzz_nnir: an int attribute past int64 reached std::stoll and threw.
  for (const char* text :
       {"graph g (%x: f32[2]) -> (%y) {\n  %y = Relu(%x) {n=99999999999999999999}\n}\n",
        "graph g (%x: f32[2]) -> (%y) {\n  %y = Relu(%x) {n=[1, 99999999999999999999]}\n}\n",
        "graph g (%x: f32[2]) -> (%y) {\n  %y = Relu(%x) {f=[1.5, 2.x]}\n}\n",
        "model opsets=[ai.onnx:99999999999999999999]\ngraph g (%x: f32[2]) -> (%x) {\n}\n",
        "graph g (%x: f32[99999999999999999999]) -> (%x) {\n}\n"}) {
    auto m = parseModelText(text);
    REQUIRE_FALSE(m);
    CHECK(m.status().message().find("line") != std::string::npos);
  }
}

TEST_CASE(".nnir: a model written as text reads back with every value", "[ir][text]") {
  auto m = loadModelFile(NNPORT_SOURCE_DIR "/samples/tiny_cnn.onnx");
  REQUIRE(m);
  const fs::path dir = fs::temp_directory_path() / "nnport_nnir_test";
  fs::create_directories(dir);
  const std::string path = (dir / "tiny.nnir").string();
  REQUIRE(saveModel(**m, "", path, {}).isOk());
  auto back = loadModelFile(path);
  if (!back) FAIL(back.status().message());
  // Complete prints compare every weight, not only the small constants.
  PrintOptions complete;
  complete.complete = true;
  CHECK(printModel(**back, complete) == printModel(**m, complete));
  const Value* w = (*back)->graph.findValue("conv2.weight");
  REQUIRE(w);
  REQUIRE(w->initializer());
  CHECK(w->initializer()->numElements() == 16 * 8 * 3 * 3);
  CHECK(w->initializer()->byteSize() ==
        (*m)->graph.findValue("conv2.weight")->initializer()->byteSize());
  CHECK(std::memcmp(w->initializer()->rawData(),
                    (*m)->graph.findValue("conv2.weight")->initializer()->rawData(),
                    w->initializer()->byteSize()) == 0);
  fs::remove_all(dir);
}

TEST_CASE(".nnir refuses what the text form cannot hold and leaves no file", "[ir][text]") {
  auto m = parseModelText("graph g (%x: f32[2]) -> (%y: f32[2]) {\n  %y = Relu(%x)  # r\n}\n");
  REQUIRE(m);
  Node* r = (*m)->graph.findNode("r");
  Attribute body;
  body.name = "body";
  body.kind = AttrKind::Graph;
  body.opaque = {"\x0a\x00"};
  r->attrs.set(body);
  const fs::path dir = fs::temp_directory_path() / "nnport_nnir_refuse";
  fs::create_directories(dir);
  const std::string path = (dir / "x.nnir").string();
  const Status s = saveModel(**m, "", path, {});
  REQUIRE_FALSE(s.isOk());
  CHECK(s.code() == ErrorCode::Unsupported);
  CHECK(s.message().find("node 'r' (Relu)'s attribute 'body'") != std::string::npos);
  CHECK_FALSE(fs::exists(path));
  fs::remove_all(dir);
}

TEST_CASE("text IR refuses a constant past the memory budget", "[ir][text]") {
  auto huge =
      parseModelText("graph g (%x: f32[2]) -> (%x) {\n  %w = const f32[100000,100000,100]\n}\n");
  REQUIRE_FALSE(huge);
  CHECK(huge.status().code() == ErrorCode::OverBudget);
  auto overflow = parseModelText(
      "graph g (%x: f32[2]) -> (%x) {\n  %w = const f32[4611686018427387904,4]\n}\n");
  REQUIRE_FALSE(overflow);
  CHECK(overflow.status().message().find("overflows") != std::string::npos);
}
