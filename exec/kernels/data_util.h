// Helpers for kernels that only move elements (gather, slice, pad...): they
// work on whole elements of any byte-sized dtype, strings included, so one
// kernel serves every type.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "exec/kernels/axes_util.h"  // productOf
#include "exec/rt_tensor.h"

namespace nnport::exec {

// True when elements of `d` can be moved one at a time (not packed int4).
inline bool isMovable(DType d) {
  return d == DType::String || (d != DType::Undefined && dtypeBits(d) % 8 == 0);
}

// dst[di .. di+n) = src[si .. si+n) for tensors of the same movable dtype.
inline void copyElements(RtTensor& dst, int64_t di, const RtTensor& src, int64_t si, int64_t n) {
  if (n <= 0) return;
  if (src.dtype() == DType::String) {
    for (int64_t k = 0; k < n; ++k)
      dst.strings()[static_cast<size_t>(di + k)] = src.strings()[static_cast<size_t>(si + k)];
    return;
  }
  const size_t w = dtypeSize(src.dtype());
  std::memcpy(dst.raw() + static_cast<size_t>(di) * w, src.raw() + static_cast<size_t>(si) * w,
              static_cast<size_t>(n) * w);
}

// Row-major element strides of `dims`.
inline std::vector<int64_t> stridesOf(const std::vector<int64_t>& dims) {
  std::vector<int64_t> s(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) s[i - 1] = s[i] * dims[i];
  return s;
}

// Advances a row-major multi-index over `dims`; false after the last one.
inline bool nextIndex(std::vector<int64_t>& idx, const std::vector<int64_t>& dims) {
  for (size_t a = dims.size(); a-- > 0;) {
    if (++idx[a] < dims[a]) return true;
    idx[a] = 0;
  }
  return false;
}

}  // namespace nnport::exec
