// Pooling kernels for any number of spatial dims: MaxPool (with its optional
// Indices output), AveragePool, LpPool, the global pools and MaxUnpool. Window taps
// are listed once per output position for a chunk of positions, then every
// (batch, channel) plane is reduced over that list.
#include <cmath>
#include <limits>
#include <type_traits>

#include "exec/kernels/elementwise_util.h"
#include "exec/kernels/window.h"

namespace nnport::exec {
namespace {

// Bounds the tap list of one chunk of output positions.
constexpr int64_t kTapsPerChunk = int64_t{1} << 16;

// Calls reduce(plane, outPos, taps, nTaps, padCount) for every plane and
// output position, where taps are the in-plane offsets (row-major) of the
// window taps inside the input and padCount counts the taps inside the
// padded input (what count_include_pad divides by).
template <typename Reduce>
void walkWindows(const WindowGeometry& g, int64_t planes, Reduce&& reduce) {
  const size_t rank = g.rank();
  const std::vector<int64_t> inStride = rowStrides(g.in);
  // Per dim and output index: first in-plane coordinate, valid tap range and
  // taps inside the padding.
  std::vector<std::vector<int64_t>> start(rank), kLo(rank), kHi(rank), padded(rank);
  for (size_t i = 0; i < rank; ++i)
    for (int64_t o = 0; o < g.out[i]; ++o) {
      const int64_t s = o * g.strides[i] - g.padBegin[i];
      const auto [lo, hi] = insideRange(g.kernel[i], g.in[i], g.dilations[i], s);
      const int64_t room = g.in[i] + g.padEnd[i] - s;
      start[i].push_back(s);
      kLo[i].push_back(lo);
      kHi[i].push_back(std::max(lo, hi));
      padded[i].push_back(room <= 0 ? 0 : std::min(g.kernel[i], ceilDiv(room, g.dilations[i])));
    }
  const int64_t outPlane = product(g.out);
  if (outPlane == 0 || planes == 0) return;
  std::vector<int64_t> taps, first, padCount;  // per chunk
  std::vector<int64_t> o(rank, 0), zero(rank, 0), k(rank), lo(rank), hi(rank);
  int64_t pos = 0, chunkBegin = 0;
  auto flush = [&] {
    first.push_back(static_cast<int64_t>(taps.size()));
    for (int64_t p = 0; p < planes; ++p)
      for (int64_t q = chunkBegin; q < pos; ++q) {
        const size_t c = static_cast<size_t>(q - chunkBegin);
        reduce(p, q, taps.data() + first[c], first[c + 1] - first[c], padCount[c]);
      }
    taps.clear();
    first.clear();
    padCount.clear();
    chunkBegin = pos;
  };
  do {
    int64_t pc = 1;
    bool empty = false;
    for (size_t i = 0; i < rank; ++i) {
      const size_t oi = static_cast<size_t>(o[i]);
      lo[i] = kLo[i][oi];
      hi[i] = kHi[i][oi];
      pc *= padded[i][oi];
      empty = empty || lo[i] >= hi[i];
    }
    first.push_back(static_cast<int64_t>(taps.size()));
    padCount.push_back(pc);
    if (!empty) {
      k = lo;
      do {
        int64_t off = 0;
        for (size_t i = 0; i < rank; ++i)
          off += (start[i][static_cast<size_t>(o[i])] + k[i] * g.dilations[i]) * inStride[i];
        taps.push_back(off);
      } while (nextIndex(k, lo, hi, rank));
    }
    ++pos;
    if (static_cast<int64_t>(taps.size()) >= kTapsPerChunk) flush();
  } while (nextIndex(o, zero, g.out, rank));
  if (pos > chunkBegin) flush();
}

// X's rank and the window of a windowed pool (kernel_shape required).
Status readPool(KernelContext& ctx, const RtTensor& x, WindowGeometry& g) {
  if (x.rank() < 3) return ctx.error("input rank {} is below 3 (N, C, spatial...)", x.rank());
  g.in.assign(x.dims().begin() + 2, x.dims().end());
  g.kernel = ctx.attrInts("kernel_shape");
  if (g.kernel.empty()) return ctx.error("kernel_shape is required");
  g.ceilMode = ctx.node().declaresAttr("ceil_mode") && ctx.attrInt("ceil_mode") != 0;
  NNP_RETURN_IF_ERROR(readWindow(ctx, g));
  computeForwardOutput(g);
  return Status::ok();
}

std::vector<int64_t> pooledDims(const RtTensor& x, const WindowGeometry& g) {
  std::vector<int64_t> dims{x.dim(0), x.dim(1)};
  dims.insert(dims.end(), g.out.begin(), g.out.end());
  return dims;
}

// An in-plane row-major offset re-expressed column-major (storage_order 1).
int64_t columnMajor(int64_t offset, const std::vector<int64_t>& dims) {
  int64_t result = 0, scale = 1;
  const std::vector<int64_t> strides = rowStrides(dims);
  for (size_t i = 0; i < dims.size(); ++i) {
    result += (offset / strides[i]) * scale;
    offset %= strides[i];
    scale *= dims[i];
  }
  return result;
}

Status maxPoolKernel(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  WindowGeometry g;
  NNP_RETURN_IF_ERROR(readPool(ctx, x, g));
  const int64_t order = ctx.attrInt("storage_order");
  if (order != 0 && order != 1) return ctx.error("storage_order {} is not 0 or 1", order);
  const DType d = x.dtype();
  const std::vector<int64_t> dims = pooledDims(x, g);
  const int64_t planes = x.dim(0) * x.dim(1), inPlane = product(g.in), outPlane = product(g.out);
  bool handled = dispatchNumeric(d, [&](auto t) {
    using T = decltype(t);
    const T* px = x.data<T>();
    T* py = ctx.allocateOutput(0, d, dims).data<T>();
    int64_t* pi =
        ctx.wantsOutput(1) ? ctx.allocateOutput(1, DType::Int64, dims).data<int64_t>() : nullptr;
    walkWindows(g, planes, [&](int64_t p, int64_t q, const int64_t* taps, int64_t n, int64_t) {
      const T* plane = px + p * inPlane;
      T best = std::numeric_limits<T>::lowest();
      int64_t at = n ? taps[0] : 0;
      for (int64_t j = 0; j < n; ++j)
        if (plane[taps[j]] > best) {
          best = plane[taps[j]];
          at = taps[j];
        }
      py[p * outPlane + q] = best;
      if (pi) pi[p * outPlane + q] = p * inPlane + (order ? columnMajor(at, g.in) : at);
    });
  });
  if (!handled) return ctx.unsupported("no kernel for {} input", dtypeName(d));
  return Status::ok();
}

// Reduces every window to sum_j f(x_j) and writes finish(sum, taps, padCount).
template <typename F, typename Finish>
Status floatPool(KernelContext& ctx, const RtTensor& x, const WindowGeometry& g, F f,
                 Finish finish) {
  const DType d = x.dtype();
  const int64_t planes = x.dim(0) * x.dim(1), inPlane = product(g.in), outPlane = product(g.out);
  bool handled = dispatchFloat(d, [&](auto t) {
    using T = decltype(t);
    const T* px = x.data<T>();
    T* py = ctx.allocateOutput(0, d, pooledDims(x, g)).data<T>();
    walkWindows(g, planes,
                [&](int64_t p, int64_t q, const int64_t* taps, int64_t n, int64_t padCount) {
                  const T* plane = px + p * inPlane;
                  double sum = 0;
                  for (int64_t j = 0; j < n; ++j) sum += f(static_cast<double>(plane[taps[j]]));
                  py[p * outPlane + q] = static_cast<T>(finish(sum, n, padCount));
                });
  });
  if (!handled) return ctx.unsupported("no kernel for {} input", dtypeName(d));
  return Status::ok();
}

Status averagePoolKernel(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  WindowGeometry g;
  NNP_RETURN_IF_ERROR(readPool(ctx, x, g));
  const bool includePad = ctx.attrInt("count_include_pad") != 0;
  return floatPool(
      ctx, x, g, [](double v) { return v; },
      [includePad](double sum, int64_t n, int64_t padCount) {
        return sum / static_cast<double>(includePad ? padCount : n);
      });
}

// The p of LpPool / GlobalLpPool: an int since opset 2, a float before.
double lpExponent(const KernelContext& ctx) {
  if (auto i = ctx.node().attrs.getInt("p")) return static_cast<double>(*i);
  if (auto f = ctx.node().attrs.getFloat("p")) return *f;
  return 2.0;
}

Status lpPoolKernel(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  WindowGeometry g;
  NNP_RETURN_IF_ERROR(readPool(ctx, x, g));
  const double p = lpExponent(ctx);
  if (!(p > 0)) return ctx.error("p {} must be positive", p);
  return floatPool(
      ctx, x, g, [p](double v) { return std::pow(std::fabs(v), p); },
      [p](double sum, int64_t, int64_t) { return std::pow(sum, 1.0 / p); });
}

// Global pools: one window covering every spatial dim.
Status readGlobal(KernelContext& ctx, const RtTensor& x, WindowGeometry& g) {
  if (x.rank() < 2) return ctx.error("input rank {} is below 2 (N, C...)", x.rank());
  g.in.assign(x.dims().begin() + 2, x.dims().end());
  g.kernel = g.in;
  g.out.assign(g.rank(), 1);
  return Status::ok();
}

template <typename Reduce>
Status globalPool(KernelContext& ctx, bool floatOnly, Reduce reduce) {
  const RtTensor& x = *ctx.input(0);
  WindowGeometry g;
  NNP_RETURN_IF_ERROR(readGlobal(ctx, x, g));
  const DType d = x.dtype();
  const int64_t planes = x.dim(0) * x.dim(1), inPlane = product(g.in);
  auto body = [&](auto t) {
    using T = decltype(t);
    const T* px = x.data<T>();
    T* py = ctx.allocateOutput(0, d, pooledDims(x, g)).data<T>();
    for (int64_t p = 0; p < planes; ++p) py[p] = reduce(px + p * inPlane, inPlane);
  };
  if (!(floatOnly ? dispatchFloat(d, body) : dispatchNumeric(d, body)))
    return ctx.unsupported("no kernel for {} input", dtypeName(d));
  return Status::ok();
}

Status globalMaxPoolKernel(KernelContext& ctx) {
  return globalPool(ctx, false, [](const auto* v, int64_t n) {
    auto best =
        std::numeric_limits<std::remove_const_t<std::remove_reference_t<decltype(*v)>>>::lowest();
    for (int64_t i = 0; i < n; ++i) best = v[i] > best ? v[i] : best;
    return best;
  });
}

Status globalAveragePoolKernel(KernelContext& ctx) {
  return globalPool(ctx, true, [](const auto* v, int64_t n) {
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += v[i];
    return static_cast<std::remove_const_t<std::remove_reference_t<decltype(*v)>>>(
        sum / static_cast<double>(n));
  });
}

Status globalLpPoolKernel(KernelContext& ctx) {
  const double p = lpExponent(ctx);
  if (!(p > 0)) return ctx.error("p {} must be positive", p);
  return globalPool(ctx, true, [p](const auto* v, int64_t n) {
    double sum = 0;
    for (int64_t i = 0; i < n; ++i) sum += std::pow(std::fabs(static_cast<double>(v[i])), p);
    return static_cast<std::remove_const_t<std::remove_reference_t<decltype(*v)>>>(
        std::pow(sum, 1.0 / p));
  });
}

// MaxUnpool: a zero output of output_shape (else (in - 1) * stride + kernel
// - pads per spatial dim) with Y.flat[I.flat[i]] = X.flat[i]; the indices
// count over the whole output tensor, as MaxPool's Indices do over its input.
Expected<std::vector<int64_t>> unpooledDims(KernelContext& ctx, const RtTensor& x) {
  if (const RtTensor* shape = ctx.input(2)) {
    std::vector<int64_t> dims = shape->toInt64Vector();
    if (dims.size() != x.rank())
      return ctx.error("output_shape has {} values for an input of rank {}", dims.size(), x.rank());
    for (int64_t d : dims)
      if (d < 0) return ctx.error("output_shape has a negative dim {}", d);
    return dims;
  }
  WindowGeometry g;
  NNP_RETURN_IF_ERROR(readPool(ctx, x, g));
  std::vector<int64_t> dims{x.dim(0), x.dim(1)};
  for (size_t i = 0; i < g.rank(); ++i)
    dims.push_back((g.in[i] - 1) * g.strides[i] + g.kernel[i] - g.padBegin[i] - g.padEnd[i]);
  return dims;
}

Status maxUnpoolKernel(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  const RtTensor& idx = *ctx.input(1);
  if (x.rank() < 3) return ctx.error("input rank {} is below 3 (N, C, spatial...)", x.rank());
  if (idx.dtype() != DType::Int64 || idx.dims() != x.dims())
    return ctx.error("indices must be int64 with the input's shape");
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> dims, unpooledDims(ctx, x));
  const int64_t total = product(dims), n = x.numElements();
  const int64_t* pi = idx.data<int64_t>();
  for (int64_t i = 0; i < n; ++i)
    if (pi[i] < 0 || pi[i] >= total)
      return ctx.error("index {} at element {} is outside the {}-element output", pi[i], i, total);
  const DType d = x.dtype();
  bool handled = dispatchNumeric(d, [&](auto t) {
    using T = decltype(t);
    const T* px = x.data<T>();
    T* py = ctx.allocateOutput(0, d, dims).data<T>();
    for (int64_t i = 0; i < n; ++i) py[pi[i]] = px[i];
  });
  if (!handled) return ctx.unsupported("no kernel for {} input", dtypeName(d));
  return Status::ok();
}

}  // namespace

void registerPoolKernels(KernelRegistry& r) {
  r.add("MaxUnpool", maxUnpoolKernel);
  r.add("MaxPool", maxPoolKernel);
  r.add("AveragePool", averagePoolKernel);
  r.add("LpPool", lpPoolKernel);
  r.add("GlobalMaxPool", globalMaxPoolKernel);
  r.add("GlobalAveragePool", globalAveragePoolKernel);
  r.add("GlobalLpPool", globalLpPoolKernel);
}

}  // namespace nnport::exec
