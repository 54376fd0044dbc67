// Reading ONNX files with large raw_data left in the mapped file: the walk
// that strips them, the slices it records, what protobuf makes of the rest,
// and element access to slices at unaligned addresses.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>

#include "emitters/onnx/onnx_emitter.h"
#include "lib/pipeline.h"
#include "parsers/onnx/onnx_lean_read.h"

using namespace nnport;
using namespace nnport::onnxproto;

namespace {

std::vector<float> ramp(size_t n, float scale) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = scale * static_cast<float>(i % 251) - 3.0f;
  return v;
}

// x -> Add(a: 64 KiB) -> Mul(b: 256 B) -> Sub(c: 32 KiB) -> y, all broadcasting
// to x's [1, 2, 128, 64].
onnx::ModelProto model() {
  Model m;
  m.opsets = {{"", 13}};
  Graph& g = m.graph;
  Value* x = g.addInput("x", {DType::Float32, Shape({1, 2, 128, 64})});
  x->declaredType = x->type;
  auto add = [&g](const char* name, std::vector<int64_t> dims, size_t n, float s) {
    return g.addInitializer(
        name, std::make_shared<Tensor>(Tensor::fromVector(DType::Float32, dims, ramp(n, s))));
  };
  Value* a = add("a", {1, 2, 128, 64}, 16384, 0.5f);
  Value* b = add("b", {64}, 64, 0.25f);
  Value* c = add("c", {128, 64}, 8192, 0.125f);
  Value* h1 = g.addNode("Add", "", {x, a}, {"h1"}, "add")->output();
  Value* h2 = g.addNode("Mul", "", {h1, b}, {"h2"}, "mul")->output();
  Value* y = g.addNode("Add", "", {h2, c}, {"y"}, "sub")->output();
  y->declaredType = TensorType{DType::Float32, Shape({1, 2, 128, 64})};
  g.addOutput(y);
  auto p = exportModel(m);
  REQUIRE(p.hasValue());
  return **p;
}

const uint8_t* bytesOf(const std::string& s) {
  return reinterpret_cast<const uint8_t*>(s.data());
}

// A length-delimited field: tag, varint length, payload.
std::string delimited(int field, const std::string& payload) {
  std::string s(1, static_cast<char>((field << 3) | 2));
  for (uint64_t v = payload.size();; v >>= 7) {
    s.push_back(static_cast<char>((v & 0x7f) | (v >= 0x80 ? 0x80 : 0)));
    if (v < 0x80) break;
  }
  return s + payload;
}

}  // namespace

TEST_CASE("stripping leaves large raw_data in place and records where", "[onnx-io][lean]") {
  const onnx::ModelProto full = model();
  const std::string bytes = full.SerializeAsString();
  std::vector<std::optional<RawDataSlice>> slices;
  auto lean = stripLargeRawData(bytesOf(bytes), bytes.size(), slices);
  REQUIRE(lean);
  REQUIRE(slices.size() == 3);
  REQUIRE(slices[0]);
  CHECK_FALSE(slices[1]);  // 256 bytes stay in the proto
  REQUIRE(slices[2]);
  CHECK(lean->size() < bytes.size() - 90000);
  const auto& a = full.graph().initializer(0).raw_data();
  CHECK(slices[0]->size == a.size());
  CHECK(std::memcmp(bytes.data() + slices[0]->offset, a.data(), a.size()) == 0);
  onnx::ModelProto parsed;
  REQUIRE(parsed.ParseFromString(*lean));
  CHECK_FALSE(parsed.graph().initializer(0).has_raw_data());
  CHECK(parsed.graph().initializer(1).raw_data() == full.graph().initializer(1).raw_data());
  // Everything else is what protobuf reads from the whole file.
  onnx::ModelProto expected = full;
  expected.mutable_graph()->mutable_initializer(0)->clear_raw_data();
  expected.mutable_graph()->mutable_initializer(2)->clear_raw_data();
  CHECK(parsed.SerializeAsString() == expected.SerializeAsString());
}

TEST_CASE("stripping gives up on malformed bytes and on repeated raw_data", "[onnx-io][lean]") {
  const std::string bytes = model().SerializeAsString();
  std::vector<std::optional<RawDataSlice>> slices;
  CHECK_FALSE(stripLargeRawData(bytesOf(bytes), bytes.size() - 100, slices));  // truncated
  CHECK(slices.empty());
  const std::string garbage(1000, '\xff');
  CHECK_FALSE(stripLargeRawData(bytesOf(garbage), garbage.size(), slices));

  // A tensor with two large raw_data fields: protobuf keeps the last one,
  // so nothing may be left out of it.
  onnx::TensorProto header, first, second;
  header.set_name("a");
  header.set_data_type(onnx::TensorProto::FLOAT);
  header.add_dims(8192);
  first.set_raw_data(std::string(32768, '\x01'));
  second.set_raw_data(std::string(32768, '\x02'));
  const std::string tensor =
      header.SerializeAsString() + first.SerializeAsString() + second.SerializeAsString();
  const std::string wire = delimited(7, delimited(5, tensor));
  CHECK_FALSE(stripLargeRawData(bytesOf(wire), wire.size(), slices));
  onnx::ModelProto back;
  REQUIRE(back.ParseFromString(wire));
  CHECK(back.graph().initializer(0).raw_data() == second.raw_data());
}

TEST_CASE("a saved model reads back with weights borrowed from the file", "[onnx-io][lean]") {
  const auto dir = std::filesystem::temp_directory_path() / "nnport_lean_read";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "m.onnx").string();
  const onnx::ModelProto full = model();
  {
    std::ofstream out(path, std::ios::binary);
    REQUIRE(full.SerializeToOstream(&out));
  }
  auto m = loadModelFile(path);
  REQUIRE(m.hasValue());
  for (int i = 0; i < 3; ++i) {
    const auto& p = full.graph().initializer(i);
    const Tensor& t = *(*m)->graph.findValue(p.name())->initializer();
    REQUIRE(t.byteSize() == p.raw_data().size());
    CHECK(std::memcmp(t.rawBytes(), p.raw_data().data(), t.byteSize()) == 0);
    CHECK(std::memcmp(t.rawData(), p.raw_data().data(), t.byteSize()) == 0);
    CHECK(reinterpret_cast<uintptr_t>(t.rawData()) % alignof(float) == 0);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("a mapped slice at an unaligned address gives aligned elements", "[onnx-io][lean]") {
  const auto dir = std::filesystem::temp_directory_path() / "nnport_lean_unaligned";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "f.bin").string();
  const std::vector<float> v = ramp(1000, 0.5f);
  {
    std::ofstream out(path, std::ios::binary);
    out.put('x');  // the floats start at offset 1
    out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * 4));
  }
  auto file = MappedFile::open(path);
  REQUIRE(file.hasValue());
  Tensor t(DType::Float32, {1000}, makeMappedSlice(*file, 1, v.size() * 4, alignof(float)));
  CHECK(t.rawBytes() == (*file)->data() + 1);  // bytes() borrows
  REQUIRE(reinterpret_cast<uintptr_t>(t.rawData()) % alignof(float) == 0);
  CHECK(t.rawData() != t.rawBytes());
  CHECK(std::equal(v.begin(), v.end(), t.data<float>()));
  Tensor aligned(DType::Float32, {999}, makeMappedSlice(*file, 4, 999 * 4, alignof(float)));
  CHECK(aligned.rawData() == aligned.rawBytes());
  std::filesystem::remove_all(dir);
}
