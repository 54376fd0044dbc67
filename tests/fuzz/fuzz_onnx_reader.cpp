// libFuzzer harness: arbitrary bytes as an ONNX file. Walks it as the lean
// reader does (large raw_data left in the file), decodes the ModelProto,
// imports it into the IR and, when that succeeds, exports it back to ONNX,
// encodes it as the on-disk IR in memory, runs shape inference (which
// `nnport inspect` runs on any model it is given) and, for a model the op
// records accept, ONNX's checker and strict inference (as convert does). Nothing is read from or
// written to disk: the model "lives" in a directory that does not exist, so
// external data never resolves.
#include <cstddef>
#include <cstdint>
#include <string>

#include "emitters/onnx/onnx_emitter.h"
#include "ir/serialize/ir_json.h"
#include "ir/shape_inference.h"
#include "parsers/onnx/onnx_lean_read.h"
#include "parsers/onnx/onnx_reader.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nnport;
  fuzz::capMemory();
  static const std::string kPath = "/nonexistent-nnport-fuzz-dir/model.onnx";
  // The wire walk of the lean reader: every slice it records lies in the input.
  std::vector<std::optional<onnxproto::RawDataSlice>> slices;
  if (onnxproto::stripLargeRawData(data, size, slices))
    for (const auto& s : slices)
      if (s && (s->offset > size || s->size > size - s->offset)) __builtin_trap();
  auto proto = onnxproto::parseModelProto(data, size, kPath);
  if (!proto) return 0;
  auto model = onnxproto::importModel(**proto, kPath);
  if (!model) {
    fuzz::trapOnInternal(model.status());
    return 0;
  }
  auto back = onnxproto::exportModel(**model);
  std::string json, bin;
  (void)writeIrToStrings(**model, &json, &bin);
  auto inferred = inferShapes(**model);
  (void)fuzz::convertInMemory(**model);
  return 0;
}
