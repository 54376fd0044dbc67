// Convolution kernels: Conv, ConvTranspose and ConvInteger for any number of
// spatial dims. Both directions accumulate one weight at a time into a whole
// output plane ("shift and add"): for each kernel position the taps that
// stay inside the input form contiguous runs along the last spatial dim,
// computed once per call, so the inner loop is a strided axpy.
#include <algorithm>
#include <tuple>

#include "exec/kernels/elementwise_util.h"
#include "exec/kernels/integer_ops.h"
#include "exec/kernels/window.h"

namespace nnport::exec {
namespace {

// One run of taps for a kernel position: `count` positions of the iterated
// grid starting at flat offset `iter`, matched with the other grid starting
// at flat offset `other` and advancing by the last dim's stride.
struct Run {
  int64_t iter, other, count;
};

// For every kernel position (row-major, as W stores them) the runs of
// positions j of the iterated grid whose partner j*stride + k*dilation -
// padBegin lies inside the other grid. Conv iterates the output and reads
// the input; ConvTranspose iterates the input and writes the output.
std::vector<std::vector<Run>> buildRuns(const WindowGeometry& g,
                                        const std::vector<int64_t>& iterDims,
                                        const std::vector<int64_t>& otherDims) {
  const size_t rank = g.rank();
  const std::vector<int64_t> iterStride = rowStrides(iterDims), otherStride = rowStrides(otherDims);
  std::vector<std::vector<Run>> runs(static_cast<size_t>(product(g.kernel)));
  std::vector<int64_t> k(rank, 0), kLo(rank, 0), offset(rank), lo(rank), hi(rank);
  size_t kp = 0;
  do {
    bool empty = false;
    for (size_t i = 0; i < rank; ++i) {
      offset[i] = k[i] * g.dilations[i] - g.padBegin[i];
      std::tie(lo[i], hi[i]) = insideRange(iterDims[i], otherDims[i], g.strides[i], offset[i]);
      empty = empty || lo[i] >= hi[i];
    }
    if (!empty) {
      std::vector<int64_t> j = lo;
      const size_t last = rank - 1;
      do {
        int64_t it = 0, other = 0;
        for (size_t i = 0; i < rank; ++i) {
          it += j[i] * iterStride[i];
          other += (j[i] * g.strides[i] + offset[i]) * otherStride[i];
        }
        const int64_t count = hi[last] - lo[last];
        Run* prev = runs[kp].empty() ? nullptr : &runs[kp].back();
        // Rows that continue each other in both grids become one run.
        if (prev && prev->iter + prev->count == it &&
            prev->other + prev->count * g.strides[last] == other)
          prev->count += count;
        else
          runs[kp].push_back({it, other, count});
      } while (nextIndex(j, lo, hi, last));
    }
    ++kp;
  } while (nextIndex(k, kLo, g.kernel, rank));
  return runs;
}

template <typename T>
void gatherAxpy(T* __restrict dst, const T* __restrict src, int64_t n, int64_t stride, T w) {
  if (stride == 1)
    for (int64_t t = 0; t < n; ++t) dst[t] += w * src[t];
  else
    for (int64_t t = 0; t < n; ++t) dst[t] += w * src[t * stride];
}

template <typename T>
void scatterAxpy(T* __restrict dst, const T* __restrict src, int64_t n, int64_t stride, T w) {
  if (stride == 1)
    for (int64_t t = 0; t < n; ++t) dst[t] += w * src[t];
  else
    for (int64_t t = 0; t < n; ++t) dst[t * stride] += w * src[t];
}

// Shapes shared by the three ops: batch, channels per group, planes.
struct ConvShape {
  int64_t batch = 0, group = 1, inPerGroup = 0, outPerGroup = 0, inPlane = 0, outPlane = 0;
  int64_t kernelSize = 0;
};

// Y = conv(X, W) + B with X [N, C, in...], W [M, C/group, k...], Y [N, M, out...].
template <typename T>
void convForward(const ConvShape& s, const WindowGeometry& g, const T* x, const T* w, const T* bias,
                 T* y) {
  const auto runs = buildRuns(g, g.out, g.in);
  const int64_t stride = g.strides.back();
  for (int64_t n = 0; n < s.batch; ++n)
    for (int64_t gr = 0; gr < s.group; ++gr)
      for (int64_t co = 0; co < s.outPerGroup; ++co) {
        const int64_t m = gr * s.outPerGroup + co;
        T* plane = y + (n * s.group * s.outPerGroup + m) * s.outPlane;
        std::fill(plane, plane + s.outPlane, bias ? bias[m] : T(0));
        for (int64_t ci = 0; ci < s.inPerGroup; ++ci) {
          const T* xp = x + (n * s.group * s.inPerGroup + gr * s.inPerGroup + ci) * s.inPlane;
          const T* wk = w + (m * s.inPerGroup + ci) * s.kernelSize;
          for (size_t kp = 0; kp < runs.size(); ++kp)
            for (const Run& r : runs[kp])
              gatherAxpy(plane + r.iter, xp + r.other, r.count, stride, wk[kp]);
        }
      }
}

// The adjoint of convForward: X [N, C, in...], W [C, M/group, k...], Y [N, M, out...].
template <typename T>
void convBackward(const ConvShape& s, const WindowGeometry& g, const T* x, const T* w,
                  const T* bias, T* y) {
  const auto runs = buildRuns(g, g.in, g.out);
  const int64_t stride = g.strides.back();
  for (int64_t n = 0; n < s.batch; ++n)
    for (int64_t gr = 0; gr < s.group; ++gr)
      for (int64_t co = 0; co < s.outPerGroup; ++co) {
        const int64_t m = gr * s.outPerGroup + co;
        T* plane = y + (n * s.group * s.outPerGroup + m) * s.outPlane;
        std::fill(plane, plane + s.outPlane, bias ? bias[m] : T(0));
        for (int64_t ci = 0; ci < s.inPerGroup; ++ci) {
          const int64_t c = gr * s.inPerGroup + ci;
          const T* xp = x + (n * s.group * s.inPerGroup + c) * s.inPlane;
          const T* wk = w + (c * s.outPerGroup + co) * s.kernelSize;
          for (size_t kp = 0; kp < runs.size(); ++kp)
            for (const Run& r : runs[kp])
              scatterAxpy(plane + r.other, xp + r.iter, r.count, stride, wk[kp]);
        }
      }
}

// Checks X and W ranks and reads the group, kernel and spatial input sizes.
Status readConvShape(KernelContext& ctx, const RtTensor& x, const RtTensor& w, ConvShape& s,
                     WindowGeometry& g) {
  if (x.rank() < 3) return ctx.error("input rank {} is below 3 (N, C, spatial...)", x.rank());
  if (w.rank() != x.rank())
    return ctx.error("weight rank {} does not match input rank {}", w.rank(), x.rank());
  s.group = ctx.attrInt("group");
  if (s.group <= 0 || s.group > kMaxWindowAttr)
    return ctx.error("group {} is out of range", s.group);
  s.batch = x.dim(0);
  g.in.assign(x.dims().begin() + 2, x.dims().end());
  g.kernel.assign(w.dims().begin() + 2, w.dims().end());
  std::vector<int64_t> ks = ctx.attrInts("kernel_shape");
  if (!ks.empty() && ks != g.kernel)
    return ctx.error("kernel_shape does not match the weight's spatial dims");
  return readWindow(ctx, g);
}

Status checkBias(KernelContext& ctx, const RtTensor* b, int64_t channels) {
  if (!b) return Status::ok();
  if (b->rank() != 1 || b->dim(0) != channels)
    return ctx.error("bias must be 1-D with {} values", channels);
  return Status::ok();
}

Status checkOutputSize(KernelContext& ctx, const std::vector<int64_t>& dims) {
  if (!checkedElementCount(dims)) return ctx.error("output size overflows");
  return Status::ok();
}

Status convKernel(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  const RtTensor& w = *ctx.input(1);
  const RtTensor* b = ctx.input(2);
  ConvShape s;
  WindowGeometry g;
  NNP_RETURN_IF_ERROR(readConvShape(ctx, x, w, s, g));
  if (x.dim(1) % s.group != 0 || x.dim(1) / s.group != w.dim(1))
    return ctx.error("input has {} channels but weight expects {} x group {}", x.dim(1), w.dim(1),
                     s.group);
  if (w.dim(0) % s.group != 0)
    return ctx.error("{} output channels are not divisible by group {}", w.dim(0), s.group);
  NNP_RETURN_IF_ERROR(checkBias(ctx, b, w.dim(0)));
  if (w.dtype() != x.dtype() || (b && b->dtype() != x.dtype()))
    return ctx.error("inputs differ in type");
  computeForwardOutput(g);
  s.inPerGroup = w.dim(1);
  s.outPerGroup = w.dim(0) / s.group;
  s.inPlane = product(g.in);
  s.outPlane = product(g.out);
  s.kernelSize = product(g.kernel);
  std::vector<int64_t> dims{s.batch, w.dim(0)};
  dims.insert(dims.end(), g.out.begin(), g.out.end());
  NNP_RETURN_IF_ERROR(checkOutputSize(ctx, dims));
  const DType d = x.dtype();
  if (d != DType::Float32 && d != DType::Float64)
    return ctx.unsupported("no kernel for {} input", dtypeName(d));
  RtTensor& y = ctx.allocateOutput(0, d, dims);
  dispatchFloat(d, [&](auto t) {
    using T = decltype(t);
    convForward<T>(s, g, x.data<T>(), w.data<T>(), b ? b->data<T>() : nullptr, y.data<T>());
  });
  return Status::ok();
}

Status convTransposeKernel(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  const RtTensor& w = *ctx.input(1);
  const RtTensor* b = ctx.input(2);
  ConvShape s;
  WindowGeometry g;
  NNP_RETURN_IF_ERROR(readConvShape(ctx, x, w, s, g));
  if (x.dim(1) != w.dim(0))
    return ctx.error("input has {} channels but weight has {}", x.dim(1), w.dim(0));
  if (x.dim(1) % s.group != 0)
    return ctx.error("{} input channels are not divisible by group {}", x.dim(1), s.group);
  if (w.dtype() != x.dtype() || (b && b->dtype() != x.dtype()))
    return ctx.error("inputs differ in type");
  NNP_RETURN_IF_ERROR(transposeGeometry(ctx, g));
  s.inPerGroup = x.dim(1) / s.group;
  s.outPerGroup = w.dim(1);
  s.inPlane = product(g.in);
  s.outPlane = product(g.out);
  s.kernelSize = product(g.kernel);
  std::vector<int64_t> dims{s.batch, w.dim(1) * s.group};
  dims.insert(dims.end(), g.out.begin(), g.out.end());
  NNP_RETURN_IF_ERROR(checkOutputSize(ctx, dims));
  NNP_RETURN_IF_ERROR(checkBias(ctx, b, dims[1]));
  const DType d = x.dtype();
  if (d != DType::Float32 && d != DType::Float64)
    return ctx.unsupported("no kernel for {} input", dtypeName(d));
  RtTensor& y = ctx.allocateOutput(0, d, dims);
  dispatchFloat(d, [&](auto t) {
    using T = decltype(t);
    convBackward<T>(s, g, x.data<T>(), w.data<T>(), b ? b->data<T>() : nullptr, y.data<T>());
  });
  return Status::ok();
}

// Elements of a uint8/int8 tensor as int32 minus a zero point: one per
// tensor, or one per slice of `sliceSize` elements (per output channel).
Expected<std::vector<int32_t>> centered(KernelContext& ctx, const RtTensor& t, const RtTensor* zp,
                                        int64_t slices, const char* what) {
  if (t.dtype() != DType::UInt8 && t.dtype() != DType::Int8)
    return ctx.unsupported("no kernel for {} {}", dtypeName(t.dtype()), what);
  if (zp && zp->dtype() != t.dtype())
    return ctx.error("{} zero point is {}, {} is {}", what, dtypeName(zp->dtype()), what,
                     dtypeName(t.dtype()));
  const int64_t zpCount = zp ? zp->numElements() : 0;
  if (zp && zpCount != 1 && zpCount != slices)
    return ctx.error("{} zero point has {} values, expected 1 or {}", what, zpCount, slices);
  std::vector<int32_t> v(static_cast<size_t>(t.numElements()));
  const int64_t sliceSize = slices ? t.numElements() / slices : 0;
  for (int64_t i = 0; i < t.numElements(); ++i) {
    const int64_t z = zpCount == 0 ? 0 : zp->intAt(zpCount == 1 ? 0 : i / sliceSize);
    v[static_cast<size_t>(i)] = static_cast<int32_t>(t.intAt(i) - z);
  }
  return v;
}

Status convIntegerKernel(KernelContext& ctx) {
  NNP_ASSIGN_OR_RETURN(RtTensor y,
                       integerConv(ctx, *ctx.input(0), ctx.input(2), *ctx.input(1), ctx.input(3)));
  ctx.setOutput(0, std::move(y));
  return Status::ok();
}

}  // namespace

// Y = conv(X - x_zero_point, W - w_zero_point) in int32; padding reads as
// the zero point, i.e. contributes nothing.
Expected<RtTensor> integerConv(KernelContext& ctx, const RtTensor& x, const RtTensor* xZero,
                               const RtTensor& w, const RtTensor* wZero) {
  ConvShape s;
  WindowGeometry g;
  NNP_RETURN_IF_ERROR(readConvShape(ctx, x, w, s, g));
  if (x.dim(1) % s.group != 0 || x.dim(1) / s.group != w.dim(1))
    return ctx.error("input has {} channels but weight expects {} x group {}", x.dim(1), w.dim(1),
                     s.group);
  if (w.dim(0) % s.group != 0)
    return ctx.error("{} output channels are not divisible by group {}", w.dim(0), s.group);
  computeForwardOutput(g);
  s.inPerGroup = w.dim(1);
  s.outPerGroup = w.dim(0) / s.group;
  s.inPlane = product(g.in);
  s.outPlane = product(g.out);
  s.kernelSize = product(g.kernel);
  std::vector<int64_t> dims{s.batch, w.dim(0)};
  dims.insert(dims.end(), g.out.begin(), g.out.end());
  NNP_RETURN_IF_ERROR(checkOutputSize(ctx, dims));
  NNP_ASSIGN_OR_RETURN(std::vector<int32_t> xs, centered(ctx, x, xZero, 1, "input"));
  NNP_ASSIGN_OR_RETURN(std::vector<int32_t> ws, centered(ctx, w, wZero, w.dim(0), "weight"));
  RtTensor y = RtTensor::allocate(DType::Int32, dims);
  convForward<int32_t>(s, g, xs.data(), ws.data(), nullptr, y.data<int32_t>());
  return y;
}

void registerConvKernels(KernelRegistry& r) {
  r.add("Conv", convKernel);
  r.add("ConvTranspose", convTransposeKernel);
  r.add("ConvInteger", convIntegerKernel);
}

}  // namespace nnport::exec
