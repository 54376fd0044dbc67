// The list of passes; each registers itself from its own file.
#include "passes/pass.h"

namespace nnport {

void registerDcePass(PassRegistry& r);
void registerEliminateIdentityPass(PassRegistry& r);
void registerFuseConvBnPass(PassRegistry& r);
void registerFoldConstantsPass(PassRegistry& r);
void registerFoldShapesPass(PassRegistry& r);

void registerAllPasses(PassRegistry& r) {
  registerDcePass(r);
  registerEliminateIdentityPass(r);
  registerFuseConvBnPass(r);
  registerFoldConstantsPass(r);
  registerFoldShapesPass(r);
}

}  // namespace nnport
