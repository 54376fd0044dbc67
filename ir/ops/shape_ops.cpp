// Shapes and pass-throughs: Transpose, Expand, Tile, Shape, Size, Identity
// and Dropout (reshaping is in reshape.cpp). The ops that make or pass small
// integer tensors also propagate their contents as shape values (see
// InferenceContext::shapeValue), so that the shape arithmetic torch exports
// (Shape -> Gather -> Unsqueeze -> Concat -> Reshape) gives static or
// symbolic output shapes.
#include <algorithm>

#include "ir/ops/infer_util.h"

namespace nnport {
namespace {

// A dim as a shape-value element: unknown dims become the symbol "?".
Dim dimAsShapeValue(const Dim& d) {
  if (d.isStatic() || !d.symbol.empty()) return d;
  return Dim::symbolic("?");
}

Status inferTranspose(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  const bool hasPerm = ctx.hasAttr("perm");
  const std::vector<int64_t> perm = ctx.attrInts("perm");
  if (!in->shape.rankKnown()) {
    ctx.setOutput(0, in->dtype, hasPerm ? Shape(std::vector<Dim>(perm.size())) : Shape());
    return Status::ok();
  }
  const size_t rank = in->shape.rank();
  std::vector<Dim> out;
  if (!hasPerm) {
    out.assign(in->shape.dims().rbegin(), in->shape.dims().rend());
  } else {
    if (perm.size() != rank)
      return ctx.error("perm has {} entries for an input of rank {}", perm.size(), rank);
    std::vector<bool> seen(rank, false);
    for (int64_t p : perm) {
      if (p < 0 || p >= static_cast<int64_t>(rank) || seen[p])
        return ctx.error("perm is not a permutation of 0..{}", rank - 1);
      seen[p] = true;
      out.push_back(in->shape[p]);
    }
  }
  ctx.setOutput(0, in->dtype, Shape(std::move(out)));
  return Status::ok();
}

Status inferExpand(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  auto target = ctx.shapeValue(1);
  if (!target) {
    auto n = shapeOperandLength(ctx, 1);
    ctx.setOutput(0, in->dtype,
                  in->shape.rankKnown() && n
                      ? Shape(std::vector<Dim>(std::max(in->shape.rank(), *n)))
                      : Shape());
    return Status::ok();
  }
  if (static_cast<int64_t>(target->size()) > kMaxRank)
    return ctx.error("target shape has {} dimensions", target->size());
  NNP_ASSIGN_OR_RETURN(Shape targetShape, shapeFromValue(ctx, *target, "invalid target dimension"));
  NNP_ASSIGN_OR_RETURN(Shape out, broadcastShapes(ctx, {&in->shape, &targetShape}));
  NNP_RETURN_IF_ERROR(checkElementCount(ctx, out));
  ctx.setOutput(0, in->dtype, std::move(out));
  return Status::ok();
}

Status inferTile(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  auto repeats = literalInts(ctx, 1);
  if (!in->shape.rankKnown() || !repeats) return sameRankUnknownDims(ctx, *in);
  if (repeats->size() != in->shape.rank())
    return ctx.error("repeats has {} entries for an input of rank {}", repeats->size(),
                     in->shape.rank());
  std::vector<Dim> out;
  for (size_t i = 0; i < repeats->size(); ++i) {
    const int64_t r = (*repeats)[i];
    const Dim& d = in->shape[i];
    if (r < 0) return ctx.error("negative repeat {}", r);
    int64_t n = 0;
    if (r == 1 || r == 0)
      out.push_back(r == 1 ? d : Dim(0));
    else if (!d.isStatic())
      out.emplace_back();
    else if (__builtin_mul_overflow(d.value, r, &n))
      return ctx.error("tiled size overflows");
    else
      out.emplace_back(n);
  }
  Shape result(std::move(out));
  NNP_RETURN_IF_ERROR(checkElementCount(ctx, result));
  ctx.setOutput(0, in->dtype, std::move(result));
  return Status::ok();
}

Status inferShape(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  if (!in->shape.rankKnown()) {
    ctx.setOutput(0, DType::Int64, Shape({Dim()}));
    return Status::ok();
  }
  const auto rank = static_cast<int64_t>(in->shape.rank());
  int64_t start = 0, end = rank;
  if (opsetOf(ctx) >= 15) {
    start = ctx.attrInt("start");
    if (ctx.hasAttr("end")) end = ctx.attrInt("end");
  }
  auto clampAxis = [rank](int64_t a) { return std::clamp(a < 0 ? a + rank : a, int64_t{0}, rank); };
  start = clampAxis(start);
  end = std::max(clampAxis(end), start);
  std::vector<Dim> value;
  for (int64_t i = start; i < end; ++i) value.push_back(dimAsShapeValue(in->shape[i]));
  ctx.setOutput(0, DType::Int64, Shape({Dim(end - start)}));
  ctx.setOutputShapeValue(0, std::move(value));
  return Status::ok();
}

Status inferSize(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  ctx.setOutput(0, DType::Int64, Shape(std::vector<Dim>{}));
  if (auto n = in->shape.numElements()) ctx.setOutputShapeValue(0, {Dim(*n)});
  return Status::ok();
}

Status inferIdentity(InferenceContext& ctx) {
  forwardShapeValue(ctx);
  return inferSameAsInput0(ctx);
}

Status inferDropout(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  ctx.setOutput(0, *in);
  if (ctx.hasOutput(1)) ctx.setOutput(1, opsetOf(ctx) >= 10 ? DType::Bool : in->dtype, in->shape);
  return Status::ok();
}

}  // namespace

void registerShapeOps(OpRegistry& r) {
  r.add("Transpose")
      .input("data")
      .output("transposed")
      .optionalAttr("perm", AttrKind::Ints)
      .traits(kShapeOp)
      .infer(inferTranspose);
  r.add("Expand").input("input").input("shape").output("output").traits(kShapeOp).infer(
      inferExpand);
  r.add("Tile").input("input").input("repeats").output("output").traits(kShapeOp).infer(inferTile);
  r.add("Shape")
      .input("data")
      .output("shape")
      .attr("start", int64_t{0})
      .optionalAttr("end", AttrKind::Int)
      .traits(kShapeOp)
      .infer(inferShape);
  r.add("Size").input("data").output("size").traits(kShapeOp).infer(inferSize);
  r.add("Identity")
      .input("input")
      .output("output")
      .traits(kShapeOp)
      .transposeRule(TransposeRule::Unary)
      .infer(inferIdentity);
  r.add("Dropout")
      .input("data")
      .optionalInput("ratio")
      .optionalInput("training_mode")
      .output("output")
      .optionalOutput("mask")
      .attr("ratio", 0.5f)
      .attr("is_test", int64_t{0})
      .optionalAttr("seed", AttrKind::Int)
      .infer(inferDropout);
}

}  // namespace nnport
