// Plain <-> channel-blocked conversions.
#include "exec/layout.h"

#include <algorithm>
#include <cstring>

namespace nnport::exec {

bool layoutsCoincide(const std::vector<int64_t>& dims, int block) {
  if (dims.size() != 4 || block == 0) return false;
  return dims[1] % block == 0 && dims[2] * dims[3] == 1;
}

RtTensor relabel(const RtTensor& t, int block) {
  return t.withBlock(block);
}

namespace {

// Copies between [N, C, S] and [N, C/b, S, b] (S = spatial size), one way or
// the other; padding channels of the blocked side are left as allocated (0).
void convert(const float* src, float* dst, int64_t n, int64_t c, int64_t s, int b, bool toBlocked) {
  const int64_t cb = (c + b - 1) / b;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t blk = 0; blk < cb; ++blk) {
      const int64_t width = std::min<int64_t>(b, c - blk * b);
      const int64_t blockedBase = (i * cb + blk) * s * b;
      for (int64_t ch = 0; ch < width; ++ch) {
        const int64_t plainBase = (i * c + blk * b + ch) * s;
        if (toBlocked)
          for (int64_t p = 0; p < s; ++p) dst[blockedBase + p * b + ch] = src[plainBase + p];
        else
          for (int64_t p = 0; p < s; ++p) dst[plainBase + p] = src[blockedBase + p * b + ch];
      }
    }
}

}  // namespace

RtTensor toPlain(const RtTensor& t) {
  if (!t.blocked()) return t;
  if (layoutsCoincide(t.dims(), t.block())) return relabel(t, 0);
  RtTensor out = RtTensor::allocate(t.dtype(), t.dims());
  convert(t.data<float>(), out.data<float>(), t.dim(0), t.dim(1), t.dim(2) * t.dim(3), t.block(),
          false);
  return out;
}

RtTensor toBlocked(const RtTensor& t, int block) {
  if (t.blocked()) return t.block() == block ? t : toBlocked(toPlain(t), block);
  if (layoutsCoincide(t.dims(), block)) return relabel(t, block);
  const size_t bytes = RtTensor::storageBytes(t.dtype(), t.dims(), block);
  auto buf = std::shared_ptr<uint8_t[]>(new uint8_t[bytes]());
  RtTensor out = RtTensor::borrow(t.dtype(), t.dims(), buf.get(), buf, block);
  convert(t.data<float>(), out.data<float>(), t.dim(0), t.dim(1), t.dim(2) * t.dim(3), block, true);
  return out;
}

}  // namespace nnport::exec
