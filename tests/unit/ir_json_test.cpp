// The on-disk IR pair (ir/serialize/ir_json.h): lossless round trips,
// byte-identical rewrites, alignment and zero-copy reads.
#include <catch2/catch.hpp>

#include "tests/unit/ir_json_fixtures.h"

using namespace nnport;
using namespace nnport::irtest;

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
