// Rewiring that keeps graph output names.
#include "passes/rewire.h"

namespace nnport {

bool canBypass(const Value& from, const Value& to) {
  if (!from.isGraphOutput()) return true;
  return !to.isGraphInput() && !to.isConstant() && !to.isGraphOutput() && to.producer();
}

void bypass(Graph& g, Value* from, Value* to) {
  const bool output = from->isGraphOutput();
  const std::string name = from->name();
  g.replaceAllUsesWith(from, to);
  g.eraseNode(from->producer());
  if (!output) return;
  g.removeUnusedValues(/*keepInitializers=*/true);  // frees the output's name
  g.renameValue(to, name);
}

bool replaceWithConstant(Graph& g, Value* v, TensorPtr t) {
  if (v->isGraphOutput()) return false;
  const std::string name = v->name();
  Node* producer = v->producer();
  Value* c = g.addInitializer(g.uniqueName(name + "__folded"), std::move(t));
  g.replaceAllUsesWith(v, c);
  bool used = false;
  for (Value* out : producer->outputs())
    used = used || (out && (out->hasUses() || out->isGraphOutput()));
  if (!used) {
    g.eraseNode(producer);
    g.removeUnusedValues(/*keepInitializers=*/true);  // frees `name`
    g.renameValue(c, name);
  }
  return true;
}

}  // namespace nnport
