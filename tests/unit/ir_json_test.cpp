// The on-disk IR pair (ir/serialize/ir_json.h): lossless round trips,
// byte-identical rewrites, alignment, zero-copy reads, and hostile input.
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

using namespace nnport;
using Json = nlohmann::json;

namespace {

TensorType f32(std::vector<Dim> dims) {
  return {DType::Float32, Shape(std::move(dims))};
}

TensorPtr tensor(DType t, std::vector<int64_t> dims, const void* data, size_t bytes) {
  return std::make_shared<Tensor>(Tensor::copyOf(t, std::move(dims), data, bytes));
}

float bitsToFloat(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

std::string bytes(const char* s, size_t n) {
  return std::string(s, n);
}

// A model that exercises every part of the format.
std::unique_ptr<Model> richModel() {
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

void requireSameTensor(const TensorPtr& a, const TensorPtr& b) {
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->dtype() == b->dtype());
  CHECK(a->dims() == b->dims());
  CHECK(a->strings() == b->strings());
  CHECK(a->docString == b->docString);
  REQUIRE(a->byteSize() == b->byteSize());
  if (a->byteSize()) CHECK(std::memcmp(a->rawData(), b->rawData(), a->byteSize()) == 0);
}

std::string nameOf(const Value* v) {
  return v ? v->name() : std::string("<null>");
}

std::vector<std::string> names(const std::vector<Value*>& vs) {
  std::vector<std::string> out;
  for (const Value* v : vs) out.push_back(nameOf(v));
  return out;
}

void requireSameValue(const Value* a, const Value* b) {
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
void requireConsistentUses(const Graph& g) {
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

void requireSameModel(const Model& a, const Model& b) {
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

std::string testDir() {
  auto dir = std::filesystem::path(NNPORT_BINARY_DIR) / "ir_json_test";
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The JSON and .bin of the rich model, encoded in memory.
struct Encoded {
  std::string json, bin;
};
Encoded encodeRich() {
  Encoded e;
  auto m = richModel();
  Status st = writeIrToStrings(*m, &e.json, &e.bin);
  REQUIRE(st.isOk());
  return e;
}

Status readJson(const Json& j, const std::string& bin) {
  auto m = readIrFromMemory(j.dump(), makeStringBuffer(bin), "test.json");
  return m.status();
}

// Collects every [offset, size] reference in the document.
void collectBlobs(const Json& j, std::vector<std::pair<uint64_t, uint64_t>>* out) {
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

}  // namespace

TEST_CASE("IR round trip is lossless and byte-identical", "[irjson]") {
  auto m = richModel();
  const std::string dir = testDir();
  const std::string j1 = dir + "/first.json", b1 = dir + "/first.bin";
  const std::string j2 = dir + "/second.json", b2 = dir + "/second.bin";
  REQUIRE(writeIr(*m, j1, b1).isOk());
  auto back = readIr(j1, b1);
  REQUIRE(back.status().message() == "");
  requireSameModel(*m, *back.value());
  REQUIRE(writeIr(*back.value(), j2, b2).isOk());
  CHECK(slurp(j1) == slurp(j2));
  CHECK(slurp(b1) == slurp(b2));

  // The in-memory writer produces the same pair as the file writer.
  std::string json, bin;
  REQUIRE(writeIrToStrings(*m, &json, &bin).isOk());
  CHECK(json == slurp(j1));
  CHECK(bin == slurp(b1));

  // And a third generation through the memory reader is identical too.
  auto again = readIrFromMemory(json, makeStringBuffer(bin), "mem.json");
  REQUIRE(again.status().message() == "");
  requireSameModel(*m, *again.value());
}

TEST_CASE("IR JSON keeps readable strings inline and the rest in the .bin", "[irjson]") {
  Encoded e = encodeRich();
  Json doc = Json::parse(e.json);
  CHECK(doc["format"] == "nnport-ir");
  CHECK(doc["version"] == 1);
  CHECK(doc["model"]["producer_name"] == "pytorch");
  CHECK(doc["graph"]["doc_string"].is_object());  // invalid UTF-8 goes to the .bin
  CHECK(doc["graph"]["doc_string"].contains("bin"));
  const Json& values = doc["graph"]["values"];
  CHECK(values[0]["name"] == "x");
  CHECK(values[0]["shape"] == Json::parse(R"(["batch", 3, null, 4])"));
  CHECK(values[1]["shape"].is_null());
  const Json& inits = doc["graph"]["initializers"];
  CHECK(inits[0]["name"] == "w");
  CHECK(inits[0]["dims"] == Json::parse("[2, 3]"));
  CHECK(inits[0]["nbytes"] == 24);
  // Indented by one space: small and still one item per line.
  CHECK(e.json.rfind("{\n \"format\": \"nnport-ir\",\n \"version\": 1,", 0) == 0);
}

TEST_CASE("IR blobs are 64-byte aligned and within the .bin", "[irjson]") {
  Encoded e = encodeRich();
  std::vector<std::pair<uint64_t, uint64_t>> blobs;
  collectBlobs(Json::parse(e.json), &blobs);
  REQUIRE(blobs.size() > 20);
  for (const auto& [offset, size] : blobs) {
    INFO("blob at " << offset << " of " << size);
    CHECK(offset % kIrBlobAlignment == 0);
    CHECK(offset + size <= e.bin.size());
    if (size == 0) CHECK(offset == 0);
  }
}

TEST_CASE("IR tensors read from the .bin are zero-copy slices", "[irjson]") {
  Encoded e = encodeRich();
  auto bin = makeStringBuffer(e.bin);
  auto m = readIrFromMemory(e.json, bin, "mem.json");
  REQUIRE(m.status().message() == "");
  const uint8_t* begin = bin->data();
  const uint8_t* end = begin + bin->size();
  const TensorPtr& w = m.value()->graph.findValue("w")->initializer();
  CHECK(w->rawData() >= begin);
  CHECK(w->rawData() + w->byteSize() <= end);
  const TensorPtr& t = m.value()->graph.findNode("mystery")->attrs.getTensor("tensor");
  REQUIRE(t);
  CHECK(t->rawData() >= begin);
  CHECK(t->rawData() < end);

  // From files: the tensors point into one mapping, at the JSON's offsets,
  // and the mapping is page aligned so the data is 64-byte aligned in memory.
  const std::string dir = testDir();
  REQUIRE(writeIr(*m.value(), dir + "/mapped.json", dir + "/mapped.bin").isOk());
  auto mapped = readIr(dir + "/mapped.json", dir + "/mapped.bin");
  REQUIRE(mapped.status().message() == "");
  Json doc = Json::parse(slurp(dir + "/mapped.json"));
  const Graph& g = mapped.value()->graph;
  const uint8_t* w0 = g.findValue("w")->initializer()->rawData();
  const uint8_t* s0 = g.findValue("shape")->initializer()->rawData();
  const auto wOff = doc["graph"]["initializers"][0]["offset"].get<int64_t>();
  const auto sOff = doc["graph"]["initializers"][1]["offset"].get<int64_t>();
  CHECK(s0 - w0 == sOff - wOff);
  CHECK(reinterpret_cast<uintptr_t>(w0) % kIrBlobAlignment == 0);
  CHECK(reinterpret_cast<uintptr_t>(s0) % kIrBlobAlignment == 0);
}

TEST_CASE("IR floats keep their bits, including NaN payloads", "[irjson]") {
  Encoded e = encodeRich();
  Json doc = Json::parse(e.json);
  Json floats;
  for (const auto& n : doc["graph"]["nodes"])
    for (const auto& a : n.value("attributes", Json::array()))
      if (a["name"] == "floats") floats = a["floats"];
  CHECK(floats == Json::parse(R"([1.5, -0.0, "0xff800000", "0x7fc00123", 0.1])"));
}

TEST_CASE("IR reader rejects hostile input with a one-line error naming the file", "[irjson]") {
  Encoded e = encodeRich();
  const Json good = Json::parse(e.json);

  auto expectError = [&](const Json& j, const std::string& needle) {
    Status st = readJson(j, e.bin);
    INFO(st.message());
    REQUIRE_FALSE(st.isOk());
    CHECK(st.code() == ErrorCode::InvalidInput);
    CHECK(st.message().rfind("test.json: ", 0) == 0);
    CHECK(st.message().find('\n') == std::string::npos);
    CHECK(st.message().find(needle) != std::string::npos);
  };
  auto nodeIndex = [&](const std::string& name) {
    const Json& nodes = good["graph"]["nodes"];
    for (size_t k = 0; k < nodes.size(); ++k)
      if (nodes[k]["name"] == name) return k;
    FAIL("no node " << name);
    return size_t(0);
  };

  SECTION("truncated JSON") {
    for (size_t cut : {size_t(0), size_t(1), e.json.size() / 3, e.json.size() - 3}) {
      auto m = readIrFromMemory(e.json.substr(0, cut), makeStringBuffer(e.bin), "test.json");
      REQUIRE_FALSE(m);
      CHECK(m.status().message().rfind("test.json: not valid JSON", 0) == 0);
    }
  }
  SECTION("deeply nested JSON") {
    auto m = readIrFromMemory(std::string(200000, '['), nullptr, "test.json");
    REQUIRE_FALSE(m);
    CHECK(m.status().message().rfind("test.json: not valid JSON", 0) == 0);
    m = readIrFromMemory(std::string(200000, '[') + std::string(200000, ']'), nullptr, "test.json");
    REQUIRE_FALSE(m);
    CHECK(m.status().message() == "test.json: the document is not a JSON object");
  }
  SECTION("wrong format and version") {
    Json j = good;
    j["format"] = "onnx";
    expectError(j, "not an nnport IR file");
    j = good;
    j["version"] = 2;
    expectError(j, "unsupported IR format version 2");
    expectError(Json::array(), "not a JSON object");
  }
  SECTION("missing keys and wrong types") {
    Json j = good;
    j["graph"].erase("nodes");
    expectError(j, "graph: missing key 'nodes'");
    j = good;
    j["graph"]["nodes"] = 5;
    expectError(j, "graph: nodes: expected a list");
    j = good;
    j["graph"]["values"][0]["name"] = 42;
    expectError(j, "graph: values[0]: name: expected a string");
    j = good;
    j["model"]["ir_version"] = 1.5;
    expectError(j, "model: ir_version: expected an integer");
    j = good;
    j["model"]["ir_version"] = uint64_t(1) << 63;
    expectError(j, "does not fit in 64 bits");
    j = good;
    j["graph"]["values"][0]["dtype"] = "f33";
    expectError(j, "value 'x': dtype: unknown dtype 'f33'");
    j = good;
    j["graph"]["values"][0]["shape"] = Json::parse("[1, -3]");
    expectError(j, "value 'x': shape[1]: -3 is negative");
    j = good;
    j["graph"]["nodes"][nodeIndex("conv1")]["attributes"][0]["kind"] = "matrix";
    expectError(j, "node 'conv1' (Conv): attribute 'strides': unknown attribute kind 'matrix'");
    j = good;
    j["graph"]["nodes"][nodeIndex("conv1")]["attributes"][1].erase("i");
    expectError(j, "node 'conv1' (Conv): attribute 'group': missing key 'i'");
    j = good;
    j["graph"]["nodes"][nodeIndex("conv1")]["attributes"][1]["f"] = 1e300;
    expectError(j, "attribute 'group': f: 1e+300 is out of float range");
    j = good;
    j["graph"]["nodes"][nodeIndex("conv1")]["attributes"][1]["f"] = "0xzz";
    expectError(j, "attribute 'group': f: expected a number");
  }
  SECTION("bad offsets") {
    Json j = good;
    j["graph"]["initializers"][0]["offset"] = 1;
    expectError(j, "initializer 'w': .bin offset 1 is not a multiple of 64");
    j = good;
    j["graph"]["initializers"][0]["offset"] = 64 * 1000000;
    expectError(j, "initializer 'w': bytes [64000000, 64000000+24) lie outside the .bin");
    j = good;
    j["graph"]["initializers"][0]["offset"] = -64;
    expectError(j, "initializer 'w': offset: -64 is negative");
    j = good;
    j["model"]["opaque"]["functions"][0] = Json::parse("[0, 18446744073709551615]");
    expectError(j, "does not fit in 64 bits");
    j = good;
    j["model"]["opaque"]["functions"][0] = Json::parse("[0, 9223372036854775807]");
    expectError(j, "model: opaque: functions[0]: bytes [0, 0+9223372036854775807) lie outside");
    j = good;
    j["graph"]["doc_string"] = Json::parse(R"({"bin": [64]})");
    expectError(j, "graph: doc_string: expected [offset, size]");
  }
  SECTION("byte counts that do not match the dims") {
    Json j = good;
    j["graph"]["initializers"][0]["nbytes"] = 20;
    expectError(j, "initializer 'w': holds 20 bytes, 6 f32 elements need 24");
    j = good;
    j["graph"]["initializers"][0]["dims"] = Json::parse("[4611686018427387904, 4]");
    expectError(j, "initializer 'w': the element count of the dims overflows");
    j = good;
    j["graph"]["initializers"][0]["dims"] = Json::parse("[4611686018427387904]");
    expectError(j, "initializer 'w': 4611686018427387904 elements are too many");
    j = good;
    j["graph"]["initializers"][0]["dims"] = Json::parse("[2, -3]");
    expectError(j, "initializer 'w': dims[1]: -3 is negative");
    j = good;
    j["graph"]["initializers"][0]["dtype"] = "undefined";
    expectError(j, "initializer 'w': a tensor of 6 elements has no element type");
    j = good;
    j["graph"]["initializers"][4]["string_sizes"] = Json::parse("[3, 3, 1]");
    expectError(j, "initializer 'names': the strings need more than its 6 bytes");
    j = good;
    j["graph"]["initializers"][4]["string_sizes"] = Json::parse("[3, 3]");
    expectError(j, "initializer 'names': 2 string sizes for 3 elements");
  }
  SECTION("references to undefined values and double producers") {
    Json j = good;
    j["graph"]["nodes"][nodeIndex("conv1")]["inputs"][1] = "nope";
    Status st = readJson(j, e.bin);
    CHECK(st.message() == "test.json: node 'conv1' (Conv): input 'nope' is not defined");
    j = good;
    j["graph"]["nodes"][nodeIndex("conv1")]["outputs"][0] = "x";
    expectError(j, "node 'conv1' (Conv): output 'x' is already produced by a graph input");
    j = good;
    j["graph"]["nodes"][nodeIndex("neg")]["outputs"][0] = "c";
    expectError(j, "node 'neg' (Neg): output 'c' is already produced by node 'conv1' (Conv)");
    j = good;
    j["graph"]["nodes"][nodeIndex("mystery")]["captures"][0] = "ghost";
    expectError(j, "node 'mystery' (com.example::Mystery): capture 'ghost' is not defined");
    j = good;
    j["graph"]["outputs"][0] = "ghost";
    expectError(j, "graph output 'ghost' is not defined");
    j = good;
    j["graph"]["initializers"][1]["name"] = "w";
    expectError(j, "initializer 'w' is listed twice");
    j = good;
    j["graph"]["values"][1]["name"] = "x";
    expectError(j, "value 'x' is listed twice");
    j = good;
    j["graph"]["inputs"].push_back("x");
    expectError(j, "graph input 'x' is listed twice");
    j = good;
    j["graph"]["values"].push_back(
        Json::parse(R"({"name": "orphan", "dtype": "f32", "shape": null})"));
    expectError(j, "value 'orphan' is listed but nothing in the graph refers to it");
    j = good;
    j["graph"]["nodes"][nodeIndex("conv1")]["attributes"][1]["name"] = "strides";
    expectError(j, "node 'conv1' (Conv): attribute 'strides' is given twice");
  }
}

TEST_CASE("IR reader survives mutated documents", "[irjson]") {
  Encoded e = encodeRich();
  const Json good = Json::parse(e.json);
  const std::vector<Json> hostile = {nullptr,
                                     Json(-1),
                                     Json("x"),
                                     Json::array(),
                                     Json::object(),
                                     Json(1e300),
                                     Json(uint64_t(1) << 63),
                                     Json::parse(R"({"bin": [0, 1]})"),
                                     Json::parse("[0, 64]")};

  // Replace every node of the document, one at a time, by each hostile value.
  std::vector<Json::json_pointer> paths;
  std::function<void(const Json&, const Json::json_pointer&)> walk =
      [&](const Json& j, const Json::json_pointer& p) {
        paths.push_back(p);
        if (j.is_object())
          for (const auto& [key, v] : j.items()) walk(v, p / key);
        else if (j.is_array())
          for (size_t i = 0; i < j.size(); ++i) walk(j[i], p / i);
      };
  walk(good, Json::json_pointer());
  size_t rejected = 0;
  for (size_t k = 0; k < paths.size(); k += 3) {
    for (const Json& h : hostile) {
      Json j = good;
      j[paths[k]] = h;
      Status st = readJson(j, e.bin);
      if (!st.isOk()) {
        ++rejected;
        CHECK(st.message().rfind("test.json: ", 0) == 0);
      }
    }
  }
  CHECK(rejected > paths.size() / 2);

  // Random byte flips and truncations of the JSON, and a shortened .bin.
  std::mt19937 rng(1234);
  for (int round = 0; round < 300; ++round) {
    std::string json = e.json;
    const int flips = 1 + round % 4;
    for (int f = 0; f < flips; ++f)
      json[rng() % json.size()] = static_cast<char>("{}[]\",:0-9aX \xff"[rng() % 15]);
    auto m = readIrFromMemory(json, makeStringBuffer(e.bin), "test.json");
    if (!m) CHECK(m.status().message().rfind("test.json: ", 0) == 0);
  }
  for (size_t cut : {size_t(0), size_t(64), e.bin.size() / 2, e.bin.size() - 1}) {
    auto m = readIrFromMemory(e.json, makeStringBuffer(e.bin.substr(0, cut)), "test.json");
    REQUIRE_FALSE(m);
    CHECK(m.status().message().find("outside the .bin") != std::string::npos);
  }
  auto none = readIrFromMemory(e.json, nullptr, "test.json");
  CHECK_FALSE(none);
}

TEST_CASE("IR writer refuses graphs that names cannot describe", "[irjson]") {
  Model m;
  Value* x = m.graph.addInput("x", f32({1}));
  Node* a = m.graph.addNode("Relu", "", {x}, {"y"}, "a");
  Node* b = m.graph.addNode("Relu", "", {x}, {"y"}, "b");  // a second value named y
  m.graph.setOutputs({a->output(), b->output()});
  std::string json, bin;
  Status st = writeIrToStrings(m, &json, &bin);
  REQUIRE_FALSE(st.isOk());
  CHECK(st.message() == "two different values are named 'y'");

  Model unnamed;
  Value* in = unnamed.graph.addInput("x", f32({1}));
  Value* anon = unnamed.graph.addDetachedValue("");
  unnamed.graph.addNode("Add", "", {in, anon}, {"z"}, "add");
  st = writeIrToStrings(unnamed, &json, &bin);
  REQUIRE_FALSE(st.isOk());
  CHECK(st.message() == "node 'add' (Add): input 1: the value has no name");

  Model bad;
  bad.graph.addInitializer("w", std::make_shared<Tensor>(DType::Float32, std::vector<int64_t>{4},
                                                         makeOwnedBuffer({1, 2, 3})));
  st = writeIr(bad, testDir() + "/bad.json", testDir() + "/bad.bin");
  REQUIRE_FALSE(st.isOk());
  CHECK(st.message() == testDir() +
                            "/bad.json: initializer 'w': tensor holds 3 bytes, 4 f32 "
                            "elements need 16");
}

TEST_CASE("IR reader reports missing files", "[irjson]") {
  auto m = readIr(testDir() + "/nope.json", testDir() + "/nope.bin");
  REQUIRE_FALSE(m);
  CHECK(m.status().message().find("nope.json") != std::string::npos);
}
