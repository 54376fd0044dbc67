// eliminate-identity: Identity nodes and inference-mode Dropout (no mask
// read, no training_mode other than a constant false) pass their input
// through, so their readers read the input directly.
#include "passes/pass.h"
#include "passes/rewire.h"

namespace nnport {

namespace {

// training_mode: absent, or a constant false.
bool inferenceDropout(const Node& n) {
  if (n.output(1) && n.output(1)->hasUses()) return false;
  if (n.output(1) && n.output(1)->isGraphOutput()) return false;
  const Value* mode = n.input(2);
  if (!mode) return true;
  return mode->isConstant() && mode->initializer()->numElements() == 1 &&
         mode->initializer()->intAt(0) == 0;
}

}  // namespace

Expected<PassResult> eliminateIdentity(Model& m) {
  PassResult res;
  Graph& g = m.graph;
  for (Node* n : g.nodes()) {
    const bool identity = isOp(*n, "Identity") || (isOp(*n, "Dropout") && inferenceDropout(*n));
    if (!identity || !n->input(0) || !n->output(0)) continue;
    if (!canBypass(*n->output(0), *n->input(0))) {
      res.notes.push_back(fmt::format(
          "{} kept: it joins a graph input or initializer to a graph output", n->describe()));
      continue;
    }
    bypass(g, n->output(0), n->input(0));
    ++res.changes;
  }
  return res;
}

}  // namespace nnport
