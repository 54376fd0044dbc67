#include "quantize/plan.h"

#include <algorithm>

namespace nnport::quant {
namespace {

bool isFloat32(const Value* v) {
  return v && v->type.dtype == DType::Float32;
}

bool excluded(const Node& n, const std::vector<std::string>& exclude) {
  return std::any_of(exclude.begin(), exclude.end(),
                     [&](const std::string& e) { return e == n.name() || e == n.opType(); });
}

// The operands the rule names, classified; an empty reason means the node
// can be quantized.
std::string classify(const Node& n, const QuantizationRule& rule, PlannedNode& out) {
  std::vector<size_t> acts;
  if (rule.allInputs) {
    for (size_t i = 0; i < n.numInputs(); ++i) acts.push_back(i);
  } else {
    for (int i : rule.activations) acts.push_back(static_cast<size_t>(i));
  }
  for (size_t i : acts) {
    const Value* v = n.input(i);
    if (!v) return fmt::format("input {} is missing", i);
    if (v->type.dtype == DType::Undefined)
      return fmt::format("the type of input '{}' is unknown", v->name());
    if (!isFloat32(v)) return fmt::format("input '{}' is not float32", v->name());
    out.operands.push_back({i, v->isConstant() ? OperandRole::Constant : OperandRole::Activation});
  }
  if (rule.weight >= 0) {
    const Value* w = n.input(static_cast<size_t>(rule.weight));
    if (!w || !isFloat32(w)) return "the weight is not float32";
    out.operands.push_back({static_cast<size_t>(rule.weight),
                            w->isConstant() ? OperandRole::Weight : OperandRole::Activation});
    const Value* b = rule.bias >= 0 ? n.input(static_cast<size_t>(rule.bias)) : nullptr;
    if (b && w->isConstant() && b->isConstant() && isFloat32(b))
      out.operands.push_back({static_cast<size_t>(rule.bias), OperandRole::Bias});
  }
  if (!n.output(0) || n.output(0)->type.dtype == DType::Undefined)
    return "the type of its output is unknown";
  if (!isFloat32(n.output(0))) return "its output is not float32";
  return "";
}

}  // namespace

Expected<QuantPlan> planQuantization(const Model& m, const QuantizeOptions& o) {
  QuantPlan plan;
  NNP_ASSIGN_OR_RETURN(std::vector<Node*> order, m.graph.topologicalOrder());
  for (Node* n : order) {
    const OpSchema* s = n->schema();
    const bool hasRule = s && s->quantization && n->domain().empty();
    std::string reason;
    PlannedNode p{n, {}};
    if (!hasRule)
      reason = "no quantized form";
    else if (excluded(*n, o.exclude))
      reason = "excluded";
    else
      reason = classify(*n, *s->quantization, p);
    if (!reason.empty()) {
      plan.kept.push_back({n->name(), n->opType(), reason});
      continue;
    }
    for (const auto& op : p.operands)
      if (op.role == OperandRole::Activation) plan.tensors.insert(n->input(op.index)->name());
    plan.tensors.insert(n->output(0)->name());
    plan.nodes.push_back(std::move(p));
  }
  return plan;
}

bool isQuantized(const Graph& g) {
  static const std::set<std::string> ops{
      "QuantizeLinear", "DequantizeLinear", "DynamicQuantizeLinear", "QLinearConv",
      "QLinearMatMul",  "ConvInteger",      "MatMulInteger"};
  for (const Node* n : g.nodes())
    if (ops.count(n->opType()) || n->opType().rfind("QLinear", 0) == 0) return true;
  return false;
}

}  // namespace nnport::quant
