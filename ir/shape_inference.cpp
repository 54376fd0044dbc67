// Runs each node's registered inference in topological order and merges the
// result into the values' working types.
#include "ir/shape_inference.h"

#include "ir/ops/registry.h"

namespace nnport {
namespace {

// Merges an inferred type into a value's current type. Static sizes win over
// symbols, symbols over unknowns; two different static sizes conflict.
Status mergeType(Value& v, const TensorType& inferred, const Node& n) {
  TensorType& cur = v.type;
  if (cur.dtype == DType::Undefined)
    cur.dtype = inferred.dtype;
  else if (inferred.dtype != DType::Undefined && inferred.dtype != cur.dtype)
    return Status::invalid("{}: output '{}' is declared {} but the op produces {}", n.describe(),
                           v.name(), dtypeName(cur.dtype), dtypeName(inferred.dtype));
  if (!inferred.shape.rankKnown()) return Status::ok();
  if (!cur.shape.rankKnown()) {
    cur.shape = inferred.shape;
    return Status::ok();
  }
  if (cur.shape.rank() != inferred.shape.rank())
    return Status::invalid("{}: output '{}' is declared with shape {} but the op produces {}",
                           n.describe(), v.name(), cur.shape.str(), inferred.shape.str());
  for (size_t i = 0; i < cur.shape.rank(); ++i) {
    Dim& c = cur.shape[i];
    const Dim& d = inferred.shape[i];
    if (c.isStatic() && d.isStatic() && c.value != d.value)
      return Status::invalid("{}: output '{}' is declared with shape {} but the op produces {}",
                             n.describe(), v.name(), cur.shape.str(), inferred.shape.str());
    if (!c.isStatic() && (d.isStatic() || (c.symbol.empty() && !d.symbol.empty()))) c = d;
  }
  return Status::ok();
}

}  // namespace

Expected<InferReport> inferShapes(Graph& g, const std::unordered_map<std::string, int64_t>& opsets,
                                  const InferOptions& opts) {
  NNP_ASSIGN_OR_RETURN(std::vector<Node*> order, g.topologicalOrder());
  std::unordered_map<const Value*, std::vector<Dim>> shapeValues;
  InferReport report;
  for (Node* n : order) {
    const OpSchema* s = n->schema();
    if (!s || !s->infer) continue;
    auto it = opsets.find(n->domain() == "ai.onnx" ? "" : n->domain());
    InferenceContext ctx(*n, it == opsets.end() ? 0 : it->second, shapeValues);
    Status st = s->infer(ctx);
    for (size_t i = 0; st.isOk() && i < n->numOutputs(); ++i) {
      Value* out = n->output(i);
      if (!out || !ctx.outputs()[i]) continue;
      st = mergeType(*out, *ctx.outputs()[i], *n);
      if (ctx.outputShapeValues()[i]) shapeValues[out] = *ctx.outputShapeValues()[i];
    }
    if (!st.isOk()) {
      if (opts.strict) return st;
      report.skipped.push_back(st.message());
      continue;
    }
    ++report.inferred;
  }
  return report;
}

std::optional<size_t> knownRank(const Value& v) {
  if (v.type.shape.rankKnown()) return v.type.shape.rank();
  if (v.isConstant()) return v.initializer()->dims().size();
  const Node* p = v.producer();
  const bool defaultDomain = p && (p->domain().empty() || p->domain() == "ai.onnx");
  if (defaultDomain && (p->opType() == "Flatten" || p->opType() == "Gemm")) return 2;
  return std::nullopt;
}

}  // namespace nnport
