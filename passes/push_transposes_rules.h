// The commuting rules of push-transposes (internal to it): which readers a
// Transpose can move below (those whose op record has a transpose rule), and
// R', the reader rewritten for the Transpose's input layout, planned before
// anything in the graph changes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/ops/registry.h"
#include "ir/permutation.h"

namespace nnport::pushtransposes {

// The family of a reader is its op record's transpose rule (ir/ops/registry.h).
using Reader = TransposeRule;

// The family of a reader that may take a Transpose (ONNX domain), or nullopt.
std::optional<Reader> readerKind(const Node& n);

// A subgraph (a node's capture) reads `v`.
bool readBySubgraph(const Value& v);

// R' before it exists: its operands (a new constant is made only once the
// push is sure) and attributes, and the Transposes it absorbs.
struct Operand {
  Value* value = nullptr;
  TensorPtr data;  // when set, a new constant named after `value`
};
struct Plan {
  std::vector<Operand> operands;
  AttributeMap attrs;
  std::vector<Node*> transposes;
  // The perm of the Transpose after R' when R drops axes (Squeeze,
  // keepdims=0), else unset: the pushed Transpose's own perm. An identity
  // means no Transpose after R' at all.
  std::optional<Perm> outPerm;
};

// Plans R' for `r`, of family `kind`, reading a Transpose by p: why R cannot
// take the Transpose, or empty (then *plan is R').
std::string planPush(const Node& r, Reader kind, const Perm& p, int64_t opset, Plan* plan);

}  // namespace nnport::pushtransposes
