// The list of passes; each registers itself from its own file.
#include "passes/pass.h"

namespace nnport {

void registerDcePass(PassRegistry& r);
void registerEliminateIdentityPass(PassRegistry& r);
void registerFuseConvBnPass(PassRegistry& r);
void registerFoldConstantsPass(PassRegistry& r);
void registerFoldShapesPass(PassRegistry& r);
void registerEliminateNoopPass(PassRegistry& r);
void registerCsePass(PassRegistry& r);
void registerDedupInitializersPass(PassRegistry& r);
void registerFuseBnPass(PassRegistry& r);
void registerFuseConvMulAddPass(PassRegistry& r);
void registerFuseMatMulAddPass(PassRegistry& r);
void registerFusePadPass(PassRegistry& r);
void registerMergeTransposesPass(PassRegistry& r);
void registerPushTransposesPass(PassRegistry& r);
void registerMergeReshapesPass(PassRegistry& r);
void registerMergeSlicesPass(PassRegistry& r);
void registerFuseActivationsPass(PassRegistry& r);

void registerAllPasses(PassRegistry& r) {
  registerDcePass(r);
  registerEliminateIdentityPass(r);
  registerFuseConvBnPass(r);
  registerFoldConstantsPass(r);
  registerFoldShapesPass(r);
  registerEliminateNoopPass(r);
  registerCsePass(r);
  registerDedupInitializersPass(r);
  registerFuseBnPass(r);
  registerFuseConvMulAddPass(r);
  registerFuseMatMulAddPass(r);
  registerFusePadPass(r);
  registerPushTransposesPass(r);
  registerMergeTransposesPass(r);
  registerMergeReshapesPass(r);
  registerMergeSlicesPass(r);
  registerFuseActivationsPass(r);
}

}  // namespace nnport
