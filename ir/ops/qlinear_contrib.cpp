// ONNX Runtime's quantized contrib ops (domain com.microsoft), the integer
// forms of Gemm, Add, Mul, GlobalAveragePool, Concat, Sigmoid and LeakyRelu that
// `nnport quantize --format qoperator` writes and ONNX Runtime runs. Each
// takes its data operands as (x, x_scale, x_zero_point) triples and the
// output's (y_scale, y_zero_point); the output has the data's type.
#include "ir/ops/infer_util.h"

namespace nnport {
namespace {

// Output 0: broadcast of A (input 0) and B (input 3), typed as A.
Status inferQLinearBinary(InferenceContext& ctx) {
  const TensorType* a = ctx.inputType(0);
  const TensorType* b = ctx.inputType(3);
  if (!a || !b) return Status::ok();
  if (a->dtype != b->dtype)
    return ctx.error("A is {} but B is {}", dtypeName(a->dtype), dtypeName(b->dtype));
  NNP_ASSIGN_OR_RETURN(Shape s, broadcastShapes(ctx, {&a->shape, &b->shape}));
  ctx.setOutput(0, a->dtype, std::move(s));
  return Status::ok();
}

// [N, C, 1, ...] (or [N, 1, ..., C] with channels_last), typed as X.
Status inferQLinearGlobalPool(InferenceContext& ctx) {
  const TensorType* x = ctx.inputType(0);
  if (!x) return Status::ok();
  if (!x->shape.rankKnown()) {
    ctx.setOutput(0, x->dtype, Shape::unknownRank());
    return Status::ok();
  }
  const size_t rank = x->shape.rank();
  if (rank < 3) return ctx.error("input rank {} is below 3", rank);
  std::vector<Dim> out(rank, Dim(1));
  const size_t channel = ctx.attrInt("channels_last") ? rank - 1 : 1;
  out[0] = x->shape[0];
  out[channel] = x->shape[channel];
  ctx.setOutput(0, x->dtype, Shape(std::move(out)));
  return Status::ok();
}

// The data operands are inputs 2, 5, 8, ... (after Y_scale, Y_zero_point).
Status inferQLinearConcat(InferenceContext& ctx) {
  if (ctx.numInputs() < 5 || (ctx.numInputs() - 2) % 3 != 0)
    return ctx.error(
        "takes Y_scale, Y_zero_point and (X, X_scale, X_zero_point) triples, not {} "
        "inputs",
        ctx.numInputs());
  std::vector<size_t> data;
  for (size_t i = 2; i < ctx.numInputs(); i += 3) data.push_back(i);
  return inferConcatOf(ctx, data);
}

// [M, N] like Gemm (A input 0, B input 3, C input 6): the y zero point's
// type, uint8 with a y scale alone, float32 without a y scale.
Status inferQGemm(InferenceContext& ctx) {
  DType out = DType::Float32;
  if (ctx.hasInput(7)) out = ctx.hasInput(8) ? ctx.inputDType(8) : DType::UInt8;
  return inferGemmOf(ctx, 0, 3, 6, out);
}

OpSchemaBuilder unaryQLinear(OpRegistry& r, const char* op) {
  return r.add(op, kMicrosoftDomain)
      .since(1)
      .input("X")
      .input("X_scale")
      .optionalInput("X_zero_point")
      .input("Y_scale")
      .optionalInput("Y_zero_point")
      .output("Y")
      .traits(kQuantizable)
      .infer(inferSameAsInput0);
}

}  // namespace

void registerQLinearContribOps(OpRegistry& r) {
  for (const char* op : {"QLinearAdd", "QLinearMul"})
    r.add(op, kMicrosoftDomain)
        .since(1)
        .input("A")
        .input("A_scale")
        .optionalInput("A_zero_point")
        .input("B")
        .input("B_scale")
        .optionalInput("B_zero_point")
        .input("C_scale")
        .optionalInput("C_zero_point")
        .output("C")
        .traits(kQuantizable)
        .infer(inferQLinearBinary);
  r.add("QLinearGlobalAveragePool", kMicrosoftDomain)
      .since(1)
      .input("X")
      .input("x_scale")
      .input("x_zero_point")
      .input("y_scale")
      .input("y_zero_point")
      .output("Y")
      .attr("channels_last", int64_t{0})
      .range(0, 1)
      .traits(kQuantizable)
      .infer(inferQLinearGlobalPool);
  r.add("QLinearConcat", kMicrosoftDomain)
      .since(1)
      .input("Y_scale")
      .input("Y_zero_point")
      .variadicInput("inputs")
      .output("Y")
      .requiredAttr("axis", AttrKind::Int)
      .traits(kQuantizable)
      .infer(inferQLinearConcat);
  r.add("QGemm", kMicrosoftDomain)
      .since(1)
      .input("A")
      .input("a_scale")
      .input("a_zero_point")
      .input("B")
      .input("b_scale")
      .input("b_zero_point")
      .optionalInput("C")
      .optionalInput("y_scale")
      .optionalInput("y_zero_point")
      .output("Y")
      .attr("alpha", 1.0f)
      .attr("transA", int64_t{0})
      .attr("transB", int64_t{0})
      .traits(kQuantizable)
      .infer(inferQGemm);
  unaryQLinear(r, "QLinearSigmoid");
  unaryQLinear(r, "QLinearLeakyRelu").attr("alpha", 0.01f);
}

}  // namespace nnport
