// Elementwise ops, layout-free: activations (Relu6 -> Clip(0, 6), LeakyRelu
// with its alpha), the broadcasting binary ops and Softmax (last axis, as
// opset 13's Softmax).
#include <map>

#include "parsers/tensorflow/tf_builder.h"

namespace nnport::tf {
namespace {

const std::map<std::string, std::string>& unaryOps() {
  static const std::map<std::string, std::string> t = {
      {"Relu", "Relu"}, {"Sigmoid", "Sigmoid"}, {"Tanh", "Tanh"}, {"Elu", "Elu"},
      {"Exp", "Exp"},   {"Neg", "Neg"},         {"Sqrt", "Sqrt"}, {"Abs", "Abs"}};
  return t;
}

const std::map<std::string, std::string>& binaryOps() {
  static const std::map<std::string, std::string> t = {
      {"Add", "Add"},     {"AddV2", "Add"},   {"Sub", "Sub"},    {"Mul", "Mul"},
      {"RealDiv", "Div"}, {"Maximum", "Max"}, {"Minimum", "Min"}};
  return t;
}

Expected<Outputs> unary(NodeContext& ctx) {
  NNP_ASSIGN_OR_RETURN(Value * x, ctx.in(0));
  NNP_ASSIGN_OR_RETURN(Value * y,
                       ctx.b.op(unaryOps().at(ctx.def.op()), {x}, ctx.name(ctx.def.op())));
  return Outputs{y};
}

Expected<Outputs> binary(NodeContext& ctx) {
  NNP_ASSIGN_OR_RETURN(Value * a, ctx.in(0));
  NNP_ASSIGN_OR_RETURN(Value * b, ctx.in(1));
  NNP_ASSIGN_OR_RETURN(Value * y,
                       ctx.b.op(binaryOps().at(ctx.def.op()), {a, b}, ctx.name(ctx.def.op())));
  return Outputs{y};
}

Expected<Outputs> relu6(NodeContext& ctx) {
  NNP_ASSIGN_OR_RETURN(Value * x, ctx.in(0));
  if (x->type.dtype != DType::Float32)
    return ctx.unsupported("Relu6 on {} data", dtypeName(x->type.dtype));
  NNP_ASSIGN_OR_RETURN(Value * y, ctx.b.op("Clip",
                                           {x, ctx.b.scalarFloat(ctx.name("min"), 0.f),
                                            ctx.b.scalarFloat(ctx.name("max"), 6.f)},
                                           ctx.name("Clip")));
  return Outputs{y};
}

Expected<Outputs> leakyRelu(NodeContext& ctx) {
  NNP_ASSIGN_OR_RETURN(Value * x, ctx.in(0));
  NNP_ASSIGN_OR_RETURN(Value * y,
                       ctx.b.op("LeakyRelu", {x}, ctx.name("LeakyRelu"),
                                {Attribute::ofFloat("alpha", ctx.attrFloat("alpha", 0.2f))}));
  return Outputs{y};
}

Expected<Outputs> softmax(NodeContext& ctx) {
  NNP_ASSIGN_OR_RETURN(Value * x, ctx.in(0));
  NNP_ASSIGN_OR_RETURN(
      Value * y, ctx.b.op("Softmax", {x}, ctx.name("Softmax"), {Attribute::ofInt("axis", -1)}));
  return Outputs{y};
}

}  // namespace

std::vector<OpKind> elementwiseOpKinds() {
  std::vector<OpKind> t = {{"Relu6", relu6}, {"LeakyRelu", leakyRelu}, {"Softmax", softmax}};
  for (const auto& [tfOp, onnxOp] : unaryOps()) t.push_back({tfOp.c_str(), unary});
  for (const auto& [tfOp, onnxOp] : binaryOps()) t.push_back({tfOp.c_str(), binary});
  return t;
}

}  // namespace nnport::tf
