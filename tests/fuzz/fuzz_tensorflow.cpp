// libFuzzer harness: arbitrary bytes as a TensorFlow frozen GraphDef. The
// parser picks the graph's inputs (its Placeholders) and outputs (the nodes
// nothing reads) itself, as `nnport convert -sf tensorflow` without
// --inNodeName/--dstNodeName does; a Placeholder whose declared shape has
// unknown dims is pinned with every unknown dim 2, as --inputShape would,
// so such graphs reach the converters too. Parses in memory, then takes
// the model through what convert does with any model. Nothing touches the
// disk.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lib/pipeline.h"
#include "parsers/tensorflow/tf_graph_subset.pb.h"
#include "parsers/tensorflow/tf_parser.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

// --inputShape for each Placeholder of known rank with an unknown dim.
std::vector<nnport::InputShapeSpec> pinnedShapes(const uint8_t* data, size_t size) {
  std::vector<nnport::InputShapeSpec> specs;
  nnport::tfpb::GraphDef g;
  if (size > INT32_MAX || !g.ParseFromArray(data, static_cast<int>(size))) return specs;
  for (const auto& n : g.node()) {
    auto it = n.attr().find("shape");
    if (n.op() != "Placeholder" || it == n.attr().end() || !it->second.has_shape()) continue;
    const auto& s = it->second.shape();
    if (s.unknown_rank() || s.dim_size() > 8) continue;
    nnport::InputShapeSpec spec{n.name(), {}};
    bool unknown = false;
    for (const auto& d : s.dim()) {
      unknown |= d.size() < 0;
      spec.dims.push_back(d.size() < 0 ? 2 : d.size());
    }
    if (unknown) specs.push_back(std::move(spec));
  }
  return specs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nnport;
  fuzz::capMemory();
  ParseRequest req;
  req.inputShapes = pinnedShapes(data, size);
  auto model = tf::parseTensorflowFromMemory(data, size, req, "fuzz.pb");
  if (model) {
    const Parser* p = ParserRegistry::instance().find("tensorflow");
    Status s = finishImport(*model.value(), *p, "fuzz.pb");
    if (!s.isOk()) {
      fuzz::trapOnInternal(s);
      return 0;
    }
  }
  fuzz::afterParse(model);
  return 0;
}
