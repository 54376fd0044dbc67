// Reductions over axes: ReduceSum/Mean/Max/Min/Prod/L1/L2/LogSum/LogSumExp/
// SumSquare, and the index reductions ArgMax/ArgMin.
#include "ir/ops/infer_util.h"

namespace nnport {
namespace {

// `axesInputSince`: the opset from which axes are input 1 rather than an
// attribute (13 for ReduceSum, 18 for the others). noop_with_empty_axes came
// with the input form.
Status inferReduce(InferenceContext& ctx, int64_t axesInputSince) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  const bool keep = ctx.attrInt("keepdims") != 0;
  const bool axesAsInput = opsetOf(ctx) >= axesInputSince;
  std::optional<std::vector<int64_t>> axes;
  bool axesKnown = true;
  if (axesAsInput && ctx.hasInput(1)) {
    axes = literalInts(ctx, 1);
    axesKnown = axes.has_value();
  } else if (!axesAsInput && ctx.hasAttr("axes")) {
    axes = ctx.attrInts("axes");
  }
  if (!in->shape.rankKnown()) {
    ctx.setOutput(0, in->dtype, Shape());
    return Status::ok();
  }
  const size_t rank = in->shape.rank();
  if (!axesKnown) {  // which axes go is unknown; with keepdims the rank stays
    const TensorType* at = ctx.inputType(1);
    if (keep) {
      ctx.setOutput(0, in->dtype, Shape(std::vector<Dim>(rank)));
    } else if (at && at->shape.rank() == 1 && at->shape[0].isStatic() && at->shape[0].value > 0 &&
               at->shape[0].value <= static_cast<int64_t>(rank)) {
      ctx.setOutput(0, in->dtype, Shape(std::vector<Dim>(rank - at->shape[0].value)));
    } else {
      ctx.setOutput(0, in->dtype, Shape());
    }
    return Status::ok();
  }
  if (!axes || axes->empty()) {
    if (axesAsInput && ctx.attrInt("noop_with_empty_axes") != 0) {
      ctx.setOutput(0, *in);
      return Status::ok();
    }
    axes.emplace();
    for (size_t i = 0; i < rank; ++i) axes->push_back(static_cast<int64_t>(i));
  }
  NNP_ASSIGN_OR_RETURN(std::vector<bool> reduced, axisMask(ctx, *axes, static_cast<int64_t>(rank)));
  std::vector<Dim> out;
  for (size_t i = 0; i < rank; ++i) {
    if (!reduced[i])
      out.push_back(in->shape[i]);
    else if (keep)
      out.emplace_back(1);
  }
  ctx.setOutput(0, in->dtype, Shape(std::move(out)));
  return Status::ok();
}

Status inferArgReduce(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  if (!in->shape.rankKnown()) {
    ctx.setOutput(0, DType::Int64, Shape());
    return Status::ok();
  }
  const auto rank = static_cast<int64_t>(in->shape.rank());
  NNP_ASSIGN_OR_RETURN(int64_t axis, axisAttr(ctx, "axis", rank));
  std::vector<Dim> out = in->shape.dims();
  if (ctx.attrInt("keepdims") != 0)
    out[axis] = Dim(1);
  else
    out.erase(out.begin() + axis);
  ctx.setOutput(0, DType::Int64, Shape(std::move(out)));
  return Status::ok();
}

}  // namespace

void registerReduceOps(OpRegistry& r) {
  // ReduceSum takes axes as an input from opset 13, the others from opset 18.
  for (const char* op :
       {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
        "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare"}) {
    const int64_t axesInputSince = std::string(op) == "ReduceSum" ? 13 : 18;
    r.add(op)
        .input("data")
        .optionalInput("axes")
        .output("reduced")
        .optionalAttr("axes", AttrKind::Ints)
        .attr("keepdims", int64_t{1})
        .attr("noop_with_empty_axes", int64_t{0})
        .transposeRule(TransposeRule::Reduce)
        .infer([axesInputSince](InferenceContext& c) { return inferReduce(c, axesInputSince); });
  }
  for (const char* op : {"ArgMax", "ArgMin"})
    r.add(op)
        .input("data")
        .output("reduced")
        .attr("axis", int64_t{0})
        .attr("keepdims", int64_t{1})
        .attr("select_last_index", int64_t{0})
        .transposeRule(TransposeRule::ArgReduce)
        .infer(inferArgReduce);
}

}  // namespace nnport
