// An activation fused into the node that produces its input, kept in the IR
// for the edge emitters: Conv + Relu becomes one Conv carrying
// `nnport.activation = "Relu"` (and `nnport.activation_params` when the
// activation has parameters). The interpreter applies it after the node's
// own math; the ONNX emitter writes it back as the standard nodes, so
// emitted ONNX stays portable.
#pragma once

#include <optional>
#include <string>

#include "ir/graph.h"

namespace nnport {

// op: Relu, LeakyRelu (alpha), Clip (alpha = min, beta = max), Sigmoid,
// Tanh, HardSigmoid (alpha, beta), HardSwish, Elu (alpha), or Swish
// (x * sigmoid(x)).
struct FusedActivation {
  std::string op;
  float alpha = 0.f, beta = 0.f;
};

inline constexpr const char* kFusedActivationAttr = "nnport.activation";
inline constexpr const char* kFusedActivationParamsAttr = "nnport.activation_params";

bool isFusableActivation(const std::string& op);
// Whether op reads alpha (and beta).
int fusedActivationParams(const std::string& op);

// The node's fused activation; an invalid one (unknown op, wrong parameter
// count) is an error naming the node.
Expected<std::optional<FusedActivation>> fusedActivation(const Node& n);
bool hasFusedActivation(const Node& n);
void setFusedActivation(Node& n, const FusedActivation& a);

}  // namespace nnport
