// Graph edits the converter applies on request: cutting the graph at given
// inputs/outputs (--inNodeName/--dstNodeName) and pinning input shapes
// (--inputShape).
#pragma once

#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/input_shape_spec.h"

namespace nnport {

// Makes the named values (or the first output of the named nodes) the graph
// outputs, then removes what no longer contributes to them.
Status cutAtOutputs(Model& m, const std::vector<std::string>& names);
// Makes the named values the graph inputs; whatever only fed them goes.
Status cutAtInputs(Model& m, const std::vector<std::string>& names);

// "name:1,3,224,224" or "1,3,224,224" (MMdnn spelling, for a single input).
Expected<InputShapeSpec> parseInputShape(const std::string& text);
// Fixes the declared dims of graph inputs; checks rank and static dims.
Status pinInputShapes(Model& m, const std::vector<InputShapeSpec>& specs);

}  // namespace nnport
