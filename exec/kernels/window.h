// Sliding-window geometry shared by the conv and pool kernels: reading
// strides, dilations, pads and auto_pad from a node, forward output sizes
// (with SAME_* padding resolved to explicit pads) and the index ranges that
// keep a window tap inside its input.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "exec/kernel.h"
#include "ir/ops/infer_util.h"

namespace nnport::exec {

struct WindowGeometry {
  std::vector<int64_t> in, out;  // spatial sizes
  std::vector<int64_t> kernel, strides, dilations;
  std::vector<int64_t> padBegin, padEnd;
  std::string autoPad;
  bool ceilMode = false;

  size_t rank() const { return in.size(); }
  int64_t effectiveKernel(size_t i) const { return dilations[i] * (kernel[i] - 1) + 1; }
};

inline int64_t ceilDiv(int64_t a, int64_t b) {
  return a >= 0 ? (a + b - 1) / b : -((-a) / b);
}
inline int64_t floorDiv(int64_t a, int64_t b) {
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

inline int64_t product(const std::vector<int64_t>& v, size_t from = 0) {
  int64_t p = 1;
  for (size_t i = from; i < v.size(); ++i) p *= v[i];
  return p;
}

// Reads strides, dilations, pads and auto_pad for `g.in.size()` spatial dims
// into `g` (kernel already set) and checks lengths and ranges; VALID zeroes
// the pads.
inline Status readWindow(const KernelContext& ctx, WindowGeometry& g) {
  const size_t rank = g.rank();
  if (g.kernel.size() != rank)
    return ctx.error("kernel has {} dims for {} spatial dims", g.kernel.size(), rank);
  WindowAttrs w;
  w.kernel = g.kernel;
  const Status s = readWindowOperands(ctx.node(), rank, w);
  if (!s.isOk()) return ctx.error("{}", s.message());
  for (size_t i = 0; i < rank; ++i)
    if (g.in[i] > kMaxWindowDim)
      return ctx.error("spatial dim {} of size {} is too large", i, g.in[i]);
  g.strides = std::move(w.strides);
  g.dilations = std::move(w.dilations);
  g.autoPad = std::move(w.autoPad);
  g.padBegin.assign(w.pads.begin(), w.pads.begin() + static_cast<std::ptrdiff_t>(rank));
  g.padEnd.assign(w.pads.begin() + static_cast<std::ptrdiff_t>(rank), w.pads.end());
  return Status::ok();
}

// Output sizes of a forward window (conv, pool). SAME_* gives
// out = ceil(in / stride) and pads totalling (out-1)*stride + extent - in,
// the odd one at the end (UPPER) or the beginning (LOWER).
inline void computeForwardOutput(WindowGeometry& g) {
  g.out.assign(g.rank(), 0);
  const bool same = g.autoPad == "SAME_UPPER" || g.autoPad == "SAME_LOWER";
  for (size_t i = 0; i < g.rank(); ++i) {
    if (same) {
      g.out[i] = ceilDiv(g.in[i], g.strides[i]);
      const int64_t total =
          std::max<int64_t>(0, (g.out[i] - 1) * g.strides[i] + g.effectiveKernel(i) - g.in[i]);
      g.padBegin[i] = g.autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      g.padEnd[i] = total - g.padBegin[i];
      continue;
    }
    const Dim d = windowOutputDim(Dim(g.in[i]), g.kernel[i], g.strides[i], g.dilations[i],
                                  g.padBegin[i], g.padEnd[i], g.ceilMode);
    g.out[i] = d.isStatic() ? std::max<int64_t>(d.value, 0) : 0;
  }
}

// Output sizes and pads of ConvTranspose: from output_shape (pads derived,
// the odd one at the start unless SAME_UPPER), from SAME_* (out = in *
// stride), else from the explicit pads.
inline Status transposeGeometry(KernelContext& ctx, WindowGeometry& g) {
  const size_t rank = g.rank();
  std::vector<int64_t> outPad = ctx.attrInts("output_padding");
  if (outPad.empty()) outPad.assign(rank, 0);
  if (outPad.size() != rank)
    return ctx.error("output_padding has {} values for {} spatial dims", outPad.size(), rank);
  for (int64_t p : outPad)
    if (p < 0 || p > kMaxWindowAttr) return ctx.error("output_padding {} is out of range", p);
  std::vector<int64_t> outShape = ctx.attrInts("output_shape");
  if (outShape.size() == rank + 2) outShape.erase(outShape.begin(), outShape.begin() + 2);
  if (!outShape.empty() && outShape.size() != rank)
    return ctx.error("output_shape has {} values for {} spatial dims", outShape.size(), rank);
  const bool same = g.autoPad == "SAME_UPPER" || g.autoPad == "SAME_LOWER";
  g.out.assign(rank, 0);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t full = g.strides[i] * (g.in[i] - 1) + outPad[i] + g.effectiveKernel(i);
    if (outShape.empty() && !same) {
      g.out[i] = full - g.padBegin[i] - g.padEnd[i];
    } else {
      g.out[i] = outShape.empty() ? g.in[i] * g.strides[i] : outShape[i];
      const int64_t total = full - g.out[i];
      g.padBegin[i] = g.autoPad == "SAME_UPPER" ? floorDiv(total, 2) : total - floorDiv(total, 2);
    }
    if (g.out[i] < 0 || g.out[i] > kMaxWindowDim)
      return ctx.error("spatial dim {} has output size {} out of range", i, g.out[i]);
  }
  return Status::ok();
}

// The j in [0, count) with j*stride + offset in [0, limit), as [lo, hi);
// lo >= hi when there are none.
inline std::pair<int64_t, int64_t> insideRange(int64_t count, int64_t limit, int64_t stride,
                                               int64_t offset) {
  const int64_t lo = offset >= 0 ? 0 : ceilDiv(-offset, stride);
  const int64_t hi = limit - offset <= 0 ? 0 : std::min(count, ceilDiv(limit - offset, stride));
  return {lo, hi};
}

// Row-major strides of `dims`.
inline std::vector<int64_t> rowStrides(const std::vector<int64_t>& dims) {
  std::vector<int64_t> s(dims.size(), 1);
  for (size_t i = dims.size(); i-- > 1;) s[i - 1] = s[i] * dims[i];
  return s;
}

// Advances a row-major multi-index within [lo, hi) over dims [0, n); false
// once it wraps around.
inline bool nextIndex(std::vector<int64_t>& idx, const std::vector<int64_t>& lo,
                      const std::vector<int64_t>& hi, size_t n) {
  for (size_t a = n; a-- > 0;) {
    if (++idx[a] < hi[a]) return true;
    idx[a] = lo[a];
  }
  return false;
}

}  // namespace nnport::exec
