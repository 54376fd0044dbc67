// Darknet activations (the `activation=` option of convolutional, connected,
// shortcut and activation layers) as IR ops, one small builder each.
#include <unordered_map>

#include "parsers/darknet/darknet_builder.h"

namespace nnport::darknet {
namespace {

using ActivationBuilder = Value* (*)(LayerContext&, Value*, const LayerResult&);

Value* linear(LayerContext&, Value* x, const LayerResult&) {
  return x;
}

Value* leaky(LayerContext& c, Value* x, const LayerResult& s) {
  return c.net.node4("LeakyRelu", {x}, c.name("leaky"), s, {Attribute::ofFloat("alpha", 0.1f)});
}

Value* relu(LayerContext& c, Value* x, const LayerResult& s) {
  return c.net.node4("Relu", {x}, c.name("relu"), s);
}

Value* logistic(LayerContext& c, Value* x, const LayerResult& s) {
  return c.net.node4("Sigmoid", {x}, c.name("logistic"), s);
}

Value* hyperbolicTangent(LayerContext& c, Value* x, const LayerResult& s) {
  return c.net.node4("Tanh", {x}, c.name("tanh"), s);
}

Value* elu(LayerContext& c, Value* x, const LayerResult& s) {
  return c.net.node4("Elu", {x}, c.name("elu"), s, {Attribute::ofFloat("alpha", 1.f)});
}

// mish(x) = x * tanh(softplus(x))
Value* mish(LayerContext& c, Value* x, const LayerResult& s) {
  Value* sp = c.net.node4("Softplus", {x}, c.name("mish_softplus"), s);
  Value* t = c.net.node4("Tanh", {sp}, c.name("mish_tanh"), s);
  return c.net.node4("Mul", {x, t}, c.name("mish"), s);
}

// swish(x) = x * logistic(x)
Value* swish(LayerContext& c, Value* x, const LayerResult& s) {
  Value* sig = c.net.node4("Sigmoid", {x}, c.name("swish_logistic"), s);
  return c.net.node4("Mul", {x, sig}, c.name("swish"), s);
}

const std::unordered_map<std::string, ActivationBuilder>& activations() {
  static const std::unordered_map<std::string, ActivationBuilder> table = {
      {"linear", linear},          {"leaky", leaky}, {"relu", relu}, {"logistic", logistic},
      {"tanh", hyperbolicTangent}, {"elu", elu},     {"mish", mish}, {"swish", swish},
  };
  return table;
}

}  // namespace

Expected<Value*> applyActivation(LayerContext& ctx, Value* x, const LayerResult& shape,
                                 const std::string& activation) {
  auto it = activations().find(activation);
  if (it == activations().end())
    return Status::unsupported(
        "{}: activation '{}' is not supported (supported: linear, leaky, "
        "relu, logistic, tanh, elu, mish, swish)",
        ctx.section.where(), activation);
  return it->second(ctx, x, shape);
}

}  // namespace nnport::darknet
