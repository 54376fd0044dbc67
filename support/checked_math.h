// Checked arithmetic for every size, offset and element count that comes
// from input: model dims, cfg/prototxt numbers, header fields. One helper
// for parsers, shape inference and kernels, so an overflow is a clear
// error rather than a wrapped size that a later allocation or loop trusts.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>
#include <vector>

namespace nnport {

// a + b and a * b, or nullopt when the result does not fit in int64.
inline std::optional<int64_t> checkedAdd(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_add_overflow(a, b, &r)) return std::nullopt;
  return r;
}
inline std::optional<int64_t> checkedMul(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r)) return std::nullopt;
  return r;
}

// The product of sizes, or nullopt when one is negative or the product
// does not fit in int64. An empty list is 1 (a scalar).
template <typename Sizes>
std::optional<int64_t> checkedProduct(const Sizes& sizes) {
  int64_t n = 1;
  for (int64_t s : sizes) {
    if (s < 0) return std::nullopt;
    if (__builtin_mul_overflow(n, s, &n)) return std::nullopt;
  }
  return n;
}
inline std::optional<int64_t> checkedElementCount(const std::vector<int64_t>& dims) {
  return checkedProduct(dims);
}

// Bytes of `count` elements of `bits` bits each, rounded up to whole
// bytes; nullopt for a negative count or one past what size_t holds.
inline std::optional<size_t> checkedBytes(int64_t count, unsigned bits) {
  if (count < 0) return std::nullopt;
  uint64_t b;
  if (__builtin_mul_overflow(static_cast<uint64_t>(count), uint64_t{bits}, &b)) return std::nullopt;
  const uint64_t bytes = b / 8 + (b % 8 != 0);
  if (bytes > SIZE_MAX) return std::nullopt;
  return static_cast<size_t>(bytes);
}

// A floating-point value converted to the integer type I, rounded toward
// zero and saturating at I's ends, NaN giving 0: a plain cast of NaN or of a
// value past I's range is undefined behaviour, and inputs hold both.
template <typename I, typename F>
I saturatingCast(F v) {
  static_assert(std::is_integral_v<I> && std::is_floating_point_v<F>);
  if (std::isnan(v)) return I{0};
  if (v <= static_cast<F>(std::numeric_limits<I>::lowest()))
    return std::numeric_limits<I>::lowest();
  if (v >= static_cast<F>(std::numeric_limits<I>::max())) return std::numeric_limits<I>::max();
  return static_cast<I>(v);
}

// True when [offset, offset + size) lies within a region of `total` bytes.
inline bool rangeWithin(uint64_t offset, uint64_t size, uint64_t total) {
  return offset <= total && size <= total - offset;
}

}  // namespace nnport
