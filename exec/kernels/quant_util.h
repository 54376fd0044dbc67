// Linear quantization helpers shared by the quantize/dequantize and QLinear
// kernels: round half to even, saturation to the quantized type, and the
// per-tensor / per-axis scale and zero point lookup.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "exec/kernel.h"
#include "exec/kernels/axes_util.h"

namespace nnport::exec {

// Nearest integer, ties to even (the ONNX quantization rounding), whatever
// the floating-point rounding mode.
inline double roundHalfEven(double v) {
  const double f = std::floor(v);
  const double d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return std::fmod(f, 2.0) == 0 ? f : f + 1;
}

// v clamped to Q's range (NaN gives 0).
template <typename Q>
Q saturateTo(double v) {
  if (std::isnan(v)) return Q(0);
  if (v <= static_cast<double>(std::numeric_limits<Q>::lowest()))
    return std::numeric_limits<Q>::lowest();
  if (v >= static_cast<double>(std::numeric_limits<Q>::max())) return std::numeric_limits<Q>::max();
  return static_cast<Q>(v);
}

// Calls f(Q{}) for the quantized types the kernels write (8 and 16 bits);
// false for others.
template <typename F>
bool dispatchQuantized(DType d, F&& f) {
  switch (d) {
    case DType::UInt8:
      f(uint8_t{});
      return true;
    case DType::Int8:
      f(int8_t{});
      return true;
    case DType::UInt16:
      f(uint16_t{});
      return true;
    case DType::Int16:
      f(int16_t{});
      return true;
    default:
      return false;
  }
}

// A scale and an optional zero point, one pair for the whole tensor or one
// per index along `axis`: element i uses pair (i / inner) % count.
struct QuantParams {
  std::vector<double> scale;
  std::vector<int64_t> zero;  // same length as scale (zeros when omitted)
  int64_t count = 1, inner = 1;

  size_t at(int64_t i) const { return count == 1 ? 0 : static_cast<size_t>((i / inner) % count); }
};

// Reads the scale and zero point of a QuantizeLinear / DequantizeLinear
// node for input x: scalars (or one-element tensors) are per tensor, 1-D
// tensors per `axis` (default 1).
inline Expected<QuantParams> readQuantParams(const KernelContext& ctx, const RtTensor& x,
                                             const RtTensor& scale, const RtTensor* zero) {
  QuantParams p;
  if (ctx.attrInt("block_size") != 0)
    return ctx.unsupported("blocked quantization is not supported");
  if (scale.rank() > 1)
    return ctx.error("scale must be a scalar or 1-D, got rank {}", scale.rank());
  if (zero && zero->numElements() != scale.numElements())
    return ctx.error("zero point has {} values, scale {}", zero->numElements(),
                     scale.numElements());
  p.count = scale.numElements();
  if (p.count == 0) return ctx.error("scale is empty");
  if (p.count > 1 || scale.rank() == 1) {
    const auto rank = static_cast<int64_t>(x.rank());
    auto axis = normalizedAxis(ctx.attrInt("axis"), rank);
    if (!axis && p.count > 1)
      return ctx.error("axis {} is out of range for rank {}", ctx.attrInt("axis"), rank);
    if (axis && x.dim(static_cast<size_t>(*axis)) != p.count && p.count > 1)
      return ctx.error("scale has {} values but axis {} has size {}", p.count, *axis,
                       x.dim(static_cast<size_t>(*axis)));
    if (axis) p.inner = productOf(x.dims(), static_cast<size_t>(*axis) + 1, x.rank());
  }
  for (int64_t i = 0; i < p.count; ++i) {
    p.scale.push_back(scale.floatAt(i));
    p.zero.push_back(zero ? zero->intAt(i) : 0);
  }
  return p;
}

}  // namespace nnport::exec
