// dce: dead-code elimination (nodes no graph output depends on, then unused
// initializers), as passes/graph_edit.h defines it.
#include "passes/graph_edit.h"
#include "passes/pass.h"

namespace nnport {

void registerDcePass(PassRegistry& r) {
  r.add({"dce", "remove nodes and initializers no graph output depends on", [](Model& m) -> Expected<PassResult> {
           PassResult res;
           res.changes = eliminateDeadCode(m);
           return res;
         }});
}

}  // namespace nnport
