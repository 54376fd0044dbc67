// Shape and data movement: Reshape, Squeeze, ExpandDims, Transpose, Shape,
// Pack, ConcatV2, Pad / PadV2 / MirrorPad (REFLECT) and Cast. Constant
// operands (shapes, axes, perms, paddings) become int64 initializers or
// attributes; a computed Reshape shape is cast to int64 and kept as a graph
// computation for the folding passes.
#include <map>

#include "ir/ops/infer_util.h"
#include "parsers/tensorflow/tf_builder.h"

namespace nnport::tf {
namespace {

Expected<Outputs> one(Expected<Value*> v) {
  if (!v) return v.status();
  return Outputs{*v};
}

Expected<Outputs> reshape(NodeContext& ctx) {
  NNP_ASSIGN_OR_RETURN(Value * x, ctx.in(0));
  NNP_ASSIGN_OR_RETURN(Value * shape, ctx.in(1));
  if (auto dims = ctx.b.knownInts(shape)) {
    for (int64_t d : *dims) {
      if (d == 0) return ctx.unsupported("a 0 in the target shape (an empty dim)");
      if (d < -1) return ctx.invalid("the target shape has a dim {}", d);
    }
    return one(
        ctx.b.op("Reshape", {x, ctx.b.int64s(ctx.name("shape"), *dims)}, ctx.name("Reshape")));
  }
  const Shape& len = shape->type.shape;
  if (len.rankKnown() && len.rank() == 1 && len[0].isStatic() && len[0].value > kMaxRank)
    return ctx.invalid("the target shape '{}' has {} values", shape->name(), len[0].value);
  NNP_ASSIGN_OR_RETURN(
      Value * s64, ctx.b.op("Cast", {shape}, ctx.name("shape_i64"), {Attribute::ofInt("to", 7)}));
  return one(ctx.b.op("Reshape", {x, s64}, ctx.name("Reshape")));
}

Expected<Outputs> squeeze(NodeContext& ctx) {
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> dims, ctx.staticDims(0, -1));
  std::vector<int64_t> axes = ctx.attrInts("squeeze_dims");
  if (axes.empty()) axes = ctx.attrInts("axis");
  if (axes.empty())
    for (size_t i = 0; i < dims.size(); ++i) {
      if (dims[i] < 0) return ctx.unsupported("squeezing all 1-dims of a shape with unknown dims");
      if (dims[i] == 1) axes.push_back(static_cast<int64_t>(i));
    }
  if (axes.empty()) return Outputs{ctx.inputs[0]};
  return one(ctx.b.op("Squeeze", {ctx.inputs[0], ctx.b.int64s(ctx.name("axes"), axes)},
                      ctx.name("Squeeze")));
}

Expected<Outputs> expandDims(NodeContext& ctx) {
  NNP_ASSIGN_OR_RETURN(Value * x, ctx.in(0));
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> dim, ctx.constInts(1, "dim"));
  if (dim.size() != 1) return ctx.invalid("dim must hold one value, holds {}", dim.size());
  return one(
      ctx.b.op("Unsqueeze", {x, ctx.b.int64s(ctx.name("axes"), dim)}, ctx.name("Unsqueeze")));
}

Expected<Outputs> transpose(NodeContext& ctx) {
  NNP_ASSIGN_OR_RETURN(Value * x, ctx.in(0));
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> perm, ctx.constInts(1, "perm"));
  return one(ctx.b.transpose(x, perm, ctx.name("Transpose")));
}

Expected<Outputs> shape(NodeContext& ctx) {
  NNP_ASSIGN_OR_RETURN(Value * x, ctx.in(0));
  NNP_ASSIGN_OR_RETURN(Value * s, ctx.b.op("Shape", {x}, ctx.name("Shape")));
  const auto* outType = ctx.attr("out_type");
  if (outType && outType->type() == tfpb::DT_INT64) return Outputs{s};
  return one(ctx.b.op("Cast", {s}, ctx.name("Cast"), {Attribute::ofInt("to", 6)}));
}

Expected<Outputs> pack(NodeContext& ctx) {
  const int64_t axis = ctx.attrInt("axis", 0);
  if (ctx.inputs.empty()) return ctx.invalid("has no inputs");
  std::vector<Value*> parts;
  Value* axes = ctx.b.int64s(ctx.name("axes"), {axis});
  for (size_t i = 0; i < ctx.inputs.size(); ++i) {
    NNP_ASSIGN_OR_RETURN(Value * u, ctx.b.op("Unsqueeze", {ctx.inputs[i], axes},
                                             ctx.name(fmt::format("unsqueeze_{}", i))));
    parts.push_back(u);
  }
  return one(ctx.b.op("Concat", parts, ctx.name("Concat"), {Attribute::ofInt("axis", axis)}));
}

Expected<Outputs> concatV2(NodeContext& ctx) {
  if (ctx.inputs.size() < 2) return ctx.invalid("needs values and an axis");
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> axis, ctx.constInts(ctx.inputs.size() - 1, "axis"));
  if (axis.size() != 1) return ctx.invalid("axis must hold one value");
  std::vector<Value*> parts(ctx.inputs.begin(), ctx.inputs.end() - 1);
  if (parts.size() == 1) return Outputs{parts[0]};
  return one(ctx.b.op("Concat", parts, ctx.name("Concat"), {Attribute::ofInt("axis", axis[0])}));
}

// TF's rules for paddings: [rank, 2] of non-negative values, under the dim
// for REFLECT (each border cell is mirrored once). The upper bound keeps the
// padded sizes far from overflow.
Status checkPaddings(const NodeContext& ctx, const Value* x, const std::vector<int64_t>& p,
                     bool reflect) {
  const Shape& s = x->type.shape;
  if (p.size() % 2 != 0 || (s.rankKnown() && p.size() != 2 * s.rank()))
    return ctx.invalid("paddings hold {} values for an input of shape {}, not [rank, 2]", p.size(),
                       s.str());
  for (size_t i = 0; i < p.size(); ++i) {
    NNP_RETURN_IF_ERROR(ctx.checkRange("a padding", p[i], 0, kMaxWindowDim));
    const Dim& d = s.rankKnown() ? s[i / 2] : Dim();
    if (reflect && d.isStatic() && p[i] >= d.value)
      return ctx.invalid("REFLECT padding {} of dim {} needs a size above it, the input has {}",
                         p[i], i / 2, d.value);
  }
  return Status::ok();
}

// paddings [rank, 2] -> ONNX pads [begin of each dim..., end of each dim...].
Expected<Outputs> pad(NodeContext& ctx, const std::string& mode) {
  NNP_ASSIGN_OR_RETURN(Value * x, ctx.in(0));
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> p, ctx.constInts(1, "paddings"));
  NNP_RETURN_IF_ERROR(checkPaddings(ctx, x, p, mode == "reflect"));
  std::vector<int64_t> pads(p.size());
  const size_t r = p.size() / 2;
  for (size_t i = 0; i < r; ++i) {
    pads[i] = p[2 * i];
    pads[r + i] = p[2 * i + 1];
  }
  std::vector<Value*> inputs = {x, ctx.b.int64s(ctx.name("pads"), pads)};
  if (ctx.def.op() == "PadV2") {
    NNP_ASSIGN_OR_RETURN(Value * c, ctx.in(2));
    inputs.push_back(c);
  }
  return one(ctx.b.op("Pad", inputs, ctx.name("Pad"), {Attribute::ofString("mode", mode)}));
}

Expected<Outputs> constantPad(NodeContext& ctx) {
  return pad(ctx, "constant");
}

Expected<Outputs> mirrorPad(NodeContext& ctx) {
  if (ctx.attrString("mode", "") != "REFLECT")
    return ctx.unsupported("mode '{}' (only REFLECT)", ctx.attrString("mode", ""));
  return pad(ctx, "reflect");
}

Expected<Outputs> cast(NodeContext& ctx) {
  NNP_ASSIGN_OR_RETURN(Value * x, ctx.in(0));
  const auto* dst = ctx.attr("DstT");
  if (!dst) return ctx.invalid("has no DstT");
  auto d = dtypeFromTf(dst->type());
  if (!d) return d.status().withContext(ctx.where());
  static const std::map<DType, int64_t> onnxCodes = {
      {DType::Float32, 1},  {DType::UInt8, 2},   {DType::Int8, 3},  {DType::UInt16, 4},
      {DType::Int16, 5},    {DType::Int32, 6},   {DType::Int64, 7}, {DType::Bool, 9},
      {DType::Float16, 10}, {DType::Float64, 11}};
  auto it = onnxCodes.find(*d);
  if (it == onnxCodes.end()) return ctx.unsupported("Cast to {}", dtypeName(*d));
  return one(ctx.b.op("Cast", {x}, ctx.name("Cast"), {Attribute::ofInt("to", it->second)}));
}

}  // namespace

std::vector<OpKind> shapeOpKinds() {
  return {{"Reshape", reshape},     {"Squeeze", squeeze}, {"ExpandDims", expandDims},
          {"Transpose", transpose}, {"Shape", shape},     {"Pack", pack},
          {"ConcatV2", concatV2},   {"Pad", constantPad}, {"PadV2", constantPad},
          {"MirrorPad", mirrorPad}, {"Cast", cast}};
}

}  // namespace nnport::tf
