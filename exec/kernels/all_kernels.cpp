// The list of kernel families; each registers its kernels from its own file.
#include "exec/kernel.h"

namespace nnport::exec {

void registerBinaryKernels(KernelRegistry& r);
void registerUnaryKernels(KernelRegistry& r);
void registerShapeKernels(KernelRegistry& r);
void registerConvKernels(KernelRegistry& r);
void registerPoolKernels(KernelRegistry& r);
void registerMatMulKernels(KernelRegistry& r);
void registerNormalizationKernels(KernelRegistry& r);
void registerSoftmaxKernels(KernelRegistry& r);
void registerReduceKernels(KernelRegistry& r);
void registerGatherKernels(KernelRegistry& r);
void registerSliceKernels(KernelRegistry& r);
void registerCastKernels(KernelRegistry& r);
void registerQuantKernels(KernelRegistry& r);
void registerQLinearKernels(KernelRegistry& r);
void registerQLinearContribKernels(KernelRegistry& r);
void registerResizeKernels(KernelRegistry& r);
void registerEinsumKernels(KernelRegistry& r);
void registerTopKKernels(KernelRegistry& r);

void registerAllKernels(KernelRegistry& r) {
  registerBinaryKernels(r);
  registerUnaryKernels(r);
  registerShapeKernels(r);
  registerConvKernels(r);
  registerPoolKernels(r);
  registerMatMulKernels(r);
  registerNormalizationKernels(r);
  registerSoftmaxKernels(r);
  registerReduceKernels(r);
  registerGatherKernels(r);
  registerSliceKernels(r);
  registerCastKernels(r);
  registerQuantKernels(r);
  registerQLinearKernels(r);
  registerQLinearContribKernels(r);
  registerResizeKernels(r);
  registerEinsumKernels(r);
  registerTopKKernels(r);
}

}  // namespace nnport::exec
