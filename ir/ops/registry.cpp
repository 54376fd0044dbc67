// OpRegistry, the schema builder and the inference context.
#include "ir/ops/registry.h"

#include <climits>
#include <mutex>

namespace nnport {

const AttrSpec* OpSchema::attr(const std::string& n) const {
  for (const auto& a : attrs)
    if (a.name == n) return &a;
  return nullptr;
}

int OpSchema::inputIndex(const std::string& n) const {
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].name == n) return static_cast<int>(i);
  return -1;
}

size_t OpSchema::minInputs() const {
  size_t n = 0;
  for (size_t i = 0; i < inputs.size(); ++i)
    if (inputs[i].arity == Arity::Single) n = i + 1;
  return n;
}

size_t OpSchema::maxInputs() const {
  for (const auto& in : inputs)
    if (in.arity == Arity::Variadic) return SIZE_MAX;
  return inputs.size();
}

size_t OpSchema::maxOutputs() const {
  for (const auto& out : outputs)
    if (out.arity == Arity::Variadic) return SIZE_MAX;
  return outputs.size();
}

OpSchemaBuilder& OpSchemaBuilder::since(int v) {
  s_.sinceVersion = v;
  return *this;
}
OpSchemaBuilder& OpSchemaBuilder::doc(std::string d) {
  s_.doc = std::move(d);
  return *this;
}
OpSchemaBuilder& OpSchemaBuilder::input(std::string name, Arity a) {
  s_.inputs.push_back({std::move(name), a});
  return *this;
}
OpSchemaBuilder& OpSchemaBuilder::output(std::string name, Arity a) {
  s_.outputs.push_back({std::move(name), a});
  return *this;
}

namespace {
AttrSpec withDefault(Attribute a) {
  AttrSpec s;
  s.name = a.name;
  s.kind = a.kind;
  s.defaultValue = std::move(a);
  return s;
}
}  // namespace

OpSchemaBuilder& OpSchemaBuilder::attr(std::string name, int64_t def) {
  s_.attrs.push_back(withDefault(Attribute::ofInt(std::move(name), def)));
  return *this;
}
OpSchemaBuilder& OpSchemaBuilder::attr(std::string name, float def) {
  s_.attrs.push_back(withDefault(Attribute::ofFloat(std::move(name), def)));
  return *this;
}
OpSchemaBuilder& OpSchemaBuilder::attr(std::string name, std::string def) {
  s_.attrs.push_back(withDefault(Attribute::ofString(std::move(name), std::move(def))));
  return *this;
}
OpSchemaBuilder& OpSchemaBuilder::attr(std::string name, std::vector<int64_t> def) {
  s_.attrs.push_back(withDefault(Attribute::ofInts(std::move(name), std::move(def))));
  return *this;
}
OpSchemaBuilder& OpSchemaBuilder::attr(std::string name, std::vector<float> def) {
  s_.attrs.push_back(withDefault(Attribute::ofFloats(std::move(name), std::move(def))));
  return *this;
}
OpSchemaBuilder& OpSchemaBuilder::optionalAttr(std::string name, AttrKind kind) {
  s_.attrs.push_back({std::move(name), kind, false, std::nullopt});
  return *this;
}
OpSchemaBuilder& OpSchemaBuilder::requiredAttr(std::string name, AttrKind kind) {
  s_.attrs.push_back({std::move(name), kind, true, std::nullopt});
  return *this;
}
OpSchemaBuilder& OpSchemaBuilder::range(int64_t lo, int64_t hi) {
  if (!s_.attrs.empty()) {
    s_.attrs.back().minInt = lo;
    s_.attrs.back().maxInt = hi;
  }
  return *this;
}
OpSchemaBuilder& OpSchemaBuilder::traits(uint32_t t) {
  s_.traits |= t;
  return *this;
}
QuantizationRule weightedQuantization(int weight, int bias,
                                      std::function<int64_t(const Node&)> axis) {
  QuantizationRule q;
  q.weight = weight;
  q.bias = bias;
  q.weightAxis = std::move(axis);
  return q;
}

QuantizationRule activationQuantization(std::vector<int> inputs) {
  QuantizationRule q;
  q.activations = std::move(inputs);
  return q;
}

QuantizationRule allInputsQuantization() {
  QuantizationRule q;
  q.allInputs = true;
  return q;
}

OpSchemaBuilder& OpSchemaBuilder::transposeRule(TransposeRule r) {
  s_.transposeRule = r;
  return *this;
}

OpSchemaBuilder& OpSchemaBuilder::fusableActivation(std::vector<std::string> params) {
  s_.fusedActivation = FusedActivationRule{std::move(params)};
  return *this;
}

OpSchemaBuilder& OpSchemaBuilder::quantization(QuantizationRule q) {
  s_.quantization = std::move(q);
  s_.traits |= kQuantizable;
  return *this;
}

OpSchemaBuilder& OpSchemaBuilder::infer(InferFn f) {
  s_.infer = std::move(f);
  return *this;
}
OpSchemaBuilder& OpSchemaBuilder::macs(CostFn f) {
  s_.macs = std::move(f);
  return *this;
}

OpRegistry& OpRegistry::instance() {
  static OpRegistry* registry = [] {
    auto* r = new OpRegistry();
    registerAllOps(*r);
    return r;
  }();
  return *registry;
}

OpSchemaBuilder OpRegistry::add(const std::string& name, const std::string& domain) {
  auto& slot = schemas_[{domain, name}];
  slot = std::make_unique<OpSchema>();
  slot->name = name;
  slot->domain = domain;
  return OpSchemaBuilder(*slot);
}

const OpSchema* OpRegistry::find(const std::string& domain, const std::string& name) const {
  const std::string d = domain == "ai.onnx" ? "" : domain;
  auto it = schemas_.find({d, name});
  return it == schemas_.end() ? nullptr : it->second.get();
}

std::vector<const OpSchema*> OpRegistry::all() const {
  std::vector<const OpSchema*> out;
  for (const auto& [key, s] : schemas_) out.push_back(s.get());
  return out;
}

// ---------------------------------------------------------------- context

const TensorType* InferenceContext::inputType(size_t i) const {
  const Value* v = node_.input(i);
  if (!v || !v->foreignType.empty()) return nullptr;
  if (types_) {
    auto it = types_->find(v);
    if (it != types_->end() && it->second.dtype != DType::Undefined) return &it->second;
  }
  return v->type.dtype == DType::Undefined ? nullptr : &v->type;
}

DType InferenceContext::inputDType(size_t i) const {
  const TensorType* t = inputType(i);
  return t ? t->dtype : DType::Undefined;
}

TensorPtr InferenceContext::constantInput(size_t i) const {
  const Value* v = node_.input(i);
  return v ? v->initializer() : nullptr;
}

std::optional<std::vector<Dim>> InferenceContext::shapeValue(size_t i) const {
  const Value* v = node_.input(i);
  if (!v) return std::nullopt;
  auto it = shapeValues_.find(v);
  if (it != shapeValues_.end()) return it->second;
  const TensorPtr& t = v->initializer();
  if (!t || !isInteger(t->dtype()) || t->dims().size() > 1 || !t->validate().isOk())
    return std::nullopt;
  std::vector<Dim> dims;
  for (int64_t x : t->toInt64Vector()) dims.emplace_back(x);
  return dims;
}

void InferenceContext::setOutput(size_t i, TensorType t) {
  if (i < outputs_.size()) outputs_[i] = std::move(t);
}

void InferenceContext::setOutputShapeValue(size_t i, std::vector<Dim> v) {
  if (i < outputShapeValues_.size()) outputShapeValues_[i] = std::move(v);
}

}  // namespace nnport
