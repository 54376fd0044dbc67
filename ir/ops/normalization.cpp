// Normalization: BatchNormalization, InstanceNormalization,
// LayerNormalization, LpNormalization, LRN and MeanVarianceNormalization.
#include "ir/dtype_codes.h"
#include "ir/ops/infer_util.h"

namespace nnport {
namespace {

// Input i, when known, must be 1-D with `channels` elements.
Status checkPerChannel(const InferenceContext& ctx, size_t i, const Dim& channels,
                       const char* what) {
  const TensorType* t = ctx.inputType(i);
  if (!t || !t->shape.rankKnown()) return Status::ok();
  if (t->shape.rank() != 1) return ctx.error("{} must be 1-D, got rank {}", what, t->shape.rank());
  const Dim& d = t->shape[0];
  if (d.isStatic() && channels.isStatic() && d.value != channels.value)
    return ctx.error("{} has {} values for {} channels", what, d.value, channels.value);
  return Status::ok();
}

// Outputs: Y like X; running mean/var (and, before opset 14, saved
// mean/var) are per channel, typed like the mean input.
Status inferBatchNorm(InferenceContext& ctx) {
  const TensorType* x = ctx.inputType(0);
  if (!x) return Status::ok();
  ctx.setOutput(0, *x);
  if (!x->shape.rankKnown()) return Status::ok();
  if (x->shape.rank() < 2) return ctx.error("input rank {} is below 2 (N, C...)", x->shape.rank());
  const Dim& channels = x->shape[1];
  // Opsets 7-8 with spatial=0 take per-activation parameters of shape C x D1 x ...
  const bool perChannel = ctx.opset() >= 9 || ctx.attrInt("spatial") != 0;
  if (perChannel) {
    static const char* const kNames[] = {"scale", "B", "input_mean", "input_var"};
    for (size_t i = 1; i < 5; ++i)
      NNP_RETURN_IF_ERROR(checkPerChannel(ctx, i, channels, kNames[i - 1]));
  }
  DType statType = ctx.inputDType(3);
  if (statType == DType::Undefined) statType = x->dtype;
  for (size_t i = 1; i < ctx.numOutputs() && i < 5; ++i)
    if (perChannel) ctx.setOutput(i, statType, Shape({channels}));
  return Status::ok();
}

Status inferInstanceNorm(InferenceContext& ctx) {
  const TensorType* x = ctx.inputType(0);
  if (!x) return Status::ok();
  ctx.setOutput(0, *x);
  if (!x->shape.rankKnown()) return Status::ok();
  if (x->shape.rank() < 3)
    return ctx.error("input rank {} is below 3 (N, C, spatial...)", x->shape.rank());
  NNP_RETURN_IF_ERROR(checkPerChannel(ctx, 1, x->shape[1], "scale"));
  return checkPerChannel(ctx, 2, x->shape[1], "B");
}

// Mean and InvStdDev keep the dims before `axis` and are 1 from `axis` on;
// they are computed in (and typed as) stash_type.
Status inferLayerNorm(InferenceContext& ctx) {
  const TensorType* x = ctx.inputType(0);
  if (!x) return Status::ok();
  ctx.setOutput(0, *x);
  // stash_type is an ONNX element type code naming a float type.
  const std::optional<DType> stash = dtypeFromOnnx(ctx.attrInt("stash_type"));
  if (!stash || !isFloat(*stash))
    return ctx.error("unsupported stash_type {}", ctx.attrInt("stash_type"));
  if (!x->shape.rankKnown()) {
    for (size_t i = 1; i < ctx.numOutputs() && i < 3; ++i)
      ctx.setOutput(i, *stash, Shape::unknownRank());
    return Status::ok();
  }
  const int64_t rank = static_cast<int64_t>(x->shape.rank());
  NNP_ASSIGN_OR_RETURN(int64_t axis, axisAttr(ctx, "axis", rank));
  std::vector<Dim> stats = x->shape.dims();
  for (int64_t i = axis; i < rank; ++i) stats[i] = Dim(1);
  for (size_t i = 1; i < ctx.numOutputs() && i < 3; ++i) ctx.setOutput(i, *stash, Shape(stats));
  return Status::ok();
}

Status inferSameWithAxis(InferenceContext& ctx) {
  const TensorType* x = ctx.inputType(0);
  if (!x) return Status::ok();
  if (x->shape.rankKnown())
    NNP_RETURN_IF_ERROR(axisAttr(ctx, "axis", static_cast<int64_t>(x->shape.rank())).status());
  ctx.setOutput(0, *x);
  return Status::ok();
}

Status inferLrn(InferenceContext& ctx) {
  const TensorType* x = ctx.inputType(0);
  if (!x) return Status::ok();
  if (ctx.attrInt("size") <= 0) return ctx.error("size {} must be positive", ctx.attrInt("size"));
  if (x->shape.rankKnown() && x->shape.rank() < 2)
    return ctx.error("input rank {} is below 2 (N, C...)", x->shape.rank());
  ctx.setOutput(0, *x);
  return Status::ok();
}

Status inferMvn(InferenceContext& ctx) {
  const TensorType* x = ctx.inputType(0);
  if (!x) return Status::ok();
  if (x->shape.rankKnown()) {
    const int64_t rank = static_cast<int64_t>(x->shape.rank());
    for (int64_t a : ctx.attrInts("axes"))
      if (!normalizeAxis(a, rank)) return ctx.error("axis {} is out of range for rank {}", a, rank);
  }
  ctx.setOutput(0, *x);
  return Status::ok();
}

}  // namespace

void registerNormalizationOps(OpRegistry& r) {
  r.add("BatchNormalization")
      .input("X")
      .input("scale")
      .input("B")
      .input("input_mean")
      .input("input_var")
      .output("Y")
      .optionalOutput("running_mean")
      .optionalOutput("running_var")
      .optionalOutput("saved_mean")
      .optionalOutput("saved_var")
      .attr("epsilon", 1e-5f)
      .attr("momentum", 0.9f)
      .attr("training_mode", int64_t{0})
      .attr("spatial", int64_t{1})
      .traits(kLayoutSensitive)
      .infer(inferBatchNorm);
  r.add("InstanceNormalization")
      .input("input")
      .input("scale")
      .input("B")
      .output("output")
      .attr("epsilon", 1e-5f)
      .traits(kLayoutSensitive)
      .infer(inferInstanceNorm);
  r.add("LayerNormalization")
      .since(17)
      .input("X")
      .input("Scale")
      .optionalInput("B")
      .output("Y")
      .optionalOutput("Mean")
      .optionalOutput("InvStdDev")
      .attr("axis", int64_t{-1})
      .attr("epsilon", 1e-5f)
      .attr("stash_type", int64_t{1})
      .infer(inferLayerNorm);
  r.add("LpNormalization")
      .input("input")
      .output("output")
      .attr("axis", int64_t{-1})
      .attr("p", int64_t{2})
      .infer(inferSameWithAxis);
  r.add("LRN")
      .input("X")
      .output("Y")
      .requiredAttr("size", AttrKind::Int)
      .range(1, kMaxWindowAttr)
      .attr("alpha", 1e-4f)
      .attr("beta", 0.75f)
      .attr("bias", 1.0f)
      .traits(kLayoutSensitive)
      .infer(inferLrn);
  r.add("MeanVarianceNormalization")
      .since(9)
      .input("X")
      .output("Y")
      .attr("axes", std::vector<int64_t>{0, 2, 3})
      .infer(inferMvn);
}

}  // namespace nnport
