// Elementwise layers: ReLU (LeakyRelu with negative_slope), PReLU, Sigmoid,
// TanH, ELU, AbsVal, BNLL, Power, and the inference identities Dropout and
// Split (one Identity per top, so every top keeps its name).
#include "parsers/caffe/caffe_builder.h"

namespace nnport::caffe {
namespace {

Status buildReLU(LayerContext& ctx) {
  const float slope = ctx.layer.relu_param().negative_slope();
  if (slope == 0.f) return ctx.result("Relu", ctx.bottoms).status();
  return ctx.result("LeakyRelu", ctx.bottoms, {Attribute::ofFloat("alpha", slope)}).status();
}

// blob 0: one slope per channel (axis 1), or one for all with channel_shared.
Status buildPReLU(LayerContext& ctx) {
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> in, ctx.dims(ctx.bottoms[0]));
  std::vector<int64_t> dims = {1};
  if (!ctx.layer.prelu_param().channel_shared()) {
    if (in.size() < 2) return Status::invalid("{}: input rank {} < 2", ctx.where(), in.size());
    dims.assign(in.size() - 1, 1);
    dims[0] = in[1];
  }
  NNP_ASSIGN_OR_RETURN(TensorPtr slope, ctx.blob(0, dims, "slopes"));
  return ctx.result("PRelu", {ctx.bottoms[0], ctx.net.constant(ctx.name("slope"), slope)}).status();
}

Status buildSigmoid(LayerContext& ctx) {
  return ctx.result("Sigmoid", ctx.bottoms).status();
}
Status buildTanH(LayerContext& ctx) {
  return ctx.result("Tanh", ctx.bottoms).status();
}
Status buildAbsVal(LayerContext& ctx) {
  return ctx.result("Abs", ctx.bottoms).status();
}
Status buildBNLL(LayerContext& ctx) {
  return ctx.result("Softplus", ctx.bottoms).status();
}

Status buildELU(LayerContext& ctx) {
  return ctx
      .result("Elu", ctx.bottoms, {Attribute::ofFloat("alpha", ctx.layer.elu_param().alpha())})
      .status();
}

// y = (shift + scale * x) ^ power, each step only when it is not the identity.
Status buildPower(LayerContext& ctx) {
  const auto& p = ctx.layer.power_param();
  Value* x = ctx.bottoms[0];
  auto scalar = [&](const char* part, float v) { return ctx.net.floats(ctx.name(part), {}, {v}); };
  if (p.scale() != 1.f) {
    NNP_ASSIGN_OR_RETURN(x, ctx.helper("Mul", "scale", {x, scalar("scale_value", p.scale())}));
  }
  if (p.shift() != 0.f) {
    NNP_ASSIGN_OR_RETURN(x, ctx.helper("Add", "shift", {x, scalar("shift_value", p.shift())}));
  }
  if (p.power() != 1.f) return ctx.result("Pow", {x, scalar("power_value", p.power())}).status();
  return ctx.result("Identity", {x}).status();
}

Status buildIdentities(LayerContext& ctx) {
  for (int i = 0; i < ctx.layer.top_size(); ++i) {
    NNP_RETURN_IF_ERROR(ctx.asTop(ctx.bottoms[0], static_cast<size_t>(i)).status());
  }
  return Status::ok();
}

}  // namespace

std::vector<LayerKind> activationLayerKinds() {
  return {{"ReLU", buildReLU, 1},       {"PReLU", buildPReLU, 1}, {"Sigmoid", buildSigmoid, 1},
          {"TanH", buildTanH, 1},       {"ELU", buildELU, 1},     {"AbsVal", buildAbsVal, 1},
          {"BNLL", buildBNLL, 1},       {"Power", buildPower, 1}, {"Dropout", buildIdentities, 1},
          {"Split", buildIdentities, 1}};
}

}  // namespace nnport::caffe
