// The rewrite driver of the local passes: a pass names the nodes it starts
// from (op types, or a trait of their op records) and gives one function
// that rewrites such a node through the graph's usual edits (addNode,
// eraseNode, bypass, replaceChain) or declines it. The driver walks the
// nodes the graph has when it starts, in insertion order, once; a node
// erased by an earlier rewrite is never visited (the graph tells the driver,
// GraphListener), nor is a node added during the walk (fixed points are the
// pass manager's `{...}` groups). A pass built on it is its pattern and its
// rewrite; no node loop, no erased-node bookkeeping.
//
//   Expected<PassResult> mergeTransposes(Model& m) {
//     return runRewrite(m, {{"Transpose"}, 0, rewriteTransposePair});
//   }
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "passes/pass.h"

namespace nnport {

// What a rewrite has besides the node: the model, and the notes of the pass
// (one line per refusal worth telling: "BN not fused: ...").
struct RewriteContext {
  Model& model;
  Graph& graph;
  std::vector<std::string>& notes;
  template <typename... Args>
  void note(fmt::format_string<Args...> f, Args&&... a) {
    notes.push_back(fmt::format(f, std::forward<Args>(a)...));
  }
};

struct Rewrite {
  // The nodes it starts from: these op types in the default domain, and
  // nodes whose op record has every trait in `traits` (0: none asked).
  std::vector<std::string> ops;
  uint32_t traits = 0;
  // Rewrites `n` and returns true (one change), or returns false and leaves
  // the graph as it was (a refusal adds its note first).
  std::function<bool(Node& n, RewriteContext& ctx)> apply;
  // Every node is a root, whatever its op or domain (apply decides).
  bool anyOp = false;
  // Walk in topological order (producers first; fails on a cycle) instead
  // of insertion order: for rewrites that build on what they saw before.
  bool topological = false;
};

// One walk of `r` over `m`'s graph; changes = the rewrites applied.
Expected<PassResult> runRewrite(Model& m, const Rewrite& r);

}  // namespace nnport
