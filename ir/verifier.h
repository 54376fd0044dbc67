// The IR verifier: structural invariants (use lists, producers, dangling
// references, cycles), schema conformance (arity, attribute kinds) and
// type/shape consistency with the registry's inference. Passes and tests call
// it; the pass manager runs it with --verify-each.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "ir/graph.h"

namespace nnport {

struct VerifyOptions {
  bool checkSchemas = true;    // arity, attribute kinds and ranges of known ops
  bool checkTypes = true;      // recorded types agree with inference
  bool checkInference = true;  // each node's inference accepts the types reaching it
};

// Returns the first problem found, naming the node and op.
Status verifyGraph(const Graph& g, const std::unordered_map<std::string, int64_t>& opsets,
                   const VerifyOptions& opts = {});
inline Status verifyModel(const Model& m, const VerifyOptions& opts = {}) {
  return verifyGraph(m.graph, m.opsetMap(), opts);
}

// What every entry point checks of a model before using it: all but the
// recorded-type agreement (exporters write stale value_info that runtimes
// ignore). Types reaching a node come from inference upstream, falling back
// to the recorded ones where an op has none.
inline Status validateModel(const Model& m) {
  VerifyOptions o;
  o.checkTypes = false;
  return verifyModel(m, o);
}

}  // namespace nnport
