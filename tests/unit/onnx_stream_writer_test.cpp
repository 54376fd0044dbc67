// The payload-splicing ONNX writer: its bytes must equal protobuf's own
// serialization of the full proto, and its checkable copy must carry the
// same structure, types and shapes.
#include <onnx/checker.h>
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "emitters/onnx/onnx_emitter.h"
#include "emitters/onnx/onnx_stream_writer.h"
#include "lib/pipeline.h"

using namespace nnport;
using namespace nnport::onnxproto;

namespace {

Value* floats(Graph& g, const std::string& name, std::vector<int64_t> dims, float scale) {
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  std::vector<float> v(static_cast<size_t>(n));
  for (size_t i = 0; i < v.size(); ++i) v[i] = scale * static_cast<float>(i % 97) - 1.0f;
  Value* w =
      g.addInitializer(name, std::make_shared<Tensor>(Tensor::fromVector(DType::Float32, dims, v)));
  return w;
}

// x -> Conv(w big, b small) -> Add(c mid) -> y, with metadata and doc strings
// on both sides of the graph field and the initializers.
std::unique_ptr<Model> convModel() {
  auto m = std::make_unique<Model>();
  m->opsets = {{"", 13}};
  m->producerName = "stream-writer-test";
  m->docString = "before the graph";
  m->metadata = {{"after", "the graph"}};
  Graph& g = m->graph;
  g.name = "conv";
  g.docString = "graph doc";
  Value* x = g.addInput("x", {DType::Float32, Shape({1, 16, 8, 8})});
  x->declaredType = x->type;
  Value* w = floats(g, "w", {128, 16, 3, 3}, 0.01f);  // 72 KiB: spliced by saveModel
  const_cast<Tensor&>(*w->initializer()).docString = "after raw_data";
  Value* b = floats(g, "b", {128}, 0.1f);
  Value* c = floats(g, "c", {1, 128, 8, 8}, 0.02f);
  Node* conv = g.addNode("Conv", "", {x, w, b}, {"h"}, "conv");
  conv->attrs.set(Attribute::ofInts("pads", {1, 1, 1, 1}));
  Node* add = g.addNode("Add", "", {conv->output(), c}, {"y"}, "add");
  add->output()->declaredType = TensorType{DType::Float32, Shape({1, 128, 8, 8})};
  g.addOutput(add->output());
  return m;
}

}  // namespace

TEST_CASE("spliced initializers give the bytes of the full proto", "[onnx-io][stream]") {
  auto m = convModel();
  auto full = exportModel(*m);
  REQUIRE(full.hasValue());
  for (size_t limit : {size_t{1}, size_t{1024}, size_t{40000}, SIZE_MAX}) {
    auto header = exportModel(*m, limit);
    REQUIRE(header.hasValue());
    const InitializerPayloads payloads = payloadsFor(m->graph, (*header)->graph());
    size_t spliced = 0;
    for (const Tensor* t : payloads) spliced += t != nullptr;
    CHECK(spliced == (limit == 1 ? 3u : limit == 1024 ? 2u : limit == 40000 ? 1u : 0u));
    CHECK(serializeWithPayloads(**header, payloads) == (*full)->SerializeAsString());
    // The proto is put back together.
    CHECK((*header)->graph().initializer_size() == 3);
    CHECK((*header)->graph().node_size() == 2);
  }
}

TEST_CASE("the file written with payloads reads back as the same model", "[onnx-io][stream]") {
  auto m = convModel();
  const auto dir = std::filesystem::temp_directory_path() / "nnport_stream_writer";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "m.onnx").string();
  auto header = exportModel(*m, 1);
  REQUIRE(header.hasValue());
  const InitializerPayloads payloads = payloadsFor(m->graph, (*header)->graph());
  REQUIRE(writeWithPayloads(**header, payloads, path, path).isOk());
  onnx::ModelProto back;
  std::ifstream in(path, std::ios::binary);
  REQUIRE(back.ParseFromIstream(&in));
  REQUIRE(back.graph().initializer_size() == 3);
  const auto& w = back.graph().initializer(0);
  CHECK(w.name() == "w");
  CHECK(w.doc_string() == "after raw_data");
  CHECK(w.raw_data().size() == 128 * 16 * 9 * sizeof(float));
  CHECK(std::memcmp(w.raw_data().data(), m->graph.findValue("w")->initializer()->rawData(),
                    w.raw_data().size()) == 0);
  CHECK_NOTHROW(onnx::checker::check_model(back));
  std::filesystem::remove_all(dir);
}

TEST_CASE("the checkable copy turns spliced initializers into typed inputs", "[onnx-io][stream]") {
  auto m = convModel();
  auto header = exportModel(*m, 1024);
  REQUIRE(header.hasValue());
  const InitializerPayloads payloads = payloadsFor(m->graph, (*header)->graph());
  onnx::ModelProto c = checkableCopy(**header, payloads);
  REQUIRE(c.graph().initializer_size() == 1);
  CHECK(c.graph().initializer(0).name() == "b");
  REQUIRE(c.graph().input_size() == 3);
  const auto& w = c.graph().input(1);
  CHECK(w.name() == "w");
  CHECK(w.type().tensor_type().elem_type() == onnx::TensorProto::FLOAT);
  REQUIRE(w.type().tensor_type().shape().dim_size() == 4);
  CHECK(w.type().tensor_type().shape().dim(0).dim_value() == 128);
  CHECK_NOTHROW(onnx::checker::check_model(c));
  // A header-only initializer fails the checker: that is why the copy exists.
  CHECK_THROWS(onnx::checker::check_model(**header));
  // The output proto itself is untouched.
  CHECK((*header)->graph().initializer_size() == 3);
  CHECK((*header)->graph().input_size() == 1);
}

TEST_CASE("saveModel output is byte-identical to protobuf's serialization", "[onnx-io][stream]") {
  auto m = convModel();
  const auto dir = std::filesystem::temp_directory_path() / "nnport_stream_save";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "m.onnx").string();
  REQUIRE(saveModel(*m, "onnx", path, {}).isOk());
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  auto full = exportModel(*m);
  REQUIRE(full.hasValue());
  CHECK(ss.str() == (*full)->SerializeAsString());
  std::filesystem::remove_all(dir);
}
