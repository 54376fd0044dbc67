// Normalization kernels (inference): BatchNormalization,
// InstanceNormalization, LayerNormalization, LpNormalization, LRN and
// MeanVarianceNormalization. Statistics are computed in double.
#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "exec/kernels/axes_util.h"
#include "exec/kernels/elementwise_util.h"
#include "ir/dtype_codes.h"

namespace nnport::exec {
namespace {

std::vector<double> valuesOf(const RtTensor* t) {
  std::vector<double> v;
  if (!t) return v;
  v.reserve(static_cast<size_t>(t->numElements()));
  for (int64_t i = 0; i < t->numElements(); ++i) v.push_back(t->floatAt(i));
  return v;
}

// Runs f(T{}) for a float X, else reports the dtype as unsupported.
template <typename F>
Status forFloat(KernelContext& ctx, const RtTensor& x, F f) {
  if (!dispatchFloat(x.dtype(), f))
    return ctx.unsupported("no kernel for {} input", dtypeName(x.dtype()));
  return Status::ok();
}

// y = scale * (x - mean) / sqrt(var + epsilon) + B, per channel (axis 1) or,
// for opsets 7-8 with spatial=0, per activation (C x D1 x ...).
Status batchNorm(KernelContext& ctx) {
  if (ctx.attrInt("training_mode") != 0)
    return ctx.unsupported("training-mode BatchNormalization is not supported by the interpreter");
  const RtTensor& x = *ctx.input(0);
  if (x.rank() < 2) return ctx.error("input rank {} is below 2 (N, C...)", x.rank());
  for (size_t i = 1; i < 5; ++i)
    if (!ctx.input(i)) return ctx.error("input {} is missing", i);
  const int64_t c = x.dim(1), spatial = productOf(x.dims(), 2, x.rank());
  const std::vector<double> scale = valuesOf(ctx.input(1)), bias = valuesOf(ctx.input(2));
  const std::vector<double> mean = valuesOf(ctx.input(3)), var = valuesOf(ctx.input(4));
  const auto params = static_cast<int64_t>(scale.size());
  const bool perActivation = params == c * spatial && spatial != 1;
  if (params != c && !perActivation)
    return ctx.error("scale has {} values for {} channels", params, c);
  for (const auto* v : {&bias, &mean, &var})
    if (static_cast<int64_t>(v->size()) != params)
      return ctx.error("parameters have {} and {} values", params, v->size());
  const double eps = ctx.attrFloat("epsilon");
  std::vector<double> mul(scale.size()), add(scale.size());
  for (size_t i = 0; i < scale.size(); ++i) {
    mul[i] = scale[i] / std::sqrt(var[i] + eps);
    add[i] = bias[i] - mean[i] * mul[i];
  }
  RtTensor& y = ctx.allocateOutput(0, x.dtype(), x.dims());
  // Inference leaves the running statistics unchanged.
  if (ctx.wantsOutput(1)) ctx.setOutput(1, *ctx.input(3));
  if (ctx.wantsOutput(2)) ctx.setOutput(2, *ctx.input(4));
  if (ctx.wantsOutput(3) || ctx.wantsOutput(4))
    return ctx.unsupported("saved mean/variance outputs are only defined in training");
  const int64_t batches = x.dim(0);
  return forFloat(ctx, x, [&](auto t) {
    using T = decltype(t);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    for (int64_t b = 0; b < batches; ++b)
      for (int64_t ch = 0; ch < c; ++ch) {
        const int64_t base = (b * c + ch) * spatial;
        for (int64_t s = 0; s < spatial; ++s) {
          const size_t p = static_cast<size_t>(perActivation ? ch * spatial + s : ch);
          py[base + s] = static_cast<T>(static_cast<double>(px[base + s]) * mul[p] + add[p]);
        }
      }
  });
}

// Mean and variance (population) of n values `stride` apart.
template <typename T>
std::pair<double, double> moments(const T* x, int64_t n, int64_t stride = 1) {
  if (n == 0) return {0.0, 0.0};
  double sum = 0;
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(x[i * stride]);
  const double mean = sum / static_cast<double>(n);
  double sq = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double d = static_cast<double>(x[i * stride]) - mean;
    sq += d * d;
  }
  return {mean, sq / static_cast<double>(n)};
}

// Each (n, c) plane is normalized over its spatial elements.
Status instanceNorm(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  if (x.rank() < 3) return ctx.error("input rank {} is below 3 (N, C, spatial...)", x.rank());
  const int64_t c = x.dim(1), spatial = productOf(x.dims(), 2, x.rank());
  const std::vector<double> scale = valuesOf(ctx.input(1)), bias = valuesOf(ctx.input(2));
  if (static_cast<int64_t>(scale.size()) != c || static_cast<int64_t>(bias.size()) != c)
    return ctx.error("scale and B must have {} values", c);
  const double eps = ctx.attrFloat("epsilon");
  RtTensor& y = ctx.allocateOutput(0, x.dtype(), x.dims());
  const int64_t planes = x.dim(0) * c;
  return forFloat(ctx, x, [&](auto t) {
    using T = decltype(t);
    for (int64_t p = 0; p < planes; ++p) {
      const T* px = x.data<T>() + p * spatial;
      T* py = y.data<T>() + p * spatial;
      const auto [mean, var] = moments(px, spatial);
      const double mul = scale[p % c] / std::sqrt(var + eps), add = bias[p % c];
      for (int64_t s = 0; s < spatial; ++s)
        py[s] = static_cast<T>((static_cast<double>(px[s]) - mean) * mul + add);
    }
  });
}

// Offsets into `t` for every element of a tensor of `target` dims, t
// broadcasting to it unidirectionally; nullopt when it does not.
std::optional<std::vector<int64_t>> broadcastOffsets(const RtTensor& t,
                                                     const std::vector<int64_t>& target) {
  if (t.rank() > target.size()) return std::nullopt;
  const size_t off = target.size() - t.rank();
  std::vector<int64_t> stride(target.size(), 0);
  int64_t s = 1;
  for (size_t i = t.rank(); i-- > 0;) {
    const int64_t d = t.dim(i);
    if (d != 1 && d != target[off + i]) return std::nullopt;
    if (d != 1) stride[off + i] = s;
    s *= d;
  }
  // Axes t broadcasts along act as reduced: the walk's output index is then
  // the offset into t.
  std::vector<bool> broadcast(target.size());
  for (size_t i = 0; i < target.size(); ++i) broadcast[i] = stride[i] == 0;
  std::vector<int64_t> offsets(static_cast<size_t>(productOf(target, 0, target.size())));
  forEachReduced(target, broadcast, [&](int64_t i, int64_t o) { offsets[i] = o; });
  return offsets;
}

// Each row (the dims from `axis` on) is normalized, then scaled and shifted
// by Scale and B broadcast to the row's dims. Mean and InvStdDev are the
// row statistics, in stash_type.
Status layerNorm(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  const auto rank = static_cast<int64_t>(x.rank());
  auto axis = normalizedAxis(ctx.attrInt("axis"), rank);
  if (!axis) return ctx.error("axis {} is out of range for rank {}", ctx.attrInt("axis"), rank);
  const std::vector<int64_t> rowDims(x.dims().begin() + *axis, x.dims().end());
  auto scaleAt = broadcastOffsets(*ctx.input(1), rowDims);
  if (!scaleAt) return ctx.error("Scale does not broadcast to the normalized dims");
  std::optional<std::vector<int64_t>> biasAt;
  if (ctx.input(2)) {
    biasAt = broadcastOffsets(*ctx.input(2), rowDims);
    if (!biasAt) return ctx.error("B does not broadcast to the normalized dims");
  }
  const std::vector<double> scale = valuesOf(ctx.input(1)), bias = valuesOf(ctx.input(2));
  const std::optional<DType> stash = dtypeFromOnnx(ctx.attrInt("stash_type"));
  if (!stash || (*stash != DType::Float32 && *stash != DType::Float64))
    return ctx.unsupported("stash_type {} is not supported", ctx.attrInt("stash_type"));
  const double eps = ctx.attrFloat("epsilon");
  const int64_t rows = productOf(x.dims(), 0, *axis), n = productOf(rowDims, 0, rowDims.size());
  std::vector<int64_t> statDims = x.dims();
  for (int64_t i = *axis; i < rank; ++i) statDims[i] = 1;
  std::vector<double> means(static_cast<size_t>(rows)), invStd(static_cast<size_t>(rows));
  RtTensor& y = ctx.allocateOutput(0, x.dtype(), x.dims());
  NNP_RETURN_IF_ERROR(forFloat(ctx, x, [&](auto t) {
    using T = decltype(t);
    for (int64_t r = 0; r < rows; ++r) {
      const T* px = x.data<T>() + r * n;
      T* py = y.data<T>() + r * n;
      const auto [mean, var] = moments(px, n);
      means[r] = mean;
      invStd[r] = 1.0 / std::sqrt(var + eps);
      for (int64_t i = 0; i < n; ++i) {
        double v = (static_cast<double>(px[i]) - mean) * invStd[r] * scale[(*scaleAt)[i]];
        if (biasAt) v += bias[(*biasAt)[i]];
        py[i] = static_cast<T>(v);
      }
    }
  }));
  for (size_t out = 1; out < 3; ++out) {
    if (!ctx.wantsOutput(out)) continue;
    const std::vector<double>& src = out == 1 ? means : invStd;
    RtTensor& s = ctx.allocateOutput(out, *stash, statDims);
    dispatchFloat(*stash, [&](auto t) {
      using T = decltype(t);
      for (size_t i = 0; i < src.size(); ++i) s.data<T>()[i] = static_cast<T>(src[i]);
    });
  }
  return Status::ok();
}

// y = x / ||x||_p along the axis (p 1 or 2).
Status lpNorm(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  const auto rank = static_cast<int64_t>(x.rank());
  auto axis = normalizedAxis(ctx.attrInt("axis"), rank);
  if (!axis) return ctx.error("axis {} is out of range for rank {}", ctx.attrInt("axis"), rank);
  const int64_t p = ctx.attrInt("p");
  if (p != 1 && p != 2) return ctx.error("p must be 1 or 2, got {}", p);
  const int64_t outer = productOf(x.dims(), 0, *axis), n = x.dim(*axis);
  const int64_t inner = productOf(x.dims(), *axis + 1, x.rank());
  RtTensor& y = ctx.allocateOutput(0, x.dtype(), x.dims());
  return forFloat(ctx, x, [&](auto t) {
    using T = decltype(t);
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t i = 0; i < inner; ++i) {
        const int64_t base = o * n * inner + i;
        const T* px = x.data<T>() + base;
        T* py = y.data<T>() + base;
        double norm = 0;
        for (int64_t k = 0; k < n; ++k) {
          const double v = static_cast<double>(px[k * inner]);
          norm += p == 1 ? std::fabs(v) : v * v;
        }
        if (p == 2) norm = std::sqrt(norm);
        for (int64_t k = 0; k < n; ++k)
          py[k * inner] = static_cast<T>(static_cast<double>(px[k * inner]) / norm);
      }
  });
}

// Across channels: y = x / (bias + alpha / size * sum of x^2 over the
// channels c - floor((size-1)/2) .. c + ceil((size-1)/2)) ^ beta.
Status lrn(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  if (x.rank() < 2) return ctx.error("input rank {} is below 2 (N, C...)", x.rank());
  const int64_t size = ctx.attrInt("size");
  if (size <= 0) return ctx.error("size {} must be positive", size);
  const double alpha = ctx.attrFloat("alpha"), beta = ctx.attrFloat("beta");
  const double bias = ctx.attrFloat("bias");
  const int64_t c = x.dim(1), spatial = productOf(x.dims(), 2, x.rank());
  const int64_t below = (size - 1) / 2, above = size - 1 - below;
  RtTensor& y = ctx.allocateOutput(0, x.dtype(), x.dims());
  return forFloat(ctx, x, [&](auto t) {
    using T = decltype(t);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    for (int64_t b = 0; b < x.dim(0); ++b)
      for (int64_t ch = 0; ch < c; ++ch)
        for (int64_t s = 0; s < spatial; ++s) {
          double sq = 0;
          for (int64_t k = std::max<int64_t>(0, ch - below); k <= std::min(c - 1, ch + above);
               ++k) {
            const double v = static_cast<double>(px[(b * c + k) * spatial + s]);
            sq += v * v;
          }
          const int64_t at = (b * c + ch) * spatial + s;
          py[at] = static_cast<T>(static_cast<double>(px[at]) /
                                  std::pow(bias + alpha / static_cast<double>(size) * sq, beta));
        }
  });
}

// y = (x - mean) / (sqrt(variance) + 1e-9) over the given axes, as the
// ONNX function body defines it.
Status meanVarianceNorm(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  const auto rank = static_cast<int64_t>(x.rank());
  auto mask = axesMask(ctx.attrInts("axes"), rank);
  if (!mask) return ctx.error("axes are out of range or repeated for rank {}", rank);
  const int64_t groups = productOf(reducedDims(x.dims(), *mask, false), 0, x.rank());
  const int64_t count = groups == 0 ? 0 : x.numElements() / groups;
  std::vector<double> sum(static_cast<size_t>(groups), 0.0), sq(static_cast<size_t>(groups), 0.0);
  RtTensor& y = ctx.allocateOutput(0, x.dtype(), x.dims());
  return forFloat(ctx, x, [&](auto t) {
    using T = decltype(t);
    const T* px = x.data<T>();
    T* py = y.data<T>();
    forEachReduced(x.dims(), *mask,
                   [&](int64_t i, int64_t g) { sum[g] += static_cast<double>(px[i]); });
    for (double& s : sum) s /= static_cast<double>(count);
    forEachReduced(x.dims(), *mask, [&](int64_t i, int64_t g) {
      const double d = static_cast<double>(px[i]) - sum[g];
      sq[g] += d * d;
    });
    for (double& s : sq) s = std::sqrt(s / static_cast<double>(count)) + 1e-9;
    forEachReduced(x.dims(), *mask, [&](int64_t i, int64_t g) {
      py[i] = static_cast<T>((static_cast<double>(px[i]) - sum[g]) / sq[g]);
    });
  });
}

}  // namespace

void registerNormalizationKernels(KernelRegistry& r) {
  r.add("BatchNormalization", batchNorm);
  r.add("InstanceNormalization", instanceNorm);
  r.add("LayerNormalization", layerNorm);
  r.add("LpNormalization", lpNorm);
  r.add("LRN", lrn);
  r.add("MeanVarianceNormalization", meanVarianceNorm);
}

}  // namespace nnport::exec
