// Indexed reads and writes: Gather, GatherElements, GatherND, ScatterND,
// ScatterElements and Scatter. Gather also propagates shape values (see
// InferenceContext::shapeValue).
#include <algorithm>

#include "ir/ops/infer_util.h"

namespace nnport {
namespace {

Status inferGather(InferenceContext& ctx) {
  const TensorType* data = ctx.inputType(0);
  const TensorType* indices = ctx.inputType(1);
  if (!data || !indices) return Status::ok();
  if (!data->shape.rankKnown() || !indices->shape.rankKnown()) {
    ctx.setOutput(0, data->dtype, Shape());
    return Status::ok();
  }
  const auto& dd = data->shape.dims();
  NNP_ASSIGN_OR_RETURN(int64_t axis, axisAttr(ctx, "axis", static_cast<int64_t>(dd.size())));
  std::vector<Dim> out(dd.begin(), dd.begin() + axis);
  out.insert(out.end(), indices->shape.dims().begin(), indices->shape.dims().end());
  out.insert(out.end(), dd.begin() + axis + 1, dd.end());
  auto idx = literalInts(ctx, 1);
  const Dim& n = dd[axis];
  if (idx && n.isStatic()) {
    for (int64_t& i : *idx) {
      if (i < -n.value || i >= n.value)
        return ctx.error("index {} is out of range for a dimension of size {}", i, n.value);
      if (i < 0) i += n.value;
    }
    auto value = ctx.shapeValue(0);
    if (value && dd.size() == 1 && static_cast<int64_t>(value->size()) == n.value) {
      std::vector<Dim> picked;
      for (int64_t i : *idx) picked.push_back((*value)[i]);
      ctx.setOutputShapeValue(0, std::move(picked));
    }
  }
  ctx.setOutput(0, data->dtype, Shape(std::move(out)));
  return Status::ok();
}

Status inferGatherElements(InferenceContext& ctx) {
  const TensorType* data = ctx.inputType(0);
  const TensorType* indices = ctx.inputType(1);
  if (!data || !indices) return Status::ok();
  if (data->shape.rankKnown() && indices->shape.rankKnown()) {
    if (data->shape.rank() != indices->shape.rank())
      return ctx.error("data has rank {} but indices rank {}", data->shape.rank(),
                       indices->shape.rank());
    NNP_RETURN_IF_ERROR(axisAttr(ctx, "axis", static_cast<int64_t>(data->shape.rank())).status());
  }
  ctx.setOutput(0, data->dtype, indices->shape);
  return Status::ok();
}

Status inferGatherND(InferenceContext& ctx) {
  const TensorType* data = ctx.inputType(0);
  const TensorType* indices = ctx.inputType(1);
  if (!data || !indices) return Status::ok();
  const Shape& ds = data->shape;
  const Shape& is = indices->shape;
  if (!ds.rankKnown() || !is.rankKnown() || is.rank() == 0 || !is[is.rank() - 1].isStatic()) {
    ctx.setOutput(0, data->dtype, Shape());
    return Status::ok();
  }
  const int64_t b = ctx.attrInt("batch_dims");
  const auto r = static_cast<int64_t>(ds.rank()), q = static_cast<int64_t>(is.rank());
  const int64_t k = is[q - 1].value;
  if (b < 0 || b >= std::min(r, q)) return ctx.error("batch_dims {} is out of range", b);
  if (k < 1 || k > r - b) return ctx.error("indices' last dimension {} exceeds data rank {}", k, r);
  std::vector<Dim> out(is.dims().begin(), is.dims().end() - 1);
  out.insert(out.end(), ds.dims().begin() + b + k, ds.dims().end());
  ctx.setOutput(0, data->dtype, Shape(std::move(out)));
  return Status::ok();
}

}  // namespace

void registerGatherScatterOps(OpRegistry& r) {
  r.add("Gather")
      .input("data")
      .input("indices")
      .output("output")
      .attr("axis", int64_t{0})
      .traits(kShapeOp)
      .infer(inferGather);
  r.add("GatherElements")
      .input("data")
      .input("indices")
      .output("output")
      .attr("axis", int64_t{0})
      .traits(kShapeOp)
      .infer(inferGatherElements);
  r.add("GatherND")
      .input("data")
      .input("indices")
      .output("output")
      .attr("batch_dims", int64_t{0})
      .range(0)
      .traits(kShapeOp)
      .infer(inferGatherND);
  r.add("ScatterND")
      .input("data")
      .input("indices")
      .input("updates")
      .output("output")
      .attr("reduction", "none")
      .traits(kShapeOp)
      .infer(inferSameAsInput0);
  r.add("ScatterElements")
      .input("data")
      .input("indices")
      .input("updates")
      .output("output")
      .attr("axis", int64_t{0})
      .attr("reduction", "none")
      .traits(kShapeOp)
      .infer(inferSameAsInput0);
  r.add("Scatter")
      .input("data")
      .input("indices")
      .input("updates")
      .output("output")
      .attr("axis", int64_t{0})
      .traits(kShapeOp)
      .infer(inferSameAsInput0);
}

}  // namespace nnport
