// dce: dead-code elimination (nodes no graph output depends on, then unused
// initializers).
#include "passes/dce.h"

#include <unordered_set>

#include "passes/pass.h"

namespace nnport {

size_t eliminateDeadCode(Model& m) {
  Graph& g = m.graph;
  std::unordered_set<const Value*> live(g.outputs().begin(), g.outputs().end());
  auto order = g.topologicalOrder();
  std::vector<Node*> nodes = order ? order.value() : g.nodes();
  size_t removed = 0;
  for (auto it = nodes.rbegin(); it != nodes.rend(); ++it) {
    Node* n = *it;
    bool used = false;
    for (Value* out : n->outputs())
      if (out && (out->hasUses() || live.count(out))) used = true;
    if (used) continue;
    g.eraseNode(n);
    ++removed;
  }
  g.removeUnusedValues(/*keepInitializers=*/false);
  return removed;
}

Expected<PassResult> eliminateDeadCodePass(Model& m) {
  PassResult res;
  res.changes = eliminateDeadCode(m);
  return res;
}

}  // namespace nnport
