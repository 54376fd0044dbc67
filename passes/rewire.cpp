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

}  // namespace nnport
