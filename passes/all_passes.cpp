// The registrations of the passes listed in passes/passes.def.
#include "passes/pass.h"

namespace nnport {

#define NNPORT_PASS(name, function, description) Expected<PassResult> function(Model& m);
#include "passes/passes.def"
#undef NNPORT_PASS

void registerAllPasses(PassRegistry& r) {
#define NNPORT_PASS(name, function, description) r.add({name, description, function});
#include "passes/passes.def"
#undef NNPORT_PASS
}

}  // namespace nnport
