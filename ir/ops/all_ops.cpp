// The list of op families; each registers its ops from its own file.
#include "ir/ops/registry.h"

namespace nnport {

void registerElementwiseOps(OpRegistry& r);
void registerActivationOps(OpRegistry& r);
void registerConvOps(OpRegistry& r);
void registerPoolOps(OpRegistry& r);
void registerNormalizationOps(OpRegistry& r);
void registerMatMulOps(OpRegistry& r);
void registerQuantOps(OpRegistry& r);
void registerQLinearContribOps(OpRegistry& r);
void registerReduceOps(OpRegistry& r);
void registerReshapeOps(OpRegistry& r);
void registerShapeOps(OpRegistry& r);
void registerConstantOps(OpRegistry& r);
void registerDataMovementOps(OpRegistry& r);
void registerConcatOps(OpRegistry& r);
void registerGatherScatterOps(OpRegistry& r);
void registerResizeOps(OpRegistry& r);
void registerMiscOps(OpRegistry& r);

void registerAllOps(OpRegistry& r) {
  registerElementwiseOps(r);
  registerActivationOps(r);
  registerConvOps(r);
  registerPoolOps(r);
  registerNormalizationOps(r);
  registerMatMulOps(r);
  registerQuantOps(r);
  registerQLinearContribOps(r);
  registerReduceOps(r);
  registerReshapeOps(r);
  registerShapeOps(r);
  registerConstantOps(r);
  registerDataMovementOps(r);
  registerConcatOps(r);
  registerGatherScatterOps(r);
  registerResizeOps(r);
  registerMiscOps(r);
}

}  // namespace nnport
