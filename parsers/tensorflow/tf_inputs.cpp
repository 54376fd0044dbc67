// Graph inputs: which nodes, and their types (see tf_inputs.h).
#include "parsers/tensorflow/tf_inputs.h"

#include <algorithm>

#include "ir/ops/infer_util.h"
#include "parsers/tensorflow/tf_builder.h"
#include "support/checked_math.h"

namespace nnport::tf {
namespace {

bool isInputNode(const tfpb::NodeDef& n, const ParseRequest& req) {
  return n.op() == "Placeholder" ||
         std::find(req.inputs.begin(), req.inputs.end(), n.name()) != req.inputs.end();
}

// The dims the node declares: nullopt for an unknown rank, -1 for unknown dims.
std::optional<std::vector<int64_t>> declaredDims(const tfpb::NodeDef& n) {
  for (const char* key : {"shape", "_output_shapes"}) {
    auto it = n.attr().find(key);
    if (it == n.attr().end()) continue;
    const tfpb::TensorShapeProto* s = nullptr;
    if (it->second.has_shape())
      s = &it->second.shape();
    else if (it->second.has_list() && it->second.list().shape_size() > 0)
      s = &it->second.list().shape(0);
    if (!s || s->unknown_rank()) return std::nullopt;
    std::vector<int64_t> dims;
    for (const auto& d : s->dim()) dims.push_back(d.size() < 0 ? -1 : d.size());
    return dims;
  }
  return std::nullopt;
}

DType declaredDType(const tfpb::NodeDef& n) {
  for (const char* key : {"dtype", "T"}) {
    auto it = n.attr().find(key);
    if (it == n.attr().end()) continue;
    auto d = dtypeFromTf(it->second.type());
    if (d) return *d;
  }
  return DType::Float32;
}

std::string dimsText(const std::optional<std::vector<int64_t>>& d) {
  if (!d) return "unknown rank";
  std::string s;
  for (int64_t x : *d) s += (s.empty() ? "" : ",") + (x < 0 ? std::string("?") : std::to_string(x));
  return "[" + s + "]";
}

Expected<Shape> shapeOf(const tfpb::NodeDef& n, const InputShapeSpec* spec,
                        const std::string& file) {
  const auto declared = declaredDims(n);
  std::vector<Dim> dims;
  if (spec) {
    if (declared && declared->size() != spec->dims.size())
      return Status::usage("{}: --inputShape for '{}' has rank {}, the Placeholder's shape is {}",
                           file, n.name(), spec->dims.size(), dimsText(declared));
    for (size_t i = 0; i < spec->dims.size(); ++i) {
      if (declared && (*declared)[i] >= 0 && (*declared)[i] != spec->dims[i] && i > 0)
        return Status::usage("{}: --inputShape for '{}' gives dim {} = {}, the Placeholder has {}",
                             file, n.name(), i, spec->dims[i], (*declared)[i]);
      dims.emplace_back(spec->dims[i]);
    }
    return Shape(dims);
  }
  const bool unknown = !declared || std::any_of(declared->begin() + (declared->empty() ? 0 : 1),
                                                declared->end(), [](int64_t d) { return d < 0; });
  if (unknown)
    return Status::usage("{}: input '{}' has shape {}; give its dims with --inputShape {}:...",
                         file, n.name(), dimsText(declared), n.name());
  for (size_t i = 0; i < declared->size(); ++i)
    dims.push_back((*declared)[i] < 0 ? Dim::symbolic("N") : Dim((*declared)[i]));
  return Shape(dims);
}

// Every later size computation starts from the inputs' sizes: a shape
// whose element count (the batch taken as 1) overflows is refused here.
Status checkCountable(const tfpb::NodeDef& n, const Shape& s, const std::string& file) {
  if (static_cast<int64_t>(s.rank()) > kMaxRank)
    return Status::invalid("{}: input '{}' has rank {}", file, n.name(), s.rank());
  const int64_t count = s.numElementsAssumingOne();
  if (count == INT64_MAX || !checkedBytes(count, 64))
    return Status::invalid("{}: input '{}' has shape {}, more elements than nnport can address",
                           file, n.name(), s.str());
  return Status::ok();
}

}  // namespace

Expected<InputPlan> planInputs(const std::vector<tfpb::NodeDef*>& order, const ParseRequest& req,
                               const std::string& file) {
  std::vector<const tfpb::NodeDef*> inputs;
  for (const tfpb::NodeDef* n : order)
    if (isInputNode(*n, req)) inputs.push_back(n);
  for (const InputShapeSpec& s : req.inputShapes) {
    if (s.name.empty() && inputs.size() != 1)
      return Status::usage(
          "{}: --inputShape without a name needs exactly one input; the graph has {}", file,
          inputs.size());
    if (!s.name.empty() && std::none_of(inputs.begin(), inputs.end(), [&](const tfpb::NodeDef* n) {
          return n->name() == s.name;
        }))
      return Status::usage("{}: --inputShape '{}': no graph input of that name", file, s.name);
  }
  InputPlan plan;
  for (const tfpb::NodeDef* n : inputs) {
    const InputShapeSpec* spec = nullptr;
    for (const InputShapeSpec& s : req.inputShapes)
      if (s.name == n->name() || s.name.empty()) spec = &s;
    NNP_ASSIGN_OR_RETURN(Shape shape, shapeOf(*n, spec, file));
    NNP_RETURN_IF_ERROR(checkCountable(*n, shape, file));
    plan.shapes[n->name()] = TensorType{declaredDType(*n), std::move(shape)};
  }
  return plan;
}

}  // namespace nnport::tf
