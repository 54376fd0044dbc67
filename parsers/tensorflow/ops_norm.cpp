// FusedBatchNorm / V2 / V3 in inference mode (-> NCHW BatchNormalization
// between Transposes) and BiasAdd (-> Add of the [C] bias, which broadcasts
// over the last axis of NHWC data as it should; the layout passes move
// Transposes through it).
#include "parsers/tensorflow/tf_builder.h"

namespace nnport::tf {
namespace {

// Only output 0 (y) exists in inference; the batch statistics outputs are
// left empty, so a reader of them fails naming the output.
Expected<Outputs> fusedBatchNorm(NodeContext& ctx) {
  NNP_RETURN_IF_ERROR(ctx.requireNhwc());
  if (ctx.attrBool("is_training", true))
    return ctx.unsupported(
        "is_training=true (training-mode batch statistics); freeze the graph "
        "for inference");
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> in, ctx.staticDims(0, 4));
  std::vector<Value*> params;
  for (size_t i = 1; i <= 4; ++i) {
    NNP_ASSIGN_OR_RETURN(Value * p, ctx.in(i));
    params.push_back(p);
  }
  NNP_ASSIGN_OR_RETURN(Value * xc, ctx.b.transpose(ctx.inputs[0], kToNchw, ctx.name("to_nchw")));
  params.insert(params.begin(), xc);
  NNP_ASSIGN_OR_RETURN(Value * y,
                       ctx.b.op("BatchNormalization", params, ctx.name("bn"),
                                {Attribute::ofFloat("epsilon", ctx.attrFloat("epsilon", 1e-4f))}));
  NNP_ASSIGN_OR_RETURN(Value * out, ctx.b.transpose(y, kToNhwc, ctx.name("to_nhwc")));
  return Outputs{out};
}

Expected<Outputs> biasAdd(NodeContext& ctx) {
  NNP_RETURN_IF_ERROR(ctx.requireNhwc());
  NNP_ASSIGN_OR_RETURN(Value * x, ctx.in(0));
  NNP_ASSIGN_OR_RETURN(Value * bias, ctx.in(1));
  if (bias->type.shape.rankKnown() && bias->type.shape.rank() != 1)
    return ctx.invalid("the bias '{}' has shape {}, not [C]", bias->name(), bias->type.shape.str());
  NNP_ASSIGN_OR_RETURN(Value * y, ctx.b.op("Add", {x, bias}, ctx.name("Add")));
  return Outputs{y};
}

}  // namespace

std::vector<OpKind> normOpKinds() {
  return {{"FusedBatchNorm", fusedBatchNorm},
          {"FusedBatchNormV2", fusedBatchNorm},
          {"FusedBatchNormV3", fusedBatchNorm},
          {"BiasAdd", biasAdd},
          {"BiasAddV1", biasAdd}};
}

}  // namespace nnport::tf
