// Model statistics: shapes come from the registry's inference, MACs from its
// cost functions.
#include "lib/inspect.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "ir/ops/registry.h"
#include "ir/shape_inference.h"

namespace nnport {
namespace {

int64_t tensorBytes(const TensorType& t) {
  if (!t.shape.rankKnown() || t.dtype == DType::String) return 0;
  return static_cast<int64_t>(dtypeStorageBytes(t.dtype, t.shape.numElementsAssumingOne()));
}

void countParams(const Tensor& t, ModelStats& s) {
  s.params += std::max<int64_t>(t.numElements(), 0);
  s.paramBytes += static_cast<int64_t>(t.byteSize());
}

bool isIdentity(const Node* n) {
  return n && n->opType() == "Identity" && n->domain().empty();
}

// Parameters as frameworks count them. Logical weight tensors are the
// initializers plus Identity copies of them (exporters deduplicate equal
// initializers behind Identity nodes); a tensor read only through such
// copies is counted once per copy. BatchNormalization's running mean and
// variance are buffers, not parameters.
void countParameters(const Graph& g, const std::vector<Node*>& order, ModelStats& s) {
  std::unordered_map<const Value*, TensorPtr> logical;
  for (Value* v : g.initializers()) logical[v] = v->initializer();
  for (Node* n : order)
    if (isIdentity(n) && n->input(0) && n->output(0) && logical.count(n->input(0)))
      logical[n->output(0)] = logical[n->input(0)];
  std::unordered_set<const Value*> buffers, counted;
  for (Node* n : order) {
    if (n->opType() == "BatchNormalization" && n->domain().empty())
      for (size_t i = 3; i < 5; ++i)
        if (n->input(i)) buffers.insert(n->input(i));
    if (isIdentity(n)) continue;
    for (Value* in : n->inputs())
      if (in && logical.count(in)) counted.insert(in);
  }
  for (Value* out : g.outputs())
    if (logical.count(out)) counted.insert(out);
  for (const Value* v : counted) {
    const Tensor& t = *logical[v];
    if (buffers.count(v))
      s.buffers += std::max<int64_t>(t.numElements(), 0);
    else
      countParams(t, s);
  }
}

}  // namespace

Expected<ModelStats> computeStats(Model& m, size_t topTensors) {
  Graph& g = m.graph;
  NNP_ASSIGN_OR_RETURN(InferReport report, inferShapes(m));
  ModelStats s;
  s.inferenceNotes = report.skipped;
  for (Value* v : g.inputs())
    if (!v->isConstant()) s.inputs.push_back({v->name(), v->type});
  for (Value* v : g.outputs()) s.outputs.push_back({v->name(), v->type});
  NNP_ASSIGN_OR_RETURN(std::vector<Node*> order, g.topologicalOrder());
  s.nodes = order.size();
  countParameters(g, order, s);
  std::vector<TensorSize> sizes;
  for (Node* n : order) {
    const std::string op = n->domain().empty() ? n->opType() : n->domain() + "::" + n->opType();
    ++s.ops[op];
    if (n->opType() == "Constant" && n->domain().empty())
      if (TensorPtr t = n->attrs.getTensor("value")) countParams(*t, s);
    if (n->schema() && n->schema()->macs) {
      const int64_t macs = n->schema()->macs(*n);
      if (macs > 0) {
        s.macs += macs;
        s.layers.push_back({n->name(), op, macs});
      }
    }
    for (Value* out : n->outputs())
      if (out) sizes.push_back({out->name(), out->type.str(), tensorBytes(out->type), false});
  }
  for (Value* v : g.initializers())
    sizes.push_back(
        {v->name(), v->type.str(), static_cast<int64_t>(v->initializer()->byteSize()), true});
  std::stable_sort(sizes.begin(), sizes.end(),
                   [](const TensorSize& a, const TensorSize& b) { return a.bytes > b.bytes; });
  if (sizes.size() > topTensors) sizes.resize(topTensors);
  s.largest = std::move(sizes);
  return s;
}

namespace {
nlohmann::json shapeJson(const Shape& sh) {
  if (!sh.rankKnown()) return nullptr;
  nlohmann::json dims = nlohmann::json::array();
  for (const Dim& d : sh.dims()) {
    if (d.isStatic())
      dims.push_back(d.value);
    else if (!d.symbol.empty())
      dims.push_back(d.symbol);
    else
      dims.push_back(nullptr);
  }
  return dims;
}
nlohmann::json ioJson(const std::vector<ModelStats::Io>& ios) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& io : ios)
    a.push_back({{"name", io.name},
                 {"dtype", dtypeName(io.type.dtype)},
                 {"shape", shapeJson(io.type.shape)}});
  return a;
}
}  // namespace

nlohmann::json statsToJson(const ModelStats& s) {
  nlohmann::json j;
  j["inputs"] = ioJson(s.inputs);
  j["outputs"] = ioJson(s.outputs);
  j["nodes"] = s.nodes;
  j["ops"] = s.ops;
  j["params"] = {{"count", s.params}, {"bytes", s.paramBytes}, {"buffers", s.buffers}};
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : s.layers)
    layers.push_back({{"node", l.node}, {"op", l.op}, {"macs", l.macs}});
  j["macs"] = {{"total", s.macs}, {"per_layer", layers}};
  nlohmann::json largest = nlohmann::json::array();
  for (const auto& t : s.largest)
    largest.push_back(
        {{"name", t.name}, {"type", t.type}, {"bytes", t.bytes}, {"constant", t.constant}});
  j["largest_tensors"] = largest;
  j["shape_inference_notes"] = s.inferenceNotes;
  return j;
}

namespace {
std::string human(double v, const char* unit) {
  const char* prefixes[] = {"", " K", " M", " G", " T"};
  int k = 0;
  while (v >= 1000.0 && k < 4) {
    v /= 1000.0;
    ++k;
  }
  return fmt::format("{:.2f}{}{}", v, prefixes[k], unit);
}
}  // namespace

std::string statsToText(const ModelStats& s, const std::string& file) {
  std::string out = fmt::format("model: {}\n", file);
  for (const auto& io : s.inputs) out += fmt::format("  input  {}: {}\n", io.name, io.type.str());
  for (const auto& io : s.outputs) out += fmt::format("  output {}: {}\n", io.name, io.type.str());
  out += fmt::format("nodes: {}\nops:", s.nodes);
  for (const auto& [op, n] : s.ops) out += fmt::format(" {}={}", op, n);
  out += fmt::format("\nparams: {} ({}), {}; BatchNorm buffers: {}\n",
                     human(static_cast<double>(s.params), ""), s.params,
                     human(static_cast<double>(s.paramBytes), "B"), s.buffers);
  out += fmt::format("MACs: {} ({}) in {} layers (symbolic dims counted as 1)\n",
                     human(static_cast<double>(s.macs), "MAC"), s.macs, s.layers.size());
  std::vector<LayerCost> top = s.layers;
  std::stable_sort(top.begin(), top.end(), [](auto& a, auto& b) { return a.macs > b.macs; });
  for (size_t i = 0; i < top.size() && i < 5; ++i)
    out += fmt::format("  {:>12} MACs  {} ({})\n", top[i].macs, top[i].node, top[i].op);
  out += "largest tensors:\n";
  for (const auto& t : s.largest)
    out +=
        fmt::format("  {:>12} B  {} {}{}\n", t.bytes, t.name, t.type, t.constant ? " (const)" : "");
  if (!s.inferenceNotes.empty())
    out += fmt::format("shape inference skipped {} node(s); first: {}\n", s.inferenceNotes.size(),
                       s.inferenceNotes.front());
  return out;
}

}  // namespace nnport
