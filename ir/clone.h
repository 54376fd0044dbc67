// A deep copy of a model: its own graph, values and nodes, with the same
// names; constant data is shared (tensors are immutable). For comparing a
// rewritten model with the one it came from.
#pragma once

#include <memory>

#include "ir/graph.h"

namespace nnport {

Expected<std::unique_ptr<Model>> cloneModel(const Model& m);

}  // namespace nnport
