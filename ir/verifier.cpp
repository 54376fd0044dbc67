// IR verifier. Each check is a small function returning the first problem.
#include "ir/verifier.h"

#include <algorithm>
#include <unordered_set>

#include "ir/ops/registry.h"

namespace nnport {
namespace {

bool hasUse(const Value* v, const Use& u) {
  return std::find(v->uses().begin(), v->uses().end(), u) != v->uses().end();
}

Status checkOperands(const Graph& g, const Node& n) {
  for (size_t i = 0; i < n.numInputs(); ++i) {
    const Value* v = n.input(i);
    if (!v) continue;
    if (v->graph() != &g)
      return Status::internal("{}: input {} ('{}') belongs to another graph", n.describe(), i,
                              v->name());
    if (!hasUse(v, {const_cast<Node*>(&n), static_cast<uint32_t>(i), false}))
      return Status::internal("{}: input '{}' does not list this node as a use", n.describe(),
                              v->name());
    if (!v->producer() && !v->isGraphInput() && !v->isConstant())
      return Status::invalid(
          "{}: input '{}' is dangling (no producer, not an input or initializer)", n.describe(),
          v->name());
  }
  for (size_t i = 0; i < n.captures().size(); ++i)
    if (!hasUse(n.captures()[i], {const_cast<Node*>(&n), static_cast<uint32_t>(i), true}))
      return Status::internal("{}: capture '{}' is not in its use list", n.describe(),
                              n.captures()[i]->name());
  for (size_t i = 0; i < n.numOutputs(); ++i) {
    const Value* v = n.output(i);
    if (v && (v->producer() != &n || v->resultIndex() != i))
      return Status::internal("{}: output '{}' names another producer", n.describe(), v->name());
  }
  return Status::ok();
}

Status checkUseLists(const Graph& g) {
  std::unordered_set<const Node*> nodes;
  for (Node* n : g.nodes()) nodes.insert(n);
  for (Node* n : g.nodes()) {
    for (Value* v : n->inputs()) {
      if (!v) continue;
      for (const Use& u : v->uses()) {
        if (!nodes.count(u.user))
          return Status::internal("value '{}' is used by a node that is not in the graph",
                                  v->name());
        const auto& operands = u.capture ? u.user->captures() : u.user->inputs();
        if (u.index >= operands.size() || operands[u.index] != v)
          return Status::internal("value '{}' has a stale use by {}", v->name(),
                                  u.user->describe());
      }
    }
  }
  for (const Value* v : g.outputs()) {
    if (!v) return Status::invalid("a graph output is missing");
    if (!v->producer() && !v->isGraphInput() && !v->isConstant())
      return Status::invalid("graph output '{}' is not produced by anything", v->name());
    if (v->producer() && !nodes.count(v->producer()))
      return Status::internal("graph output '{}' comes from a node not in the graph", v->name());
  }
  return Status::ok();
}

Status checkArity(const Node& n, const OpSchema& s) {
  for (size_t i = 0; i < s.inputs.size(); ++i) {
    if (s.inputs[i].arity == Arity::Variadic) break;
    if (s.inputs[i].arity == Arity::Single && !n.input(i))
      return Status::invalid("{}: required input '{}' is missing", n.describe(), s.inputs[i].name);
  }
  if (n.numInputs() > s.maxInputs())
    return Status::invalid("{}: {} inputs, the op takes at most {}", n.describe(), n.numInputs(),
                           s.maxInputs());
  // As for inputs: every Single output up to the last one is present (a
  // Conv with no output at all is as broken as one without its weights).
  for (size_t i = 0; i < s.outputs.size(); ++i) {
    if (s.outputs[i].arity == Arity::Variadic) break;
    if (s.outputs[i].arity == Arity::Single && !n.output(i))
      return Status::invalid("{}: required output '{}' is missing", n.describe(),
                             s.outputs[i].name);
  }
  if (n.numOutputs() > s.maxOutputs())
    return Status::invalid("{}: {} outputs, the op defines at most {}", n.describe(),
                           n.numOutputs(), s.maxOutputs());
  return Status::ok();
}

Status checkAttrRange(const Node& n, const AttrSpec& spec, const Attribute& a) {
  auto outside = [&](int64_t v) { return v < spec.minInt || v > spec.maxInt; };
  auto range = [&] {
    if (spec.maxInt == INT64_MAX) return fmt::format("at least {}", spec.minInt);
    return fmt::format("in [{}, {}]", spec.minInt, spec.maxInt);
  };
  if (a.kind == AttrKind::Int && outside(a.i))
    return Status::invalid("{}: attribute '{}' is {}, it must be {}", n.describe(), a.name, a.i,
                           range());
  if (a.kind == AttrKind::Ints)
    for (int64_t v : a.ints)
      if (outside(v))
        return Status::invalid("{}: attribute '{}' holds {}, every value must be {}", n.describe(),
                               a.name, v, range());
  return Status::ok();
}

Status checkSchema(const Node& n) {
  const OpSchema* s = n.schema();
  if (!s) return Status::ok();
  NNP_RETURN_IF_ERROR(checkArity(n, *s));
  for (const AttrSpec& spec : s->attrs)
    if (spec.required && !n.attrs.find(spec.name))
      return Status::invalid("{}: required attribute '{}' is missing", n.describe(), spec.name);
  for (const Attribute& a : n.attrs.all()) {
    const AttrSpec* spec = s->attr(a.name);
    if (!spec || !a.refAttrName.empty()) continue;
    if (spec->kind != AttrKind::Undefined && a.kind != spec->kind)
      return Status::invalid("{}: attribute '{}' is {}, the op expects {}", n.describe(), a.name,
                             attrKindName(a.kind), attrKindName(spec->kind));
    NNP_RETURN_IF_ERROR(checkAttrRange(n, *spec, a));
  }
  return Status::ok();
}

bool dimsConflict(const Shape& a, const Shape& b) {
  if (!a.rankKnown() || !b.rankKnown()) return false;
  if (a.rank() != b.rank()) return true;
  for (size_t i = 0; i < a.rank(); ++i)
    if (a[i].isStatic() && b[i].isStatic() && a[i].value != b[i].value) return true;
  return false;
}

Status checkRecordedType(const Node& n, const Value& v, const TensorType& inferred) {
  if (v.type.dtype != DType::Undefined && inferred.dtype != DType::Undefined &&
      v.type.dtype != inferred.dtype)
    return Status::invalid("{}: output '{}' is recorded as {} but the op produces {}", n.describe(),
                           v.name(), dtypeName(v.type.dtype), dtypeName(inferred.dtype));
  if (dimsConflict(v.type.shape, inferred.shape))
    return Status::invalid("{}: output '{}' is recorded with shape {} but the op produces {}",
                           n.describe(), v.name(), v.type.shape.str(), inferred.shape.str());
  return Status::ok();
}

// What flows on from an output: the inferred type, its unknown parts filled
// from the recorded one where the ranks agree.
TensorType flowingType(const TensorType& inferred, const TensorType& recorded) {
  TensorType t = inferred;
  if (t.dtype == DType::Undefined) t.dtype = recorded.dtype;
  if (!t.shape.rankKnown()) {
    t.shape = recorded.shape;
  } else if (recorded.shape.rankKnown() && recorded.shape.rank() == t.shape.rank()) {
    for (size_t i = 0; i < t.shape.rank(); ++i)
      if (!t.shape[i].isStatic() && recorded.shape[i].isStatic()) t.shape[i] = recorded.shape[i];
  }
  return t;
}

// Runs each node's inference in topological order on the types that reach
// it. An inference error (the op record rejecting the node) fails the walk
// when checkInference is set; checkTypes compares recorded output types.
Status walkInference(const std::vector<Node*>& order,
                     const std::unordered_map<std::string, int64_t>& opsets,
                     const VerifyOptions& opts) {
  std::unordered_map<const Value*, std::vector<Dim>> shapeValues;
  std::unordered_map<const Value*, TensorType> types;
  for (Node* n : order) {
    const OpSchema* s = n->schema();
    if (!s || !s->infer) continue;
    auto it = opsets.find(n->domain() == "ai.onnx" ? "" : n->domain());
    InferenceContext ctx(*n, it == opsets.end() ? 0 : it->second, shapeValues);
    ctx.useTypes(&types);
    if (Status st = s->infer(ctx); !st.isOk()) {
      if (opts.checkInference && st.code() == ErrorCode::InvalidInput) return st;
      continue;  // inference limits are not graph errors
    }
    for (size_t i = 0; i < n->numOutputs(); ++i) {
      const Value* v = n->output(i);
      const auto& inferred = ctx.outputs()[i];
      if (!v || !inferred) continue;
      if (opts.checkTypes) NNP_RETURN_IF_ERROR(checkRecordedType(*n, *v, *inferred));
      types[v] = flowingType(*inferred, v->type);
      if (ctx.outputShapeValues()[i]) shapeValues[v] = *ctx.outputShapeValues()[i];
    }
  }
  return Status::ok();
}

}  // namespace

Status verifyGraph(const Graph& g, const std::unordered_map<std::string, int64_t>& opsets,
                   const VerifyOptions& opts) {
  for (Node* n : g.nodes()) NNP_RETURN_IF_ERROR(checkOperands(g, *n));
  NNP_RETURN_IF_ERROR(checkUseLists(g));
  for (Value* v : g.initializers()) {
    Status st = v->initializer()->validate();
    if (!st) return Status::invalid("initializer '{}': {}", v->name(), st.message());
  }
  NNP_ASSIGN_OR_RETURN(std::vector<Node*> order, g.topologicalOrder());
  if (opts.checkSchemas)
    for (Node* n : order) NNP_RETURN_IF_ERROR(checkSchema(*n));
  if (opts.checkInference || opts.checkTypes)
    NNP_RETURN_IF_ERROR(walkInference(order, opsets, opts));
  return Status::ok();
}

}  // namespace nnport
