// The memory budget: a cap on what an input can make nnport allocate
// beyond the bytes of the files it reads. A model's bytes are bounded by
// its files; what is not (constants expanded from a splat or a fill, inputs
// made by --random-inputs from declared shapes, the interpreter's outputs
// and arena, tensors computed by constant folding) takes from this one
// process-wide budget first, so a 100-byte file cannot ask for 48 GiB. Going
// over it is an OverBudget status (exit 7) naming what asked and how much,
// and `--max-memory` raises it.
#pragma once

#include <cstdint>
#include <exception>
#include <string>
#include <string_view>

#include "support/status.h"

namespace nnport {

constexpr uint64_t kDefaultMemoryBudget = uint64_t{4} << 30;  // 4 GiB
constexpr uint64_t kNoMemoryLimit = UINT64_MAX;

class MemoryBudget {
 public:
  static uint64_t limit();
  static void setLimit(uint64_t bytes);  // kNoMemoryLimit: no cap
  // Bytes currently taken by tracked allocations.
  static uint64_t inUse();
  // Takes `bytes` for `what` ("output 'y' of node 'n' (Op)"); an OverBudget
  // status when that would pass the limit. Give them back with release().
  static Status acquire(uint64_t bytes, std::string_view what);
  static void release(uint64_t bytes);
  // Whether `bytes` would fit now, without taking them: for one-off buffers
  // the budget does not track (IR constants built from input sizes).
  static Status check(uint64_t bytes, std::string_view what);
  // The status for a request of `bytes` (UINT64_MAX: more than can be
  // counted) that did not fit.
  static Status over(uint64_t bytes, std::string_view what);
};

// Thrown where an allocation cannot return a Status (RtTensor::allocate deep
// inside a kernel); the interpreter's entry points turn it back into one.
class OverBudgetError : public std::exception {
 public:
  explicit OverBudgetError(Status s) : status_(std::move(s)) {}
  const char* what() const noexcept override { return status_.message().c_str(); }
  const Status& status() const { return status_; }

 private:
  Status status_;
};

// "512M", "4G", "1.5GiB", "1048576" (bytes), "none" or "0" (no limit).
Expected<uint64_t> parseByteSize(std::string_view text);
// "4.0 GiB", "512.0 MiB", "100 B".
std::string formatBytes(uint64_t bytes);

}  // namespace nnport
