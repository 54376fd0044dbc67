// Writing an IR-level fused activation (ir/fused_activation.h) back as the
// standard ONNX nodes after its producer, so emitted ONNX stays portable:
// Conv{nnport.activation=Relu} -> y becomes Conv -> y_preact, Relu -> y.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <unordered_set>

#include "ir/fused_activation.h"
#include "ir/graph.h"

namespace nnport::onnxproto {

// Fresh value names that clash neither with the graph's nor with each other.
class ExportNames {
 public:
  explicit ExportNames(const Graph& g) : g_(g) {}
  std::string fresh(const std::string& base);

 private:
  const Graph& g_;
  std::unordered_set<std::string> used_;
};

// Appends to `gp` the nodes (and scalar initializers: Clip bounds) that
// compute `out` = activation(`in`) at the default-domain `opset`.
void exportActivation(const FusedActivation& a, const std::string& in, const std::string& out,
                      const std::string& nodeName, int64_t opset, onnx::GraphProto* gp,
                      ExportNames& names);

}  // namespace nnport::onnxproto
