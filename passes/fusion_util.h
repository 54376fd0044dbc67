// Shared steps of the fusion passes (fuse-bn, fuse-conv-mul-add,
// fuse-matmul-add, fuse-pad): reading constant weights in double, the BatchNormalization affine
// form and its refusals, ranks known without full shape inference, and replacing a chain of nodes
// by one node that keeps the chain's output value.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/shape_inference.h"  // knownRank

namespace nnport {

// A float32/float64 initializer.
bool isFloatConstant(const Value* v);
// The elements of a constant, widened to double.
std::vector<double> constantValues(const Value& v);

// A float32/float64 constant with every slice along dim 0 multiplied by
// scale[row], computed in double, stored in the source dtype without a
// double copy of the whole tensor (weights are the bulk of a model).
TensorPtr scaledRows(const Tensor& t, const std::vector<double>& scale);
// The same for the constant value `w`, as a value named `name` (made
// unique): `w` itself, updated in place and renamed, when `w` has one reader
// and nothing else shares its bytes (no 100 MB of new weights for a
// ResNet-50); otherwise a new initializer, `w` unchanged.
Value* scaleConstantRows(Graph& g, Value* w, const std::vector<double>& scale,
                         const std::string& name);

// `v` is read by exactly one operand and is not a graph output.
bool hasSoleReader(const Value& v);

// "it has the fused activation Relu" when `producer` carries an IR-level
// fused activation (ir/fused_activation.h): nothing that follows the
// producer can fold into it any more. Empty otherwise.
std::string fusedActivationRefusal(const Node& producer);

// An inference BatchNormalization as y = x * scale[c] + shift[c]:
// scale = gamma / sqrt(var + epsilon), shift = beta - mean * scale.
struct BnAffine {
  std::vector<double> scale, shift;
};
// Why `bn` cannot fold into a producer with `channels` output channels, or
// empty: training mode, used running statistics, non-constant or mis-sized
// parameters.
std::string bnRefusal(const Node& bn, int64_t channels);
BnAffine bnAffine(const Node& bn);  // requires an empty bnRefusal

// Why MatMul `mm` (B 2-D) cannot be read as [M, K] x [K, N] -> [M, N], or
// empty: A's rank is unknown (from A and from the MatMul's output) or not 2.
std::string matMulNot2d(const Node& mm);

// Erases `chain` (top-down; each node's first output read only by the next)
// and adds one `op` node reading `inputs` that produces the last node's
// first output value: same name, type and readers, graph output included.
Node* replaceChain(Graph& g, const std::vector<Node*>& chain, const std::string& op,
                   const std::vector<Value*>& inputs);

}  // namespace nnport
