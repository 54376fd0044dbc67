// Elementwise math: unary functions, broadcasting binary ops, variadic
// Min/Max/Sum/Mean, comparisons, logic and Where.
#include "ir/ops/infer_util.h"

namespace nnport {
namespace {

Status inferBool(InferenceContext& ctx) {
  return inferBroadcast(ctx, DType::Bool);
}

Status inferWhere(InferenceContext& ctx) {
  std::vector<const Shape*> shapes;
  for (size_t i = 0; i < 3; ++i) {
    const TensorType* t = ctx.inputType(i);
    if (!t) return Status::ok();
    shapes.push_back(&t->shape);
  }
  NNP_ASSIGN_OR_RETURN(Shape s, broadcastShapes(ctx, shapes));
  ctx.setOutput(0, ctx.inputDType(1), std::move(s));
  return Status::ok();
}

Status inferIsNanInf(InferenceContext& ctx) {
  if (const TensorType* t = ctx.inputType(0)) ctx.setOutput(0, DType::Bool, t->shape);
  return Status::ok();
}

}  // namespace

void registerElementwiseOps(OpRegistry& r) {
  for (const char* op :
       {"Abs",   "Neg",  "Exp",   "Log",   "Sqrt",  "Reciprocal", "Floor", "Ceil",
        "Round", "Sign", "Sin",   "Cos",   "Tan",   "Asin",       "Acos",  "Atan",
        "Sinh",  "Cosh", "Asinh", "Acosh", "Atanh", "Erf",        "Not",   "BitwiseNot"}) {
    r.add(op)
        .input("X")
        .output("Y")
        .traits(kElementwise)
        .transposeRule(TransposeRule::Unary)
        .infer(inferSameAsInput0);
  }
  for (const char* op : {"IsNaN"})
    r.add(op)
        .input("X")
        .output("Y")
        .traits(kElementwise)
        .transposeRule(TransposeRule::Unary)
        .infer(inferIsNanInf);
  r.add("IsInf")
      .input("X")
      .output("Y")
      .attr("detect_negative", int64_t{1})
      .attr("detect_positive", int64_t{1})
      .traits(kElementwise)
      .transposeRule(TransposeRule::Unary)
      .infer(inferIsNanInf);

  for (const char* op : {"Add", "Mul"})
    r.add(op)
        .input("A")
        .input("B")
        .output("C")
        .traits(kElementwise | kCommutative)
        .quantization(activationQuantization({0, 1}).integerForm(std::string("QLinear") + op,
                                                                 kMicrosoftDomain))
        .transposeRule(TransposeRule::Broadcast)
        .infer([](InferenceContext& c) { return inferBroadcast(c); });
  for (const char* op : {"Sub", "Div", "Pow", "BitwiseAnd", "BitwiseOr", "BitwiseXor"})
    r.add(op)
        .input("A")
        .input("B")
        .output("C")
        .traits(kElementwise)
        .transposeRule(TransposeRule::Broadcast)
        .infer([](InferenceContext& c) { return inferBroadcast(c); });
  r.add("Mod")
      .input("A")
      .input("B")
      .output("C")
      .attr("fmod", int64_t{0})
      .traits(kElementwise)
      .transposeRule(TransposeRule::Broadcast)
      .infer([](InferenceContext& c) { return inferBroadcast(c); });
  r.add("BitShift")
      .input("X")
      .input("Y")
      .output("Z")
      .requiredAttr("direction", AttrKind::String)
      .traits(kElementwise)
      .transposeRule(TransposeRule::Broadcast)
      .infer([](InferenceContext& c) { return inferBroadcast(c); });

  for (const char* op :
       {"Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "And", "Or", "Xor"})
    r.add(op)
        .input("A")
        .input("B")
        .output("C")
        .traits(kElementwise)
        .transposeRule(TransposeRule::Broadcast)
        .infer(inferBool);

  for (const char* op : {"Min", "Max", "Sum", "Mean"})
    r.add(op)
        .variadicInput("data_0")
        .output("result")
        .traits(kElementwise)
        .transposeRule(TransposeRule::Broadcast)
        .infer([](InferenceContext& c) { return inferBroadcast(c); });

  r.add("Where")
      .input("condition")
      .input("X")
      .input("Y")
      .output("output")
      .traits(kElementwise)
      .transposeRule(TransposeRule::Broadcast)
      .infer(inferWhere);
}

}  // namespace nnport
