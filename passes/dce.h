// Dead-code elimination, the function behind the dce pass and graph cutting.
#pragma once

#include <cstddef>

#include "ir/graph.h"

namespace nnport {

// Removes nodes whose results nothing reads and that are not graph outputs,
// then initializers nothing reads. Returns the number of nodes removed.
size_t eliminateDeadCode(Model& m);

}  // namespace nnport
