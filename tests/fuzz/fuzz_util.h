// Pieces the libFuzzer harnesses share: splitting one input into the two
// files of a framework format, a memory budget far below libFuzzer's RSS
// limit, and what `nnport convert` does with a model once a parser read it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "emitters/onnx/onnx_emitter.h"
#include "ir/verifier.h"
#include "support/memory_budget.h"

namespace nnport::fuzz {

// Allocations an input drives stay under this (libFuzzer's -rss_limit_mb is
// 2048 by default, and the sanitizers add their own overhead).
constexpr uint64_t kFuzzMemoryBudget = uint64_t{64} << 20;

inline void capMemory() {
  MemoryBudget::setLimit(kFuzzMemoryBudget);
}

// Two files as one input: a 4-byte little-endian length of the first, the
// first, then the second (the framing tests/fuzz/make_corpus.sh writes).
inline std::pair<std::string, std::string> splitFramed(const uint8_t* data, size_t size) {
  if (size < 4) return {};
  const size_t declared =
      size_t{data[0]} | size_t{data[1]} << 8 | size_t{data[2]} << 16 | size_t{data[3]} << 24;
  const size_t first = declared < size - 4 ? declared : size - 4;
  const char* p = reinterpret_cast<const char*>(data) + 4;
  return {std::string(p, first), std::string(p + first, size - 4 - first)};
}

// An internal error is a bug in nnport, never bad input: keep the input.
inline void trapOnInternal(const Status& s) {
  if (s.code() == ErrorCode::Internal) __builtin_trap();
}

// What convert does after any parser: the op records' checks, then the
// export to ONNX and ONNX's own checker and strict shape inference, in
// memory. Returns whether the model got through.
inline bool convertInMemory(const Model& m) {
  if (!validateModel(m)) return false;
  auto proto = onnxproto::exportModel(m);
  if (!proto) return false;
  const Status checked = onnxproto::verifyModelProto(**proto, "fuzz.onnx");
  trapOnInternal(checked);
  return checked.isOk();
}

// What a framework parser's harness does with its result: an internal error
// traps; a parsed model must pass the op records' checks (the parser ran
// them), then goes through what convert does.
inline void afterParse(const Expected<std::unique_ptr<Model>>& model) {
  if (!model) return trapOnInternal(model.status());
  const Model& m = *model.value();
  if (!validateModel(m).isOk()) __builtin_trap();
  (void)convertInMemory(m);
}

}  // namespace nnport::fuzz
