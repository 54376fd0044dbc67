// The graph inputs of a GraphDef: its Placeholders (and the nodes named by
// --inNodeName) with their types, from the Placeholder's dtype and shape
// attrs and --inputShape. An unknown first dim becomes the symbol "N"; any
// other unknown dim, or an unknown rank, needs --inputShape.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "parsers/registry.h"
#include "parsers/tensorflow/tf_graph_subset.pb.h"

namespace nnport::tf {

struct InputPlan {
  std::unordered_map<std::string, TensorType> shapes;  // by node name
};

Expected<InputPlan> planInputs(const std::vector<tfpb::NodeDef*>& order, const ParseRequest& req,
                               const std::string& file);

}  // namespace nnport::tf
