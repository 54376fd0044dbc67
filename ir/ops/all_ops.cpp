// The list of op families; each registers its ops from its own file.
#include "ir/ops/registry.h"

namespace nnport {

void registerElementwiseOps(OpRegistry& r);

void registerAllOps(OpRegistry& r) {
  registerElementwiseOps(r);
}

}  // namespace nnport
