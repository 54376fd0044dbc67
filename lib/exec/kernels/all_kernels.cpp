// The list of kernel families; each registers its kernels from its own file.
#include "lib/exec/kernel.h"

namespace nnport::exec {

void registerBinaryKernels(KernelRegistry& r);
void registerUnaryKernels(KernelRegistry& r);
void registerShapeKernels(KernelRegistry& r);

void registerAllKernels(KernelRegistry& r) {
  registerBinaryKernels(r);
  registerUnaryKernels(r);
  registerShapeKernels(r);
}

}  // namespace nnport::exec
