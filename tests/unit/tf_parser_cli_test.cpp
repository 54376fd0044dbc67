// The TensorFlow parser's graph conventions (outputs by --dstNodeName or the
// nodes nobody reads, Identity aliases, control edges, value names, the
// symbolic batch, constants' fill rule) and its CLI errors: garbage and
// truncated files (exit 3), unknown ops (4), unknown --dstNodeName and
// unknown input dims without --inputShape (2).
#include "tests/unit/tf_test_util.h"

using namespace tftest;

namespace {

constexpr int kUsage = 2, kInvalid = 3, kUnsupported = 4;

// x [N,2,2,3] -> Add(b) -> Identity "out" (with a control edge) ; a NoOp.
GraphBuilder addGraph() {
  GraphBuilder gb;
  gb.placeholder("x", {-1, 2, 2, 3});
  pb::TensorProto* b = gb.constTensor("b", pb::DT_FLOAT, {3});
  b->add_float_val(0.5f);  // one value fills the shape
  gb.node("init", "NoOp");
  gb.node("add", "AddV2", {"x", "b", "^init"});
  gb.node("out", "Identity", {"add"});
  return gb;
}

void checkTfFails(const badinput::Workspace& ws, const std::string& bytes,
                  std::vector<std::string> extra, const badinput::Expectation& e) {
  const auto pbPath = ws.in() / "frozen.pb";
  badinput::writeFile(pbPath, bytes);
  const badinput::fs::path output = ws.out() / "out.onnx";
  std::vector<std::string> args = {"convert", "-sf",           "tensorflow",
                                   "-iw",     pbPath.string(), output.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  badinput::checkFailingRun(ws, args, output, e);
}

}  // namespace

TEST_CASE("tensorflow outputs: sinks by default, Identity aliases take the name", "[tensorflow]") {
  badinput::Workspace ws;
  auto m = parse(ws, addGraph());
  INFO((m.hasValue() ? "" : m.status().message()));
  REQUIRE(m.hasValue());
  const Graph& g = (*m)->graph;
  REQUIRE(g.outputs().size() == 1);  // not the NoOp
  CHECK(g.outputs()[0]->name() == "out");
  CHECK(g.outputs()[0]->type.shape.str() == "[N,2,2,3]");
  CHECK(countOps(**m, "Identity") == 0);
  const exec::RtTensor y = run(**m, {1, 2, 2, 3}, wave(12));
  const std::vector<float> x = wave(12);
  for (size_t i = 0; i < x.size(); ++i) CHECK(y.data<float>()[i] == Approx(x[i] + 0.5f));
}

TEST_CASE("tensorflow --dstNodeName picks the outputs and prunes the rest", "[tensorflow]") {
  badinput::Workspace ws;
  GraphBuilder gb = addGraph();
  gb.node("other", "Relu", {"x"});
  auto m = parse(ws, gb, {"add", "other"});
  REQUIRE(m.hasValue());
  const Graph& g = (*m)->graph;
  REQUIRE(g.outputs().size() == 2);
  CHECK(g.outputs()[0]->name() == "add");
  CHECK(g.outputs()[1]->name() == "other");
  auto only = parse(ws, gb, {"other"});
  REQUIRE(only.hasValue());
  CHECK(countOps(**only, "Add") == 0);
}

TEST_CASE("tensorflow --inputShape pins unknown dims", "[tensorflow]") {
  badinput::Workspace ws;
  GraphBuilder gb;
  gb.placeholder("x", {-1, -1, -1, 3});
  gb.node("y", "Relu", {"x"});
  auto m = parse(ws, gb, {}, {{"x", {1, 4, 5, 3}}});
  REQUIRE(m.hasValue());
  CHECK((*m)->graph.inputs()[0]->type.shape.str() == "[1,4,5,3]");
  auto bad = parse(ws, gb, {}, {{"x", {1, 4, 5}}});
  REQUIRE_FALSE(bad.hasValue());
  CHECK(bad.status().code() == ErrorCode::Usage);
}

TEST_CASE("tensorflow bad input: garbage and truncated files", "[tensorflow][bad-input]") {
  {
    badinput::Workspace ws;
    checkTfFails(ws, "this is not a frozen graph\n", {}, {kInvalid, {"frozen.pb", "GraphDef"}});
  }
  {
    badinput::Workspace ws;
    GraphBuilder gb;
    gb.placeholder("x", {1, 2, 2, 3});
    gb.floats("w", {64}, std::vector<float>(64, 1.f));
    gb.node("y", "Add", {"x", "w"});
    const std::string bytes = gb.bytes();
    checkTfFails(ws, bytes.substr(0, bytes.size() / 2), {}, {kInvalid, {"frozen.pb"}});
  }
  {
    badinput::Workspace ws;
    checkTfFails(ws, "", {}, {kInvalid, {"frozen.pb", "no nodes"}});
  }
}

TEST_CASE("tensorflow bad input: unknown op names the node and op", "[tensorflow][bad-input]") {
  badinput::Workspace ws;
  GraphBuilder gb;
  gb.placeholder("x", {1, 2, 2, 3});
  gb.node("weird_node", "FancyOp", {"x"});
  checkTfFails(ws, gb.bytes(), {}, {kUnsupported, {"frozen.pb", "weird_node", "FancyOp"}});
}

TEST_CASE("tensorflow bad input: unknown --dstNodeName and output index",
          "[tensorflow][bad-input]") {
  {
    badinput::Workspace ws;
    checkTfFails(ws, addGraph().bytes(), {"--dstNodeName", "nope"}, {kUsage, {"nope"}});
  }
  {
    badinput::Workspace ws;
    checkTfFails(ws, addGraph().bytes(), {"--dstNodeName", "add:3"}, {kUsage, {"add:3"}});
  }
}

TEST_CASE("tensorflow bad input: unknown dims need --inputShape", "[tensorflow][bad-input]") {
  GraphBuilder gb;
  gb.placeholder("img", {-1, -1, -1, 3});
  gb.node("y", "Relu", {"img"});
  {
    badinput::Workspace ws;
    checkTfFails(ws, gb.bytes(), {}, {kUsage, {"img", "--inputShape"}});
  }
  {
    badinput::Workspace ws;
    const auto pbPath = ws.in() / "frozen.pb";
    badinput::writeFile(pbPath, gb.bytes());
    const auto out = ws.out() / "out.onnx";
    const auto r = badinput::runNnport(ws, {"convert", "-sf", "tensorflow", "-iw", pbPath.string(),
                                            out.string(), "--inputShape", "img:1,8,8,3"});
    INFO(r.err);
    CHECK(r.exitCode == 0);
    CHECK(badinput::fs::exists(out));
  }
}

TEST_CASE("tensorflow bad input: training-mode FusedBatchNorm is refused",
          "[tensorflow][bad-input]") {
  badinput::Workspace ws;
  GraphBuilder gb;
  gb.placeholder("x", {1, 2, 2, 3});
  for (const char* p : {"s", "o", "m", "v"}) gb.floats(p, {3}, {1.f, 1.f, 1.f});
  gb.node("bn", "FusedBatchNormV3", {"x", "s", "o", "m", "v"});
  checkTfFails(ws, gb.bytes(), {}, {kUnsupported, {"bn", "FusedBatchNormV3", "is_training"}});
}
