// Concat, whose inference also propagates shape values (see
// InferenceContext::shapeValue), and the concatenation QLinearConcat shares.
#include <algorithm>

#include "ir/ops/infer_util.h"

namespace nnport {

Status inferConcatOf(InferenceContext& ctx, const std::vector<size_t>& inputs) {
  if (inputs.empty()) return ctx.error("needs at least one input");
  std::vector<const TensorType*> ins;
  for (size_t i : inputs) {
    const TensorType* t = ctx.inputType(i);
    if (!t) return Status::ok();
    if (!ins.empty() && t->dtype != ins[0]->dtype)
      return ctx.error("input {} is {} but input 0 is {}", i, dtypeName(t->dtype),
                       dtypeName(ins[0]->dtype));
    ins.push_back(t);
  }
  // Concat-1 defaulted the axis to 1; it is required from Concat-4 on.
  if (!ctx.hasAttr("axis") && opsetOf(ctx) >= 4) return ctx.error("missing attribute 'axis'");
  const int64_t rawAxis = ctx.hasAttr("axis") ? ctx.attrInt("axis") : 1;
  auto first = std::find_if(ins.begin(), ins.end(), [](auto* t) { return t->shape.rankKnown(); });
  if (first == ins.end()) {
    ctx.setOutput(0, ins[0]->dtype, Shape());
    return Status::ok();
  }
  const size_t rank = (*first)->shape.rank();
  auto axis = normalizeAxis(rawAxis, static_cast<int64_t>(rank));
  if (!axis) return ctx.error("axis {} is out of range for rank {}", rawAxis, rank);
  std::vector<Dim> out = (*first)->shape.dims();
  int64_t sum = 0;
  bool sumKnown = true;
  for (size_t i = 0; i < ins.size(); ++i) {
    const Shape& s = ins[i]->shape;
    if (!s.rankKnown()) {
      sumKnown = false;
      continue;
    }
    if (s.rank() != rank)
      return ctx.error("input {} has rank {}, input 0 rank {}", i, s.rank(), rank);
    for (size_t j = 0; j < rank; ++j) {
      const Dim& d = s[j];
      if (static_cast<int64_t>(j) == *axis) {
        if (!d.isStatic() || __builtin_add_overflow(sum, d.value, &sum)) sumKnown = false;
      } else if (d.isStatic() && out[j].isStatic() && d.value != out[j].value) {
        return ctx.error("input {} has size {} in dimension {}, expected {}", i, d.value, j,
                         out[j].value);
      } else if (!out[j].isStatic() && (d.isStatic() || out[j].symbol.empty())) {
        out[j] = d;
      }
    }
  }
  out[*axis] = ins.size() == 1 ? (*first)->shape[*axis] : sumKnown ? Dim(sum) : Dim();
  if (rank == 1) {  // concatenated shape values
    std::vector<Dim> value;
    for (size_t i = 0; i < ins.size(); ++i) {
      auto v = ctx.shapeValue(inputs[i]);
      if (!v) break;
      value.insert(value.end(), v->begin(), v->end());
      if (i + 1 == ins.size()) ctx.setOutputShapeValue(0, std::move(value));
    }
  }
  ctx.setOutput(0, ins[0]->dtype, Shape(std::move(out)));
  return Status::ok();
}

namespace {

Status inferConcat(InferenceContext& ctx) {
  std::vector<size_t> all(ctx.numInputs());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  return inferConcatOf(ctx, all);
}

}  // namespace

void registerConcatOps(OpRegistry& r) {
  r.add("Concat")
      .variadicInput("inputs")
      .output("concat_result")
      .requiredAttr("axis", AttrKind::Int)
      .traits(kShapeOp)
      .quantization(allInputsQuantization().integerForm(
          "QLinearConcat", kMicrosoftDomain, QuantizationRule::IntegerLayout::OutputFirst))
      .transposeRule(TransposeRule::Concat)
      .infer(inferConcat);
}

}  // namespace nnport
