// The oneDNN kernel set: one registration per family file.
#include "exec/kernel.h"

namespace nnport::exec {
namespace fast {
void registerFastConvKernels(KernelRegistry& r);
void registerFastPoolKernels(KernelRegistry& r);
void registerFastMatMulKernels(KernelRegistry& r);
void registerFastEltwiseKernels(KernelRegistry& r);
}  // namespace fast

void registerFastKernels(KernelRegistry& r) {
  fast::registerFastConvKernels(r);
  fast::registerFastPoolKernels(r);
  fast::registerFastMatMulKernels(r);
  fast::registerFastEltwiseKernels(r);
}

}  // namespace nnport::exec
