// Shared rewiring step of the elimination and fusion passes: make every
// reader of `from` read `to` instead and drop `from`'s producer, keeping the
// graph's interface: when `from` is a graph output, `to` takes its name.
#pragma once

#include "ir/graph.h"

namespace nnport {

// A default-domain ONNX op of this type.
inline bool isOp(const Node& n, const char* op) {
  return n.opType() == op && (n.domain().empty() || n.domain() == "ai.onnx");
}

// False (and nothing changed) when the interface cannot be kept: `from` is a
// graph output and `to` is a graph input, an initializer or another output.
bool canBypass(const Value& from, const Value& to);

// Requires canBypass. Erases `from`'s producer, which must have no other
// used outputs.
void bypass(Graph& g, Value* from, Value* to);

// Replaces the node output `v` by an initializer holding `t` under the same
// name; the producer is erased once none of its outputs is read. False when
// `v` is a graph output (the output would become an initializer).
bool replaceWithConstant(Graph& g, Value* v, TensorPtr t);

}  // namespace nnport
