// Axis helpers shared by the reduction and normalization kernels: axis
// normalization, the (outer, axis, inner) split of a tensor, and a walk that
// maps every element to the reduced element it contributes to.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace nnport::exec {

// Ranks past this come only from malformed models (inference's kMaxRank).
constexpr size_t kMaxKernelRank = 1024;

// axis in [-rank, rank) made non-negative, or nullopt.
inline std::optional<int64_t> normalizedAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

inline int64_t productOf(const std::vector<int64_t>& dims, size_t from, size_t to) {
  int64_t p = 1;
  for (size_t i = from; i < to && i < dims.size(); ++i) p *= dims[i];
  return p;
}

// Which axes an axes list reduces; nullopt when one is out of range or
// repeated.
inline std::optional<std::vector<bool>> axesMask(const std::vector<int64_t>& axes, int64_t rank) {
  std::vector<bool> mask(static_cast<size_t>(rank), false);
  for (int64_t a : axes) {
    auto n = normalizedAxis(a, rank);
    if (!n || mask[*n]) return std::nullopt;
    mask[*n] = true;
  }
  return mask;
}

// Dims with the masked axes set to 1 (keepdims) or dropped.
inline std::vector<int64_t> reducedDims(const std::vector<int64_t>& dims,
                                        const std::vector<bool>& mask, bool keep) {
  std::vector<int64_t> out;
  for (size_t i = 0; i < dims.size(); ++i) {
    if (!mask[i])
      out.push_back(dims[i]);
    else if (keep)
      out.push_back(1);
  }
  return out;
}

// Calls f(in, out) for every element `in` of a tensor of `dims`, in
// row-major order, with `out` the row-major index of its element once the
// masked axes are reduced away.
template <typename F>
void forEachReduced(const std::vector<int64_t>& dims, const std::vector<bool>& mask, F f) {
  const size_t r = dims.size();
  if (productOf(dims, 0, r) == 0) return;
  if (r == 0) {
    f(int64_t{0}, int64_t{0});
    return;
  }
  std::vector<int64_t> outStride(r, 0);
  int64_t s = 1;
  for (size_t i = r; i-- > 0;) {
    if (!mask[i]) {
      outStride[i] = s;
      s *= dims[i];
    }
  }
  const int64_t inner = dims[r - 1], innerStride = outStride[r - 1];
  const int64_t rows = productOf(dims, 0, r - 1);
  std::vector<int64_t> idx(r, 0);
  int64_t in = 0, out = 0;
  for (int64_t row = 0; row < rows; ++row) {
    for (int64_t j = 0; j < inner; ++j) f(in + j, out + j * innerStride);
    in += inner;
    for (size_t ax = r - 1; ax-- > 0;) {  // carry over the outer axes
      if (++idx[ax] < dims[ax]) {
        out += outStride[ax];
        break;
      }
      out -= outStride[ax] * (dims[ax] - 1);
      idx[ax] = 0;
    }
  }
}

}  // namespace nnport::exec
