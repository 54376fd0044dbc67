// Graph cutting and input shape pinning.
#include "lib/graph_edit.h"

#include <algorithm>
#include <cstdlib>
#include <unordered_map>
#include <unordered_set>

#include "passes/dce.h"

namespace nnport {

namespace {
Value* resolveOutput(Graph& g, const std::string& name) {
  if (Value* v = g.findValue(name)) return v;
  if (Node* n = g.findNode(name)) return n->output(0);
  return nullptr;
}
}  // namespace

Status cutAtOutputs(Model& m, const std::vector<std::string>& names) {
  std::vector<Value*> outs;
  for (const auto& name : names) {
    Value* v = resolveOutput(m.graph, name);
    if (!v) return Status::usage("--dstNodeName: no value or node named '{}' in the graph", name);
    outs.push_back(v);
  }
  m.graph.setOutputs(std::move(outs));
  eliminateDeadCode(m);
  return Status::ok();
}

Status cutAtInputs(Model& m, const std::vector<std::string>& names) {
  Graph& g = m.graph;
  std::vector<Value*> ins;
  for (const auto& name : names) {
    Value* v = resolveOutput(g, name);
    if (!v) return Status::usage("--inNodeName: no value or node named '{}' in the graph", name);
    if (v->producer()) {
      // Replace the produced value by a new graph input of the same name.
      const std::string keep = v->name();
      Value* in = g.addInput(g.uniqueName(keep + "__input"), v->type);
      in->declaredType = v->type;
      g.replaceAllUsesWith(v, in);
      g.renameValue(v, g.uniqueName(keep + "__cut"));
      g.renameValue(in, keep);
      v = in;
    }
    ins.push_back(v);
  }
  for (Value* old : std::vector<Value*>(g.inputs()))
    if (std::find(ins.begin(), ins.end(), old) == ins.end() && !old->isConstant())
      g.removeInput(old);
  eliminateDeadCode(m);
  return Status::ok();
}

Expected<InputShapeSpec> parseInputShape(const std::string& text) {
  InputShapeSpec spec;
  std::string dims = text;
  const auto colon = text.rfind(':');
  if (colon != std::string::npos) {
    spec.name = text.substr(0, colon);
    dims = text.substr(colon + 1);
  }
  size_t start = 0;
  while (start <= dims.size()) {
    size_t end = dims.find(',', start);
    if (end == std::string::npos) end = dims.size();
    const std::string item = dims.substr(start, end - start);
    char* rest = nullptr;
    const long long v = std::strtoll(item.c_str(), &rest, 10);
    if (item.empty() || *rest != '\0' || v < 0 || v > (int64_t{1} << 40))
      return Status::usage("--inputShape '{}': '{}' is not a dimension size", text, item);
    spec.dims.push_back(v);
    start = end + 1;
  }
  return spec;
}

namespace {
void substituteSymbols(std::optional<TensorType>& t,
                       const std::unordered_map<std::string, int64_t>& fixed) {
  if (!t) return;
  for (Dim& d : t->shape.dims()) {
    auto it = d.symbol.empty() ? fixed.end() : fixed.find(d.symbol);
    if (it != fixed.end()) d = Dim(it->second);
  }
}
}  // namespace

Status pinInputShapes(Model& m, const std::vector<InputShapeSpec>& specs) {
  Graph& g = m.graph;
  std::vector<Value*> realInputs;
  for (Value* v : g.inputs())
    if (!v->isConstant()) realInputs.push_back(v);
  std::unordered_map<std::string, int64_t> fixed;  // symbol -> size
  for (const auto& spec : specs) {
    Value* v = spec.name.empty() ? (realInputs.size() == 1 ? realInputs[0] : nullptr)
                                 : g.findValue(spec.name);
    if (!v || !v->isGraphInput())
      return Status::usage("--inputShape: {}", spec.name.empty()
                                                   ? "the model has several inputs; name one"
                                                   : "no graph input named '" + spec.name + "'");
    const Shape& cur = v->type.shape;
    if (cur.rankKnown() && cur.rank() != spec.dims.size())
      return Status::usage("--inputShape: input '{}' has rank {}, the shape given has {} dims",
                           v->name(), cur.rank(), spec.dims.size());
    for (size_t i = 0; cur.rankKnown() && i < cur.rank(); ++i) {
      if (cur[i].isStatic() && cur[i].value != spec.dims[i])
        return Status::usage("--inputShape: input '{}' has static dim {} = {}, not {}", v->name(),
                             i, cur[i].value, spec.dims[i]);
      if (!cur[i].symbol.empty()) fixed[cur[i].symbol] = spec.dims[i];
    }
    v->type.shape = Shape::ofSizes(spec.dims);
    v->declaredType = v->type;
  }
  for (Node* n : g.nodes())
    for (Value* out : n->outputs())
      if (out) {
        substituteSymbols(out->declaredType, fixed);
        std::optional<TensorType> t = out->type;
        substituteSymbols(t, fixed);
        out->type = *t;
      }
  for (Value* v : g.outputs()) substituteSymbols(v->declaredType, fixed);
  return Status::ok();
}

}  // namespace nnport
