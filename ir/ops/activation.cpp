// Activations: the pointwise nonlinearities (Relu, Sigmoid, Clip, ...), the
// broadcasting PRelu, and the axis-wise Softmax, LogSoftmax and Hardmax.
#include <cfloat>

#include "ir/ops/infer_util.h"

namespace nnport {
namespace {

// Slope must broadcast to X's shape without changing it (unidirectional);
// before opset 7 a [C] slope applies along axis 1 instead (legacy PRelu).
Status inferPRelu(InferenceContext& ctx) {
  const TensorType* x = ctx.inputType(0);
  const TensorType* slope = ctx.inputType(1);
  if (!x) return Status::ok();
  const bool legacy = opsetOf(ctx) < 7;
  if (slope && !legacy && x->shape.rankKnown() && slope->shape.rankKnown()) {
    if (slope->shape.rank() > x->shape.rank())
      return ctx.error("slope rank {} exceeds input rank {}", slope->shape.rank(), x->shape.rank());
    const size_t off = x->shape.rank() - slope->shape.rank();
    for (size_t i = 0; i < slope->shape.rank(); ++i) {
      const Dim& s = slope->shape[i];
      const Dim& d = x->shape[off + i];
      if (s.isStatic() && s.value != 1 && d.isStatic() && s.value != d.value)
        return ctx.error("slope dim {} does not broadcast to input dim {}", s.value, d.value);
    }
  }
  ctx.setOutput(0, *x);
  return Status::ok();
}

// Clip from opset 11 takes min/max as optional scalar inputs.
Status inferClip(InferenceContext& ctx) {
  for (size_t i = 1; i < 3; ++i) {
    const TensorType* t = ctx.inputType(i);
    if (t && t->shape.rankKnown() && t->shape.numElementsAssumingOne() != 1)
      return ctx.error("{} must be a scalar, got shape {}", i == 1 ? "min" : "max", t->shape.str());
  }
  return inferSameAsInput0(ctx);
}

// Softmax family: axis defaults to 1 before opset 13 (the input is seen as
// 2-D, flattened at axis) and to -1 from 13; the output shape is the input's.
Status inferSoftmax(InferenceContext& ctx) {
  const TensorType* x = ctx.inputType(0);
  if (!x) return Status::ok();
  const bool legacy = opsetOf(ctx) < 13;
  const int64_t axis = ctx.hasAttr("axis") ? ctx.attrInt("axis") : (legacy ? 1 : -1);
  if (x->shape.rankKnown()) {
    const int64_t rank = static_cast<int64_t>(x->shape.rank());
    // Opsets < 13 allow axis == rank (an empty inner block) when coercing to 2-D.
    const bool inRange =
        legacy ? (axis >= -rank && axis <= rank) : normalizeAxis(axis, rank).has_value();
    if (!inRange) return ctx.error("axis {} is out of range for rank {}", axis, rank);
  }
  ctx.setOutput(0, *x);
  return Status::ok();
}

OpSchemaBuilder unary(OpRegistry& r, const char* name, uint32_t extraTraits = 0) {
  return r.add(name)
      .input("X")
      .output("Y")
      .traits(kElementwise | extraTraits)
      .transposeRule(TransposeRule::Unary)
      .infer(inferSameAsInput0);
}

// An activation with one float attribute.
OpSchemaBuilder unaryAlpha(OpRegistry& r, const char* name, float alpha, uint32_t extraTraits = 0) {
  return r.add(name)
      .input("X")
      .output("Y")
      .attr("alpha", alpha)
      .traits(kElementwise | extraTraits)
      .transposeRule(TransposeRule::Unary)
      .infer(inferSameAsInput0);
}

}  // namespace

void registerActivationOps(OpRegistry& r) {
  unary(r, "Relu").fusableActivation().quantization(activationQuantization());
  unary(r, "Sigmoid")
      .fusableActivation()
      .quantization(activationQuantization().integerForm("QLinearSigmoid", kMicrosoftDomain));
  unary(r, "Tanh").fusableActivation();
  unary(r, "Softplus");
  unary(r, "Softsign");
  unary(r, "HardSwish").since(14).fusableActivation();

  unaryAlpha(r, "LeakyRelu", 0.01f)
      .fusableActivation({"alpha"})
      .quantization(activationQuantization().integerForm("QLinearLeakyRelu", kMicrosoftDomain));
  unaryAlpha(r, "Elu", 1.0f).fusableActivation({"alpha"});
  unaryAlpha(r, "ThresholdedRelu", 1.0f).since(10);
  unaryAlpha(r, "Celu", 1.0f).since(12);
  r.add("HardSigmoid")
      .input("X")
      .output("Y")
      .attr("alpha", 0.2f)
      .attr("beta", 0.5f)
      .traits(kElementwise)
      .transposeRule(TransposeRule::Unary)
      .fusableActivation({"alpha", "beta"})
      .infer(inferSameAsInput0);
  r.add("Selu")
      .input("X")
      .output("Y")
      .attr("alpha", 1.67326319217681884765625f)
      .attr("gamma", 1.05070102214813232421875f)
      .traits(kElementwise)
      .transposeRule(TransposeRule::Unary)
      .infer(inferSameAsInput0);

  r.add("PRelu")
      .input("X")
      .input("slope")
      .output("Y")
      .traits(kElementwise | kQuantizable)
      .transposeRule(TransposeRule::Broadcast)
      .infer(inferPRelu);
  // min/max are attributes up to opset 10 and optional inputs from 11.
  r.add("Clip")
      .input("input")
      .optionalInput("min")
      .optionalInput("max")
      .output("output")
      .attr("min", -FLT_MAX)
      .attr("max", FLT_MAX)
      .traits(kElementwise)
      .transposeRule(TransposeRule::Unary)
      .fusableActivation({"min", "max"})
      .quantization(activationQuantization())
      .infer(inferClip);

  for (const char* op : {"Softmax", "LogSoftmax"})
    r.add(op)
        .input("input")
        .output("output")
        .attr("axis", int64_t{-1})
        .transposeRule(TransposeRule::Softmax)
        .infer(inferSoftmax);
  r.add("Hardmax").input("input").output("output").attr("axis", int64_t{-1}).infer(inferSoftmax);
}

}  // namespace nnport
