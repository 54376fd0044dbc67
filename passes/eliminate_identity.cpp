// eliminate-identity: Identity nodes and inference-mode Dropout (no mask
// read, no training_mode other than a constant false) pass their input
// through, so their readers read the input directly.
#include "passes/pass.h"
#include "passes/rewire.h"
#include "passes/rewrite.h"

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

bool dropIdentity(Node& n, RewriteContext& ctx) {
  const bool identity = isOp(n, "Identity") || inferenceDropout(n);
  if (!identity || !n.input(0) || !n.output(0)) return false;
  if (!canBypass(*n.output(0), *n.input(0))) {
    ctx.note("{} kept: it joins a graph input or initializer to a graph output", n.describe());
    return false;
  }
  bypass(ctx.graph, n.output(0), n.input(0));
  return true;
}

}  // namespace

Expected<PassResult> eliminateIdentity(Model& m) {
  return runRewrite(m, {{"Identity", "Dropout"}, 0, dropIdentity});
}

}  // namespace nnport
