// ONNX reading and writing through the library: external data (on request
// and automatic), lazy materialization, metadata and unknown ops kept.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "lib/pipeline.h"

using namespace nnport;
namespace fs = std::filesystem;

namespace {

fs::path freshDir(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("nnport_onnx_io_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// x[1,4] -> MatMul(w[4,128]) -> custom op -> y
std::unique_ptr<Model> smallModel() {
  auto m = std::make_unique<Model>();
  m->opsets = {{"", 17}, {"com.example", 1}};
  m->producerName = "unit-test";
  m->docString = "a small model";
  m->metadata = {{"author", "nnport"}, {"license", "none"}};
  Graph& g = m->graph;
  g.name = "small";
  Value* x = g.addInput("x", {DType::Float32, Shape({Dim::symbolic("N"), 4})});
  x->declaredType = x->type;
  std::vector<float> w(4 * 128);
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i) * 0.5f;
  Value* wv = g.addInitializer(
      "w", std::make_shared<Tensor>(Tensor::fromVector(DType::Float32, {4, 128}, w)));
  Node* mm = g.addNode("MatMul", "", {x, wv}, {"h"}, "mm");
  Node* custom = g.addNode("Frobnicate", "com.example", {mm->output()}, {"y"}, "frob");
  custom->attrs.set(Attribute::ofString("mode", "fast"));
  custom->attrs.set(Attribute::ofInts("knobs", {1, 2, 3}));
  custom->docString = "unknown to nnport";
  Value* y = custom->output();
  y->declaredType = TensorType{DType::Float32, Shape({Dim::symbolic("N"), 128})};
  g.addOutput(y);
  return m;
}

std::unique_ptr<Model> load(const fs::path& p) {
  auto m = loadModelFile(p.string());
  REQUIRE(m.hasValue());
  return std::move(m).value();
}

}  // namespace

TEST_CASE("metadata, doc strings and unknown ops survive a round trip", "[onnx-io]") {
  fs::path d = freshDir("meta");
  auto m = smallModel();
  REQUIRE(saveModel(*m, "", (d / "m.onnx").string(), {}).isOk());
  auto back = load(d / "m.onnx");
  CHECK(back->producerName == "unit-test");
  CHECK(back->docString == "a small model");
  CHECK(back->metadata == m->metadata);
  Node* frob = back->graph.findNode("frob");
  REQUIRE(frob != nullptr);
  CHECK(frob->domain() == "com.example");
  CHECK(frob->docString == "unknown to nnport");
  CHECK(frob->attrs == m->graph.findNode("frob")->attrs);
  CHECK(back->graph.outputs()[0]->declaredType->str() == "f32[N,128]");
}

TEST_CASE("option --external-data writes weights beside the model and reads them lazily",
          "[onnx-io]") {
  fs::path d = freshDir("ext");
  auto m = smallModel();
  EmitOptions opts;
  opts.externalData = true;
  Status saved = saveModel(*m, "", (d / "m.onnx").string(), opts);
  INFO(saved.message());
  REQUIRE(saved.isOk());
  REQUIRE(fs::exists(d / "m.onnx.data"));
  CHECK(fs::file_size(d / "m.onnx.data") >= 4 * 128 * 4);
  CHECK(fs::file_size(d / "m.onnx") < 1024);
  for (const auto& e : fs::directory_iterator(d))
    CHECK(e.path().filename().string().find("nnport-tmp") == std::string::npos);

  auto back = load(d / "m.onnx");
  const TensorPtr& w = back->graph.findValue("w")->initializer();
  CHECK_FALSE(w->materialized());
  const TensorPtr& orig = m->graph.findValue("w")->initializer();
  REQUIRE(w->byteSize() == orig->byteSize());
  CHECK(std::memcmp(w->rawData(), orig->rawData(), w->byteSize()) == 0);
  CHECK(w->materialized());
}

TEST_CASE("external data is automatic past the inline limit", "[onnx-io]") {
  fs::path d = freshDir("auto");
  auto m = smallModel();
  EmitOptions opts;
  opts.inlineLimitBytes = 1000;  // stands in for protobuf's 2 GB
  Status saved = saveModel(*m, "", (d / "m.onnx").string(), opts);
  INFO(saved.message());
  REQUIRE(saved.isOk());
  CHECK(fs::exists(d / "m.onnx.data"));
  opts.inlineLimitBytes = 1 << 20;
  REQUIRE(saveModel(*m, "", (d / "inline.onnx").string(), opts).isOk());
  CHECK_FALSE(fs::exists(d / "inline.onnx.data"));
}

TEST_CASE("a failing write leaves no output and keeps the old file", "[onnx-io]") {
  fs::path d = freshDir("atomic");
  auto m = smallModel();
  Status st = saveModel(*m, "", (d / "missing_dir" / "m.onnx").string(), {});
  CHECK(st.code() == ErrorCode::Io);

  // An IR-only op cannot be written as ONNX: the old file stays as it was.
  const fs::path target = d / "keep.onnx";
  std::ofstream(target) << "previous good output";
  m->graph.addNode("FusedThing", "nnport", {m->graph.findValue("y")}, {"z"}, "fused");
  st = saveModel(*m, "", target.string(), {});
  CHECK(st.code() == ErrorCode::Unsupported);
  CHECK(st.message().find("node 'fused' (nnport::FusedThing)") != std::string::npos);
  std::ifstream in(target);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(content == "previous good output");
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(d)) (void)e, ++entries;
  CHECK(entries == 1);
}
