// libFuzzer harness: arbitrary bytes as an on-disk IR pair. The first four
// bytes (little-endian) give the length of the JSON part, which follows; the
// rest is the .bin. A model that reads is exported to ONNX in memory.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "emitters/onnx/onnx_emitter.h"
#include "ir/serialize/ir_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nnport;
  if (size < 4) return 0;
  const size_t declared = size_t{data[0]} | size_t{data[1]} << 8 | size_t{data[2]} << 16 |
                          size_t{data[3]} << 24;
  const size_t jsonSize = std::min(declared, size - 4);
  const std::string json(reinterpret_cast<const char*>(data + 4), jsonSize);
  const uint8_t* binStart = data + 4 + jsonSize;
  auto bin = makeOwnedBuffer(std::vector<uint8_t>(binStart, data + size));
  auto model = readIrFromMemory(json, bin, "fuzz.json");
  if (!model) return 0;
  auto proto = onnxproto::exportModel(**model);
  return 0;
}
