// Linear quantization: QuantizeLinear, DequantizeLinear (per tensor or per
// axis) and DynamicQuantizeLinear.
//   quantize:   y = saturate(round_half_even(x / scale) + zero_point)
//   dequantize: y = (x - zero_point) * scale
#include <algorithm>

#include "exec/kernels/convert.h"
#include "exec/kernels/quant_util.h"

namespace nnport::exec {
namespace {

// The type QuantizeLinear writes: the zero point's, else the output_dtype
// attribute (opset 21), else uint8.
DType quantizedType(const KernelContext& ctx, const RtTensor* zero) {
  if (zero) return zero->dtype();
  switch (ctx.attrInt("output_dtype")) {
    case 0:
    case 2:
      return DType::UInt8;
    case 3:
      return DType::Int8;
    case 4:
      return DType::UInt16;
    case 5:
      return DType::Int16;
    default:
      return DType::Undefined;
  }
}

Status quantizeLinear(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  const RtTensor* zero = ctx.input(2);
  NNP_ASSIGN_OR_RETURN(QuantParams p, readQuantParams(ctx, x, *ctx.input(1), zero));
  const DType out = quantizedType(ctx, zero);
  if (!isFloat(x.dtype()) && x.dtype() != DType::Int32)
    return ctx.unsupported("no kernel for {} input", dtypeName(x.dtype()));
  RtTensor& y = ctx.allocateOutput(0, out, x.dims());
  const bool ok = dispatchQuantized(out, [&](auto q) {
    using Q = decltype(q);
    Q* py = y.data<Q>();
    const int64_t n = x.numElements();
    if (x.dtype() == DType::Float32) {
      // The division is done in float, as the op's float32 arithmetic does.
      const float* px = x.data<float>();
      for (int64_t i = 0; i < n; ++i) {
        const size_t k = p.at(i);
        const float v = px[i] / static_cast<float>(p.scale[k]);
        py[i] = saturateTo<Q>(roundHalfEven(v) + static_cast<double>(p.zero[k]));
      }
      return;
    }
    for (int64_t i = 0; i < n; ++i) {
      const size_t k = p.at(i);
      py[i] =
          saturateTo<Q>(roundHalfEven(x.floatAt(i) / p.scale[k]) + static_cast<double>(p.zero[k]));
    }
  });
  if (!ok) return ctx.unsupported("no kernel for {} output", dtypeName(out));
  return Status::ok();
}

Status dequantizeLinear(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  const RtTensor& scale = *ctx.input(1);
  const RtTensor* zero = ctx.input(2);
  const DType in = x.dtype();
  if (in != DType::UInt8 && in != DType::Int8 && in != DType::UInt16 && in != DType::Int16 &&
      in != DType::Int32)
    return ctx.unsupported("no kernel for {} input", dtypeName(in));
  if (zero && zero->dtype() != in)
    return ctx.error("zero point is {}, input is {}", dtypeName(zero->dtype()), dtypeName(in));
  NNP_ASSIGN_OR_RETURN(QuantParams p, readQuantParams(ctx, x, scale, zero));
  // Up to opset 18 y is float32; later opsets type it like the scale.
  const DType out = ctx.opset() >= 19 && isFloat(scale.dtype()) ? scale.dtype() : DType::Float32;
  RtTensor& y = ctx.allocateOutput(0, out, x.dims());
  const int64_t n = x.numElements();
  if (out == DType::Float32) {
    float* py = y.data<float>();
    for (int64_t i = 0; i < n; ++i) {
      const size_t k = p.at(i);
      py[i] = static_cast<float>(x.intAt(i) - p.zero[k]) * static_cast<float>(p.scale[k]);
    }
    return Status::ok();
  }
  for (int64_t i = 0; i < n; ++i) {
    const size_t k = p.at(i);
    storeNumber(y, i, static_cast<double>(x.intAt(i) - p.zero[k]) * p.scale[k]);
  }
  return Status::ok();
}

// uint8 quantization over the range of x widened to include 0:
// scale = (max - min) / 255, zero_point = saturate(round(-min / scale)).
// Computed in float like the op's definition.
Status dynamicQuantizeLinear(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  if (x.dtype() != DType::Float32)
    return ctx.unsupported("no kernel for {} input", dtypeName(x.dtype()));
  const float* px = x.data<float>();
  const int64_t n = x.numElements();
  float lo = 0.f, hi = 0.f;
  for (int64_t i = 0; i < n; ++i) {
    lo = std::min(lo, px[i]);
    hi = std::max(hi, px[i]);
  }
  const float scale = (hi - lo) / 255.f;
  const uint8_t zero = scale == 0.f ? 0 : saturateTo<uint8_t>(roundHalfEven((0.f - lo) / scale));
  RtTensor& y = ctx.allocateOutput(0, DType::UInt8, x.dims());
  uint8_t* py = y.data<uint8_t>();
  for (int64_t i = 0; i < n; ++i) {
    const double q = scale == 0.f ? 0.0 : roundHalfEven(px[i] / scale);
    py[i] = saturateTo<uint8_t>(q + zero);
  }
  if (ctx.numOutputs() > 1) ctx.allocateOutput(1, DType::Float32, {}).data<float>()[0] = scale;
  if (ctx.numOutputs() > 2) ctx.allocateOutput(2, DType::UInt8, {}).data<uint8_t>()[0] = zero;
  return Status::ok();
}

}  // namespace

void registerQuantKernels(KernelRegistry& r) {
  r.add("QuantizeLinear", quantizeLinear);
  r.add("DequantizeLinear", dequantizeLinear);
  r.add("DynamicQuantizeLinear", dynamicQuantizeLinear);
}

}  // namespace nnport::exec
