// libFuzzer harness: arbitrary bytes as an on-disk IR pair. The first four
// bytes (little-endian) give the length of the JSON part, which follows; the
// rest is the .bin. A model that reads is exported to ONNX in memory and,
// when the op records accept it, checked by ONNX (as `fromir` does).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "emitters/onnx/onnx_emitter.h"
#include "ir/serialize/ir_json.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nnport;
  fuzz::capMemory();
  if (size < 4) return 0;
  auto [json, binBytes] = fuzz::splitFramed(data, size);
  auto bin = makeOwnedBuffer(std::vector<uint8_t>(binBytes.begin(), binBytes.end()));
  auto model = readIrFromMemory(json, bin, "fuzz.json");
  if (!model) {
    fuzz::trapOnInternal(model.status());
    return 0;
  }
  auto proto = onnxproto::exportModel(**model);
  (void)fuzz::convertInMemory(**model);
  return 0;
}
