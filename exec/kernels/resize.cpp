// Resize (opsets 10, 11, 13, 18, 19 forms) and Upsample (opsets 7 and 9)
// for any rank. Output sizes come from `sizes`, else floor(in * scale).
// Nearest gathers whole elements (any dtype); linear and cubic are
// separable, so they run one pass per resized axis in double.
#include <cmath>
#include <vector>

#include "exec/kernels/convert.h"
#include "exec/kernels/data_util.h"
#include "exec/kernels/elementwise_util.h"
#include "exec/kernels/quant_util.h"  // roundHalfEven
#include "exec/kernels/resize_util.h"

namespace nnport::exec {
namespace {

constexpr double kMaxOutputElements = 4.0e9;

// An omitted input or one with no elements (Resize-11+ passes empty roi /
// scales / sizes for the unused ones).
const RtTensor* given(const KernelContext& ctx, size_t i) {
  const RtTensor* t = ctx.input(i);
  return t && t->numElements() > 0 ? t : nullptr;
}

// Per-axis sizes and scales from `sizes` or `scales` over `axes`
// (all axes unless opset 18's axes attribute is set).
Status resizeAxes(const KernelContext& ctx, const RtTensor& x, const RtTensor* scales,
                  const RtTensor* sizes, const RtTensor* roi, std::vector<AxisResize>& axes) {
  const auto rank = static_cast<int64_t>(x.rank());
  std::vector<int64_t> which;  // Upsample has no axes
  if (ctx.node().declaresAttr("axes")) which = ctx.attrInts("axes");
  if (which.empty())
    for (int64_t i = 0; i < rank; ++i) which.push_back(i);
  auto mask = axesMask(which, rank);
  if (!mask) return ctx.error("axes are out of range or repeated");
  for (int64_t& a : which) a = *normalizedAxis(a, rank);
  axes.assign(x.rank(), AxisResize{});
  for (size_t i = 0; i < x.rank(); ++i) {
    axes[i].in = axes[i].out = x.dim(i);
    axes[i].length = static_cast<double>(x.dim(i));
  }
  const RtTensor* spec = sizes ? sizes : scales;
  if (!spec) return ctx.error("needs scales or sizes");
  if (spec->numElements() != static_cast<int64_t>(which.size()))
    return ctx.error("{} {} for {} axes", spec->numElements(), sizes ? "sizes" : "scales",
                     which.size());
  if (roi && roi->numElements() != 2 * static_cast<int64_t>(which.size()))
    return ctx.error("roi has {} values for {} axes", roi->numElements(), which.size());
  // Only Resize-18 given sizes has a policy; Upsample has neither.
  const std::string policy = sizes ? ctx.attrString("keep_aspect_ratio_policy") : "stretch";
  if (sizes && policy != "stretch" && policy != "not_larger" && policy != "not_smaller")
    return ctx.error("unknown keep_aspect_ratio_policy '{}'", policy);
  double kept = policy == "not_larger" ? INFINITY : 0.0;  // the one scale not_* keeps
  for (size_t k = 0; k < which.size(); ++k) {
    AxisResize& a = axes[static_cast<size_t>(which[k])];
    if (sizes) {
      a.out = sizes->intAt(static_cast<int64_t>(k));
      if (a.out < 0) return ctx.error("negative size {}", a.out);
      a.scale = a.in ? static_cast<double>(a.out) / static_cast<double>(a.in) : 1.0;
      a.length = static_cast<double>(a.out);
      kept = policy == "not_larger" ? std::min(kept, a.scale) : std::max(kept, a.scale);
    } else {
      a.scale = static_cast<double>(static_cast<float>(scales->floatAt(static_cast<int64_t>(k))));
      if (!(a.scale > 0) || !std::isfinite(a.scale)) return ctx.error("invalid scale {}", a.scale);
      a.length = static_cast<double>(a.in) * a.scale;
      if (a.length > kMaxOutputElements) return ctx.error("scaled size {} is too large", a.length);
      a.out = static_cast<int64_t>(std::floor(a.length));
    }
    if (roi) {
      a.roiStart = roi->floatAt(static_cast<int64_t>(k));
      a.roiEnd = roi->floatAt(static_cast<int64_t>(k + which.size()));
    }
  }
  if (sizes && policy != "stretch")
    for (int64_t w : which) {
      AxisResize& a = axes[static_cast<size_t>(w)];
      a.scale = kept;
      a.length = kept * static_cast<double>(a.in);
      a.out = static_cast<int64_t>(std::round(a.length));
    }
  double total = 1;
  for (const AxisResize& a : axes) total *= static_cast<double>(a.out);
  if (total > kMaxOutputElements) return ctx.error("output of {} elements is too large", total);
  return Status::ok();
}

// Calls f(outIndex, inOffset, outside) for every output element in
// row-major order, with inOffset the input element of its first tap (the
// nearest one in nearest mode).
template <typename F>
void forEachNearest(const std::vector<AxisTaps>& plan, const std::vector<int64_t>& inDims,
                    const std::vector<int64_t>& outDims, F f) {
  const size_t r = outDims.size();
  if (productOf(outDims, 0, r) == 0) return;
  const std::vector<int64_t> inStride = stridesOf(inDims);
  std::vector<int64_t> idx(r, 0);
  int64_t o = 0;
  do {
    int64_t in = 0;
    bool outside = false;
    for (size_t a = 0; a < r; ++a) {
      in += plan[a].index[static_cast<size_t>(idx[a] * plan[a].taps)] * inStride[a];
      outside = outside || plan[a].outside[static_cast<size_t>(idx[a])];
    }
    f(o++, in, outside);
  } while (nextIndex(idx, outDims));
}

template <typename W>
void gatherWords(const std::vector<AxisTaps>& plan, const RtTensor& x, RtTensor& y) {
  const W* px = reinterpret_cast<const W*>(x.raw());
  W* py = reinterpret_cast<W*>(y.raw());
  forEachNearest(plan, x.dims(), y.dims(), [&](int64_t o, int64_t in, bool) { py[o] = px[in]; });
}

Status resizeNearest(KernelContext& ctx, const ResizeOptions& opts,
                     const std::vector<AxisTaps>& plan, const RtTensor& x, RtTensor& y) {
  switch (x.dtype() == DType::String ? 0 : dtypeBits(x.dtype())) {
    case 8:
      gatherWords<uint8_t>(plan, x, y);
      break;
    case 16:
      gatherWords<uint16_t>(plan, x, y);
      break;
    case 32:
      gatherWords<uint32_t>(plan, x, y);
      break;
    case 64:
      gatherWords<uint64_t>(plan, x, y);
      break;
    case 0:
      if (x.dtype() == DType::String) {
        forEachNearest(plan, x.dims(), y.dims(),
                       [&](int64_t o, int64_t in, bool) { y.strings()[o] = x.strings()[in]; });
        break;
      }
      [[fallthrough]];
    default:
      return ctx.unsupported("no kernel for {} input", dtypeName(x.dtype()));
  }
  if (opts.transform == "tf_crop_and_resize") {
    if (!isNumberType(y.dtype()))
      return ctx.unsupported("no extrapolation for {}", dtypeName(y.dtype()));
    forEachNearest(plan, x.dims(), y.dims(), [&](int64_t o, int64_t, bool outside) {
      if (outside) storeNumber(y, o, opts.extrapolation);
    });
  }
  return Status::ok();
}

// One separable pass: resizes axis `a` of `v` (dims `dims`) by its taps.
std::vector<double> resizeAxis(const std::vector<double>& v, std::vector<int64_t>& dims, size_t a,
                               const AxisTaps& p, int64_t out) {
  const int64_t outer = productOf(dims, 0, a), in = dims[a];
  const int64_t inner = productOf(dims, a + 1, dims.size());
  std::vector<double> r(static_cast<size_t>(outer * out * inner), 0.0);
  for (int64_t b = 0; b < outer; ++b)
    for (int64_t o = 0; o < out; ++o) {
      double* dst = &r[static_cast<size_t>((b * out + o) * inner)];
      for (int64_t t = 0; t < p.taps; ++t) {
        const double w = p.weight[static_cast<size_t>(o * p.taps + t)];
        if (w == 0) continue;
        const double* src = &v[static_cast<size_t>(
            (b * in + p.index[static_cast<size_t>(o * p.taps + t)]) * inner)];
        for (int64_t i = 0; i < inner; ++i) dst[i] += w * src[i];
      }
    }
  dims[a] = out;
  return r;
}

Status resizeInterpolated(KernelContext& ctx, const ResizeOptions& opts,
                          const std::vector<AxisTaps>& plan, const RtTensor& x, RtTensor& y) {
  if (!isNumberType(x.dtype()) || x.dtype() == DType::Bool)
    return ctx.unsupported("no {} kernel for {} input", opts.mode, dtypeName(x.dtype()));
  std::vector<double> v(static_cast<size_t>(x.numElements()));
  if (!dispatchFloat(x.dtype(), [&](auto t) {
        using T = decltype(t);
        std::copy(x.data<T>(), x.data<T>() + x.numElements(), v.begin());
      }))
    for (int64_t i = 0; i < x.numElements(); ++i) v[static_cast<size_t>(i)] = x.floatAt(i);
  std::vector<int64_t> dims = x.dims();
  for (size_t a = 0; a < plan.size(); ++a)
    if (!plan[a].identity) v = resizeAxis(v, dims, a, plan[a], y.dim(a));
  if (opts.transform == "tf_crop_and_resize")
    forEachNearest(plan, x.dims(), y.dims(), [&](int64_t o, int64_t, bool outside) {
      if (outside) v[static_cast<size_t>(o)] = opts.extrapolation;
    });
  const bool integer = !isFloat(y.dtype());
  if (y.dtype() == DType::Float32) {
    std::copy(v.begin(), v.end(), y.data<float>());
    return Status::ok();
  }
  for (int64_t i = 0; i < y.numElements(); ++i) {
    const double e = v[static_cast<size_t>(i)];
    storeNumber(y, i, integer ? roundHalfEven(e) : e);
  }
  return Status::ok();
}

Status runResize(KernelContext& ctx, const ResizeOptions& opts,
                 const std::vector<AxisResize>& axes) {
  const RtTensor& x = *ctx.input(0);
  std::vector<int64_t> dims;
  std::vector<AxisTaps> plan;
  for (const AxisResize& a : axes) {
    if (a.in == 0 && a.out > 0) return ctx.error("cannot resize an empty axis to {}", a.out);
    dims.push_back(a.out);
    plan.push_back(planAxis(opts, a));
  }
  RtTensor& y = ctx.allocateOutput(0, x.dtype(), dims);
  if (y.numElements() == 0) return Status::ok();
  if (opts.mode == "nearest") return resizeNearest(ctx, opts, plan, x, y);
  return resizeInterpolated(ctx, opts, plan, x, y);
}

Status resize(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  ResizeOptions o;
  o.mode = ctx.attrString("mode");
  const bool legacy = ctx.opset() > 0 && ctx.opset() < 11;
  // Resize-10 samples like Upsample: asymmetric, legacy nearest rounding.
  o.transform = legacy ? "asymmetric" : ctx.attrString("coordinate_transformation_mode");
  o.nearestMode = legacy ? "legacy" : ctx.attrString("nearest_mode");
  o.cubicA = ctx.attrFloat("cubic_coeff_a");
  o.excludeOutside = ctx.attrInt("exclude_outside") != 0;
  o.extrapolation = ctx.attrFloat("extrapolation_value");
  if (o.mode != "nearest" && o.mode != "linear" && o.mode != "cubic")
    return ctx.error("unknown mode '{}'", o.mode);
  if (!isKnownTransform(o.transform))
    return ctx.error("unknown coordinate_transformation_mode '{}'", o.transform);
  if (!isKnownNearestMode(o.nearestMode))
    return ctx.error("unknown nearest_mode '{}'", o.nearestMode);
  if (ctx.attrInt("antialias") != 0) return ctx.unsupported("antialias is not supported");
  const RtTensor* scales = given(ctx, legacy ? 1 : 2);
  const RtTensor* sizes = legacy ? nullptr : given(ctx, 3);
  const RtTensor* roi = o.transform == "tf_crop_and_resize" ? given(ctx, 1) : nullptr;
  if (scales && sizes) return ctx.error("only one of scales and sizes may be given");
  std::vector<AxisResize> axes;
  NNP_RETURN_IF_ERROR(resizeAxes(ctx, x, scales, sizes, roi, axes));
  return runResize(ctx, o, axes);
}

// Upsample-7 takes scales as an attribute, Upsample-9 as input 1. It
// samples like Resize-10 (asymmetric; "bilinear" is Upsample-1's "linear").
Status upsample(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  ResizeOptions o;
  o.mode = ctx.attrString("mode");
  if (o.mode == "bilinear") o.mode = "linear";
  if (o.mode != "nearest" && o.mode != "linear") return ctx.error("unknown mode '{}'", o.mode);
  o.transform = "asymmetric";
  o.nearestMode = "legacy";
  std::vector<float> scales;
  if (const RtTensor* s = ctx.input(1)) {
    for (int64_t i = 0; i < s->numElements(); ++i)
      scales.push_back(static_cast<float>(s->floatAt(i)));
  } else {
    scales = ctx.node().attrFloats("scales");
  }
  if (scales.size() != x.rank())
    return ctx.error("{} scales for an input of rank {}", scales.size(), x.rank());
  RtTensor scaleTensor = RtTensor::allocate(DType::Float32, {static_cast<int64_t>(scales.size())});
  std::copy(scales.begin(), scales.end(), scaleTensor.data<float>());
  std::vector<AxisResize> axes;
  NNP_RETURN_IF_ERROR(resizeAxes(ctx, x, &scaleTensor, nullptr, nullptr, axes));
  return runResize(ctx, o, axes);
}

}  // namespace

void registerResizeKernels(KernelRegistry& r) {
  r.add("Resize", resize);
  r.add("Upsample", upsample);
}

}  // namespace nnport::exec
