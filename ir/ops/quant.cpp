// Linear quantization: QuantizeLinear, DequantizeLinear and
// DynamicQuantizeLinear.
#include "ir/ops/infer_util.h"

namespace nnport {
namespace {

// The scale (input si) and zero point (input zi) are scalars (per tensor)
// or 1-D of x's size along `axis` (per axis); the zero point matches the
// scale's shape.
Status checkQuantParams(const InferenceContext& ctx, const Shape& x, size_t si, size_t zi) {
  const TensorType* scale = ctx.inputType(si);
  if (!scale || !scale->shape.rankKnown()) return Status::ok();
  const Shape& s = scale->shape;
  if (s.rank() > 1) return ctx.error("scale must be a scalar or 1-D, got shape {}", s.str());
  if (s.rank() == 1 && x.rankKnown()) {
    const int64_t rank = static_cast<int64_t>(x.rank());
    auto axis = normalizeAxis(ctx.attrInt("axis"), rank);
    // A one-element 1-D scale is per tensor whatever the axis.
    const bool single = s[0].isStatic() && s[0].value == 1;
    if (!axis && !single)
      return ctx.error("axis {} is out of range for rank {}", ctx.attrInt("axis"), rank);
    if (axis && !single && s[0].isStatic() && x[*axis].isStatic() && s[0].value != x[*axis].value)
      return ctx.error("scale has {} values but axis {} has size {}", s[0].value, *axis,
                       x[*axis].value);
  }
  const TensorType* zp = ctx.inputType(zi);
  if (zp && zp->shape.rankKnown() && zp->shape.rank() != s.rank())
    return ctx.error("zero point shape {} does not match scale shape {}", zp->shape.str(), s.str());
  return Status::ok();
}

// y = saturate(round(x / y_scale) + y_zero_point), typed as the zero point
// (uint8 without one).
Status inferQuantize(InferenceContext& ctx) {
  const TensorType* x = ctx.inputType(0);
  if (!x) return Status::ok();
  DType out = DType::UInt8;
  if (ctx.hasInput(2)) {
    out = ctx.inputDType(2);
    if (out == DType::Undefined) return Status::ok();
    if (!isInteger(out))
      return ctx.error("zero point must be an integer type, got {}", dtypeName(out));
  }
  NNP_RETURN_IF_ERROR(checkQuantParams(ctx, x->shape, 1, 2));
  ctx.setOutput(0, out, x->shape);
  return Status::ok();
}

// y = (x - x_zero_point) * x_scale. Up to opset 18 the scale (and so y) is
// float32; later opsets type y like the scale.
Status inferDequantize(InferenceContext& ctx) {
  const TensorType* x = ctx.inputType(0);
  if (!x) return Status::ok();
  DType out = DType::Float32;
  const DType scaleType = ctx.inputDType(1);
  if (ctx.opset() >= 19 && isFloat(scaleType)) out = scaleType;
  NNP_RETURN_IF_ERROR(checkQuantParams(ctx, x->shape, 1, 2));
  ctx.setOutput(0, out, x->shape);
  return Status::ok();
}

Status inferDynamicQuantize(InferenceContext& ctx) {
  const TensorType* x = ctx.inputType(0);
  if (!x) return Status::ok();
  ctx.setOutput(0, DType::UInt8, x->shape);
  ctx.setOutput(1, DType::Float32, Shape(std::vector<Dim>{}));
  ctx.setOutput(2, DType::UInt8, Shape(std::vector<Dim>{}));
  return Status::ok();
}

}  // namespace

void registerQuantOps(OpRegistry& r) {
  r.add("QuantizeLinear")
      .since(10)
      .input("x")
      .input("y_scale")
      .optionalInput("y_zero_point")
      .output("y")
      .attr("axis", int64_t{1})
      .attr("block_size", int64_t{0})
      .attr("output_dtype", int64_t{0})
      .attr("saturate", int64_t{1})  // 21
      .traits(kQuantizable)
      .infer(inferQuantize);
  r.add("DequantizeLinear")
      .since(10)
      .input("x")
      .input("x_scale")
      .optionalInput("x_zero_point")
      .output("y")
      .attr("axis", int64_t{1})
      .attr("block_size", int64_t{0})  // 21
      .traits(kQuantizable)
      .infer(inferDequantize);
  r.add("DynamicQuantizeLinear")
      .since(11)
      .input("x")
      .output("y")
      .output("y_scale")
      .output("y_zero_point")
      .traits(kQuantizable)
      .infer(inferDynamicQuantize);
}

}  // namespace nnport
