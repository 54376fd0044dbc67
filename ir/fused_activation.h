// An activation fused into the node that produces its input, kept in the IR
// for the edge emitters: Conv + Relu becomes one Conv carrying
// `nnport.activation = "Relu"` (and `nnport.activation_params` when the
// activation has parameters). The interpreter applies it after the node's
// own math; the ONNX emitter writes it back as the standard nodes, so
// emitted ONNX stays portable.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace nnport {

// op: an activation whose op record is marked fusable
// (OpSchemaBuilder::fusableActivation: Relu, LeakyRelu, Clip, Sigmoid,
// Tanh, HardSigmoid, HardSwish, Elu), its parameters in the record's order
// in alpha and beta (Clip: min, max); or Swish (x * sigmoid(x)), a pattern
// of two ops with no record.
struct FusedActivation {
  std::string op;
  float alpha = 0.f, beta = 0.f;
};

inline constexpr const char* kFusedActivationAttr = "nnport.activation";
inline constexpr const char* kFusedActivationParamsAttr = "nnport.activation_params";

inline constexpr const char* kSwishActivation = "Swish";

bool isFusableActivation(const std::string& op);
// The parameters op's fused form carries (its record's names), and how many.
const std::vector<std::string>& fusedActivationParamNames(const std::string& op);
int fusedActivationParams(const std::string& op);

// The node's fused activation; an invalid one (unknown op, wrong parameter
// count) is an error naming the node.
Expected<std::optional<FusedActivation>> fusedActivation(const Node& n);
bool hasFusedActivation(const Node& n);
void setFusedActivation(Node& n, const FusedActivation& a);

}  // namespace nnport
