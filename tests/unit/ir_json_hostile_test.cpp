// The on-disk IR reader and writer on hostile or impossible input.
#include <catch2/catch.hpp>

#include "tests/unit/ir_json_fixtures.h"

using namespace nnport;
using namespace nnport::irtest;

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
