// What ONNX Slice's start:end:step picks along a dim of size n: start and
// end count from the end when negative, then are clamped to [0, n]
// (step > 0) or to [0, n-1] and [-1, n-1] (step < 0). Shared by the
// interpreter's Slice kernel and the merge-slices pass, so both agree.
#pragma once

#include <algorithm>
#include <cstdint>

namespace nnport {

// The indices first + j*step for j < count.
struct SliceRange {
  int64_t first = 0, count = 0, step = 1;
};

inline SliceRange sliceRange(int64_t n, int64_t start, int64_t end, int64_t step) {
  SliceRange r;
  r.step = step;
  if (n == 0) return r;
  if (start < 0) start += n;
  if (end < 0) end += n;
  int64_t span;
  uint64_t stride;  // |step|, computed without overflow for INT64_MIN
  if (step > 0) {
    start = std::clamp<int64_t>(start, 0, n);
    span = std::clamp<int64_t>(end, 0, n) - start;
    stride = static_cast<uint64_t>(step);
  } else {
    start = std::clamp<int64_t>(start, 0, n - 1);
    span = start - std::clamp<int64_t>(end, -1, n - 1);
    stride = static_cast<uint64_t>(-(step + 1)) + 1;
  }
  r.first = start;
  if (span > 0) r.count = static_cast<int64_t>((static_cast<uint64_t>(span) - 1) / stride + 1);
  return r;
}

}  // namespace nnport
