// Fixtures shared by the on-disk IR tests: a model using every feature the
// format carries, structural comparison, and JSON helpers.
#pragma once

#include <catch2/catch.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "ir/graph.h"
#include "ir/serialize/ir_json.h"

namespace nnport::irtest {
using namespace nnport;
using Json = nlohmann::json;
}  // namespace nnport::irtest

namespace nnport::irtest {

inline TensorType f32(std::vector<Dim> dims) {
  return {DType::Float32, Shape(std::move(dims))};
}

inline TensorPtr tensor(DType t, std::vector<int64_t> dims, const void* data, size_t bytes) {
  return std::make_shared<Tensor>(Tensor::copyOf(t, std::move(dims), data, bytes));
}

inline float bitsToFloat(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

inline std::string bytes(const char* s, size_t n) {
  return std::string(s, n);
}

// A model that exercises every part of the format.
inline std::unique_ptr<Model> richModel() {
  auto m = std::make_unique<Model>();
  m->irVersion = 9;
  m->opsets = {{"", 17}, {"com.example", 2}};
  m->producerName = "pytorch";
  m->producerVersion = "2.1";
  m->domain = "ai.test";
  m->modelVersion = 3;
  m->docString = "a model\nwith two lines";
  m->metadata = {{"author", "me"}, {bytes("k\xff", 2), bytes("v\xfe\x00", 3)}, {"author", "dup"}};
  m->opaqueFunctions = {bytes("\x0a\x03\x00\xff", 4), "second"};
  m->opaqueTrainingInfo = {"t"};
  m->opaqueQuantAnnotations = {bytes("\x80\x81", 2)};
  m->opaqueSparseInitializers = {};
  m->opaqueValueInfo = {"vi", ""};

  Graph& g = m->graph;
  g.name = "rich";
  g.docString = bytes("doc\xc3\x28", 5);  // invalid UTF-8
  g.valueInfoOrder = {"c", "o1"};

  Value* x = g.addInput("x", f32({Dim::symbolic("batch"), 3, Dim(), 4}));
  x->declaredType = f32({Dim::symbolic("N"), 3, Dim(), 4});
  x->docString = "the input";
  Value* y = g.addInput("y", {DType::Float32, Shape::unknownRank()});

  const std::vector<float> wData = {1.f, -2.5f, 0.1f, 3e-39f, -0.f, 7.f};
  Value* w = g.addInitializer("w", tensor(DType::Float32, {2, 3}, wData.data(), 24));
  const std::vector<int64_t> shapeData = {1, -1};
  g.addInitializer("shape", tensor(DType::Int64, {2}, shapeData.data(), 16));
  const std::vector<uint16_t> half = {0x3c00, 0xc000, 0x7e00};
  g.addInitializer("h", tensor(DType::Float16, {3}, half.data(), 6));
  const uint8_t mask[] = {1, 0, 0, 1};
  g.addInitializer("mask", tensor(DType::Bool, {4}, mask, 4));
  auto strings =
      std::make_shared<Tensor>(Tensor::ofStrings({3}, {"abc", bytes("\xff\xfe\x00", 3), ""}));
  strings->docString = "labels";
  g.addInitializer("names", strings);
  g.addInitializer("empty", tensor(DType::Float32, {0, 3}, nullptr, 0));
  const int8_t wq[] = {1, -2, 3, -4};
  Value* wqv = g.addInitializer("wq", tensor(DType::Int8, {2, 2}, wq, 4));
  wqv->quant = QuantParams{{0.1f, 0.2f}, {0, 0}, 0, DType::Int8};
  // An initializer listed as a graph input too (ONNX IR < 4 style).
  g.markGraphInput(w);

  Node* conv = g.addNode("Conv", "", {x, w, nullptr}, {"c"}, "conv1");
  conv->attrs.set(Attribute::ofInts("strides", {1, 1}));
  conv->attrs.set(Attribute::ofInt("group", 1));
  conv->attrs.set(Attribute::ofString("auto_pad", "NOTSET"));
  conv->docString = "convolution";
  conv->output()->type = f32({Dim::symbolic("batch"), 2, Dim(), 2});

  Value* ext = g.addDetachedValue("ext");
  ext->type = f32({1});
  Node* custom =
      g.addNode("Mystery", "com.example", {conv->output(), nullptr, g.findValue("shape"), ext},
                {"o1", "", "o2"}, "mystery");
  custom->addCapture(g.findValue("names"));
  custom->addCapture(y);
  Attribute a;
  a.name = "f_inf";
  a.kind = AttrKind::Float;
  a.f = INFINITY;
  custom->attrs.set(a);
  custom->attrs.set(Attribute::ofFloat("f_tiny", 1e-45f));
  custom->attrs.set(Attribute::ofFloat("f_max", FLT_MAX));
  custom->attrs.set(Attribute::ofInt("i_min", INT64_MIN));
  custom->attrs.set(Attribute::ofString("s_bin", bytes("\xff\x00\x01", 3)));
  custom->attrs.set(
      Attribute::ofFloats("floats", {1.5f, -0.f, -INFINITY, bitsToFloat(0x7fc00123), 0.1f}));
  custom->attrs.set(Attribute::ofInts("ints", {INT64_MAX, -1, 0}));
  Attribute strs;
  strs.name = "strings";
  strs.kind = AttrKind::Strings;
  strs.strings = {"ok", bytes("\xc0\xaf", 2), ""};
  custom->attrs.set(strs);
  const std::vector<float> tval = {0.5f, 1.5f};
  custom->attrs.set(Attribute::ofTensor("tensor", tensor(DType::Float32, {2}, tval.data(), 8)));
  Attribute ts;
  ts.name = "tensors";
  ts.kind = AttrKind::Tensors;
  ts.tensors = {tensor(DType::Int64, {2}, shapeData.data(), 16), strings};
  custom->attrs.set(ts);
  auto opaque = [](const char* name, AttrKind kind, std::vector<std::string> blobs) {
    Attribute o;
    o.name = name;
    o.kind = kind;
    o.opaque = std::move(blobs);
    return o;
  };
  custom->attrs.set(opaque("body", AttrKind::Graph, {bytes("\x0a\x04\x00body\xff", 8)}));
  custom->attrs.set(opaque("bodies", AttrKind::Graphs, {"g1", bytes("\x00", 1)}));
  custom->attrs.set(opaque("sparse", AttrKind::SparseTensor, {"sp"}));
  custom->attrs.set(opaque("sparses", AttrKind::SparseTensors, {}));
  custom->attrs.set(opaque("tp", AttrKind::TypeProto, {"tp"}));
  custom->attrs.set(opaque("tps", AttrKind::TypeProtos, {"a", "b"}));
  Attribute ref;
  ref.name = "ref";
  ref.kind = AttrKind::Int;
  ref.refAttrName = "outer_attr";
  ref.docString = "refers to the function's attribute";
  custom->attrs.set(ref);
  Attribute undef;
  undef.name = "undef";
  custom->attrs.set(undef);
  Attribute stray = Attribute::ofInt("stray", 4);
  stray.floats = {2.f};  // a field the kind does not use
  custom->attrs.set(stray);

  Value* o1 = custom->output(0);
  o1->type = {DType::UInt8, Shape({Dim::symbolic(bytes("b\xff", 2)), 2})};
  o1->quant = QuantParams{{0.5f}, {128}, -1, DType::UInt8};
  Value* o2 = custom->output(2);
  o2->foreignType = bytes("\x08\x01\x12\x00", 4);

  // Inserted out of order: reads a value produced by a later node.
  Node* late = g.addNode("Relu", "", {nullptr}, {"r"});
  Node* neg = g.addNode("Neg", "", {o1}, {"n"}, "neg");
  late->setInput(0, neg->output());
  g.addNode("Identity", "", {}, {}, "no_io");

  g.setOutputs({o1, o2, late->output(), o1});
  return m;
}

inline void requireSameTensor(const TensorPtr& a, const TensorPtr& b) {
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->dtype() == b->dtype());
  CHECK(a->dims() == b->dims());
  CHECK(a->strings() == b->strings());
  CHECK(a->docString == b->docString);
  REQUIRE(a->byteSize() == b->byteSize());
  if (a->byteSize()) CHECK(std::memcmp(a->rawData(), b->rawData(), a->byteSize()) == 0);
}

inline std::string nameOf(const Value* v) {
  return v ? v->name() : std::string("<null>");
}

inline std::vector<std::string> names(const std::vector<Value*>& vs) {
  std::vector<std::string> out;
  for (const Value* v : vs) out.push_back(nameOf(v));
  return out;
}

inline void requireSameValue(const Value* a, const Value* b) {
  REQUIRE(a);
  REQUIRE(b);
  INFO("value " << a->name());
  CHECK(a->name() == b->name());
  CHECK(a->type == b->type);
  CHECK(a->declaredType == b->declaredType);
  CHECK(a->quant == b->quant);
  CHECK(a->docString == b->docString);
  CHECK(a->foreignType == b->foreignType);
  CHECK(a->isGraphInput() == b->isGraphInput());
  CHECK(a->isGraphOutput() == b->isGraphOutput());
  CHECK(a->isConstant() == b->isConstant());
  CHECK(a->resultIndex() == b->resultIndex());
  CHECK((a->producer() == nullptr) == (b->producer() == nullptr));
  if (a->producer() && b->producer()) CHECK(a->producer()->name() == b->producer()->name());
  CHECK(a->uses().size() == b->uses().size());
  if (a->isConstant() && b->isConstant()) requireSameTensor(a->initializer(), b->initializer());
}

// Every use recorded on a value matches the operand or capture it names.
inline void requireConsistentUses(const Graph& g) {
  for (const Node* n : g.nodes()) {
    for (size_t i = 0; i < n->numInputs(); ++i) {
      if (!n->input(i)) continue;
      const auto& uses = n->input(i)->uses();
      CHECK(std::count(uses.begin(), uses.end(), Use{const_cast<Node*>(n), uint32_t(i), false}) ==
            1);
    }
    for (size_t i = 0; i < n->captures().size(); ++i) {
      const auto& uses = n->captures()[i]->uses();
      CHECK(std::count(uses.begin(), uses.end(), Use{const_cast<Node*>(n), uint32_t(i), true}) ==
            1);
    }
  }
}

inline void requireSameModel(const Model& a, const Model& b) {
  CHECK(a.irVersion == b.irVersion);
  REQUIRE(a.opsets.size() == b.opsets.size());
  for (size_t i = 0; i < a.opsets.size(); ++i) {
    CHECK(a.opsets[i].domain == b.opsets[i].domain);
    CHECK(a.opsets[i].version == b.opsets[i].version);
  }
  CHECK(a.producerName == b.producerName);
  CHECK(a.producerVersion == b.producerVersion);
  CHECK(a.domain == b.domain);
  CHECK(a.docString == b.docString);
  CHECK(a.modelVersion == b.modelVersion);
  CHECK(a.metadata == b.metadata);
  CHECK(a.opaqueFunctions == b.opaqueFunctions);
  CHECK(a.opaqueTrainingInfo == b.opaqueTrainingInfo);
  CHECK(a.opaqueQuantAnnotations == b.opaqueQuantAnnotations);
  CHECK(a.opaqueSparseInitializers == b.opaqueSparseInitializers);
  CHECK(a.opaqueValueInfo == b.opaqueValueInfo);

  const Graph& ga = a.graph;
  const Graph& gb = b.graph;
  CHECK(ga.name == gb.name);
  CHECK(ga.docString == gb.docString);
  CHECK(ga.valueInfoOrder == gb.valueInfoOrder);
  CHECK(names(ga.inputs()) == names(gb.inputs()));
  CHECK(names(ga.outputs()) == names(gb.outputs()));
  CHECK(names(ga.initializers()) == names(gb.initializers()));
  for (size_t i = 0; i < ga.inputs().size() && i < gb.inputs().size(); ++i)
    requireSameValue(ga.inputs()[i], gb.inputs()[i]);
  for (size_t i = 0; i < ga.initializers().size() && i < gb.initializers().size(); ++i)
    requireSameValue(ga.initializers()[i], gb.initializers()[i]);
  for (size_t i = 0; i < ga.outputs().size() && i < gb.outputs().size(); ++i)
    requireSameValue(ga.outputs()[i], gb.outputs()[i]);

  const auto na = ga.nodes(), nb = gb.nodes();
  REQUIRE(na.size() == nb.size());
  for (size_t k = 0; k < na.size(); ++k) {
    INFO("node " << k << " " << na[k]->opType());
    CHECK(na[k]->name() == nb[k]->name());
    CHECK(na[k]->opType() == nb[k]->opType());
    CHECK(na[k]->domain() == nb[k]->domain());
    CHECK(na[k]->docString == nb[k]->docString);
    CHECK(names(na[k]->inputs()) == names(nb[k]->inputs()));
    CHECK(names(na[k]->outputs()) == names(nb[k]->outputs()));
    CHECK(names(na[k]->captures()) == names(nb[k]->captures()));
    CHECK(na[k]->attrs == nb[k]->attrs);
    CHECK((na[k]->schema() == nullptr) == (nb[k]->schema() == nullptr));
    for (size_t i = 0; i < na[k]->numInputs(); ++i)
      if (na[k]->input(i)) requireSameValue(na[k]->input(i), nb[k]->input(i));
    for (size_t i = 0; i < na[k]->numOutputs(); ++i)
      if (na[k]->output(i)) requireSameValue(na[k]->output(i), nb[k]->output(i));
  }
  requireConsistentUses(gb);
}

inline std::string testDir() {
  auto dir = std::filesystem::path(NNPORT_BINARY_DIR) / "ir_json_test";
  std::filesystem::create_directories(dir);
  return dir.string();
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The JSON and .bin of the rich model, encoded in memory.
struct Encoded {
  std::string json, bin;
};
inline Encoded encodeRich() {
  Encoded e;
  auto m = richModel();
  Status st = writeIrToStrings(*m, &e.json, &e.bin);
  REQUIRE(st.isOk());
  return e;
}

inline Status readJson(const Json& j, const std::string& bin) {
  auto m = readIrFromMemory(j.dump(), makeStringBuffer(bin), "test.json");
  return m.status();
}

// Collects every [offset, size] reference in the document.
inline void collectBlobs(const Json& j, std::vector<std::pair<uint64_t, uint64_t>>* out) {
  if (j.is_object()) {
    if (j.contains("offset") && j.contains("nbytes"))
      out->push_back({j["offset"].get<uint64_t>(), j["nbytes"].get<uint64_t>()});
    for (const auto& [key, v] : j.items()) {
      if (key == "bin" || key == "foreign_type")
        out->push_back({v[0].get<uint64_t>(), v[1].get<uint64_t>()});
      else if (key == "opaque" && v.is_array())
        for (const auto& b : v) out->push_back({b[0].get<uint64_t>(), b[1].get<uint64_t>()});
      else
        collectBlobs(v, out);
    }
  } else if (j.is_array()) {
    for (const auto& v : j) collectBlobs(v, out);
  }
}

}  // namespace nnport::irtest
