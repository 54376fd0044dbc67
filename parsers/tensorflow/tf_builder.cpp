// TfBuilder (IR node creation with inference as we go) and NodeContext
// (attribute and input access for one TF node).
#include "parsers/tensorflow/tf_builder.h"

#include "ir/builder.h"
#include "ir/ops/infer_util.h"
#include "ir/ops/registry.h"
#include "support/checked_math.h"

namespace nnport::tf {
namespace {

// Inference multiplies and adds the input's sizes; a static result whose
// element count or byte size overflows would wrap in every later size
// computation (the layout passes, constant folding, the exporter), so it is
// refused where it first appears.
Status checkOutputSizes(const Node& n) {
  for (size_t i = 0; i < n.numOutputs(); ++i) {
    const Value* v = n.output(i);
    if (!v || !v->type.shape.rankKnown()) continue;
    if (static_cast<int64_t>(v->type.shape.rank()) > kMaxRank)
      return Status::invalid("{}: output would have rank {}", n.describe(), v->type.shape.rank());
    const auto sizes = v->type.shape.sizes();
    if (!sizes) continue;
    const auto count = checkedElementCount(*sizes);
    if (!count || !checkedBytes(*count, 64))
      return Status::invalid(
          "{}: output would have shape {}, more elements than nnport can address", n.describe(),
          v->type.shape.str());
  }
  return Status::ok();
}

}  // namespace

// ------------------------------------------------------------ TfBuilder

Value* TfBuilder::lookup(const std::string& name) const {
  const bool zero = name.size() > 2 && name.compare(name.size() - 2, 2, ":0") == 0;
  auto it = values_.find(zero ? name.substr(0, name.size() - 2) : name);
  return it == values_.end() ? nullptr : it->second;
}

// Graph::uniqueName's answer without its scan over every node's name, which
// made parsing quadratic in the node count: while the graph is walked every
// node is made by op(), so nodeNames_ holds them all. The search for a free
// "<base>_<k>" goes on where the last one for this base stopped.
std::string TfBuilder::freshName(const std::string& base) {
  auto taken = [&](const std::string& n) { return graph().findValue(n) || nodeNames_.count(n); };
  if (!taken(base)) return base;
  int64_t& k = nextSuffix_[base];
  std::string n;
  do n = base + "_" + std::to_string(++k);
  while (taken(n));
  return n;
}

Value* TfBuilder::constant(const std::string& base, TensorPtr data) {
  return graph().addInitializer(freshName(base), std::move(data));
}

Value* TfBuilder::int64s(const std::string& base, const std::vector<int64_t>& v) {
  return constant(base, int64Vector(v));
}

Value* TfBuilder::scalarFloat(const std::string& base, float v) {
  return constant(base, nnport::scalarFloat(v));
}

Expected<Value*> TfBuilder::op(const std::string& type, const std::vector<Value*>& inputs,
                               const std::string& base, std::vector<Attribute> attrs) {
  const std::string name = freshName(base);
  nodeNames_.insert(name);
  Node* n = addNodeWith(graph(), type, inputs, {name}, name, std::move(attrs));
  Status inferred = infer(n);
  if (!inferred.isOk()) return converting_.empty() ? inferred : inferred.withContext(converting_);
  return n->output();
}

Expected<Value*> TfBuilder::transpose(Value* x, const std::vector<int64_t>& perm,
                                      const std::string& base) {
  return op("Transpose", {x}, base, {Attribute::ofInts("perm", perm)});
}

Status TfBuilder::infer(Node* n) {
  const OpSchema* s = n->schema();
  if (!s || !s->infer) return Status::internal("no inference for op {}", n->opType());
  InferenceContext ctx(*n, 13, shapeValues_);
  NNP_RETURN_IF_ERROR(s->infer(ctx));
  for (size_t i = 0; i < n->numOutputs(); ++i) {
    if (!n->output(i) || !ctx.outputs()[i]) continue;
    n->output(i)->type = *ctx.outputs()[i];
    if (ctx.outputShapeValues()[i]) shapeValues_[n->output(i)] = *ctx.outputShapeValues()[i];
  }
  return checkOutputSizes(*n);
}

std::optional<std::vector<int64_t>> TfBuilder::knownInts(const Value* v) const {
  if (v->isConstant()) {
    const Tensor& t = *v->initializer();
    if (!isInteger(t.dtype()) || !t.validate().isOk() || t.numElements() > kMaxConstInts)
      return std::nullopt;
    return t.toInt64Vector();
  }
  auto it = shapeValues_.find(v);
  if (it == shapeValues_.end()) return std::nullopt;
  std::vector<int64_t> out;
  for (const Dim& d : it->second) {
    if (!d.symbol.empty()) return std::nullopt;
    out.push_back(d.value);
  }
  return out;
}

// ---------------------------------------------------------- NodeContext

std::string NodeContext::where() const {
  return fmt::format("{}: node '{}' ({})", b.file(), def.name(), def.op());
}

const tfpb::AttrValue* NodeContext::attr(const std::string& n) const {
  auto it = def.attr().find(n);
  return it == def.attr().end() ? nullptr : &it->second;
}

int64_t NodeContext::attrInt(const std::string& n, int64_t fallback) const {
  const tfpb::AttrValue* a = attr(n);
  return a && a->value_case() == tfpb::AttrValue::kI ? a->i() : fallback;
}

float NodeContext::attrFloat(const std::string& n, float fallback) const {
  const tfpb::AttrValue* a = attr(n);
  return a && a->value_case() == tfpb::AttrValue::kF ? a->f() : fallback;
}

bool NodeContext::attrBool(const std::string& n, bool fallback) const {
  const tfpb::AttrValue* a = attr(n);
  return a && a->value_case() == tfpb::AttrValue::kB ? a->b() : fallback;
}

std::string NodeContext::attrString(const std::string& n, const std::string& fallback) const {
  const tfpb::AttrValue* a = attr(n);
  return a && a->value_case() == tfpb::AttrValue::kS ? a->s() : fallback;
}

std::vector<int64_t> NodeContext::attrInts(const std::string& n) const {
  const tfpb::AttrValue* a = attr(n);
  if (!a || a->value_case() != tfpb::AttrValue::kList) return {};
  return {a->list().i().begin(), a->list().i().end()};
}

Expected<Value*> NodeContext::in(size_t i) const {
  if (i >= inputs.size() || !inputs[i])
    return invalid("needs at least {} data inputs, has {}", i + 1, inputs.size());
  return inputs[i];
}

Expected<int64_t> NodeContext::rank(size_t i) const {
  NNP_ASSIGN_OR_RETURN(Value * v, in(i));
  if (!v->type.shape.rankKnown())
    return unsupported("the rank of input {} ('{}') is unknown", i, v->name());
  return static_cast<int64_t>(v->type.shape.rank());
}

Expected<std::vector<int64_t>> NodeContext::staticDims(size_t i, int wantRank) const {
  NNP_ASSIGN_OR_RETURN(int64_t r, rank(i));
  const Shape& s = inputs[i]->type.shape;
  if (wantRank >= 0 && r != wantRank)
    return invalid("input {} ('{}') has shape {}, expected rank {}", i, inputs[i]->name(), s.str(),
                   wantRank);
  std::vector<int64_t> dims;
  for (size_t d = 0; d < s.rank(); ++d) dims.push_back(s[d].isStatic() ? s[d].value : -1);
  return dims;
}

Expected<std::vector<int64_t>> NodeContext::constInts(size_t i, const char* what) const {
  NNP_ASSIGN_OR_RETURN(Value * v, in(i));
  if (v->isConstant() && v->initializer()->numElements() > kMaxConstInts)
    return invalid("its {} (input {}, '{}') holds {} values, more than {}", what, i, v->name(),
                   v->initializer()->numElements(), kMaxConstInts);
  auto ints = b.knownInts(v);
  if (!ints)
    return unsupported("its {} (input {}, '{}') is not known at conversion time", what, i,
                       v->name());
  return *ints;
}

Status NodeContext::checkRange(const std::string& what, int64_t v, int64_t lo, int64_t hi) const {
  if (v < lo || v > hi) return invalid("{} {} is out of range [{}, {}]", what, v, lo, hi);
  return Status::ok();
}

Status NodeContext::requireNhwc() const {
  const std::string f = attrString("data_format", "NHWC");
  if (f != "NHWC")
    return unsupported("data_format '{}' is not supported (only NHWC, what TF runs on CPU)", f);
  return Status::ok();
}

}  // namespace nnport::tf
