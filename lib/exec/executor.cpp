// Executor: kernel lookup and liveness at creation, then one pass over the
// nodes per run.
#include "lib/exec/executor.h"

#include <unordered_set>

namespace nnport::exec {

Expected<std::unique_ptr<Executor>> Executor::create(const Model& m, ExecOptions opts) {
  std::unique_ptr<Executor> e(new Executor(m, opts));
  NNP_RETURN_IF_ERROR(e->prepare());
  return e;
}

Status Executor::prepare() {
  const Graph& g = model_.graph;
  opsets_ = model_.opsetMap();
  NNP_ASSIGN_OR_RETURN(order_, g.topologicalOrder());
  auto slot = [&](const Value* v) {
    auto [it, inserted] = slotOf_.try_emplace(v, slotOf_.size());
    if (inserted) constants_.emplace_back(v->isConstant() ? RtTensor::view(v->initializer()) : RtTensor());
    return it->second;
  };
  for (const Value* v : g.inputs())
    if (!v->isConstant()) {
      inputs_.push_back(v);
      slot(v);  // even when nothing reads it
    }
  std::unordered_map<size_t, size_t> lastUse;  // slot -> node index
  for (size_t k = 0; k < order_.size(); ++k) {
    const Node* n = order_[k];
    const Kernel* kernel = KernelRegistry::instance().find(n->domain(), n->opType(), opts_.kernels);
    if (!kernel)
      return Status::unsupported("{}: the interpreter has no kernel for this op", n->describe());
    if (!n->captures().empty())
      return Status::unsupported("{}: subgraph ops are not supported by the interpreter",
                                 n->describe());
    kernels_.push_back(kernel);
    for (const Value* in : n->inputs())
      if (in) lastUse[slot(in)] = k;
    for (const Value* out : n->outputs())
      if (out) slot(out);
  }
  for (const Value* v : g.outputs()) lastUse[slot(v)] = order_.size();  // kept to the end
  releaseAfter_.assign(order_.size(), {});
  for (const auto& [s, k] : lastUse)
    if (k < order_.size()) releaseAfter_[k].push_back(s);
  return Status::ok();
}

Status Executor::checkInput(const Value& v, const RtTensor& t) const {
  if (v.type.dtype != DType::Undefined && t.dtype() != v.type.dtype)
    return Status::invalid("input '{}' is {}, the model expects {}", v.name(), dtypeName(t.dtype()),
                           dtypeName(v.type.dtype));
  const Shape& s = v.type.shape;
  if (!s.rankKnown()) return Status::ok();
  bool ok = s.rank() == t.rank();
  for (size_t i = 0; ok && i < s.rank(); ++i)
    if (s[i].isStatic() && s[i].value != t.dim(i)) ok = false;
  if (!ok) {
    std::vector<Dim> given(t.dims().begin(), t.dims().end());
    return Status::invalid("input '{}' has shape {}, the model expects {}", v.name(),
                           Shape(given).str(), s.str());
  }
  return Status::ok();
}

Expected<NamedTensors> Executor::run(const std::map<std::string, RtTensor>& inputs) {
  std::vector<RtTensor> slots = constants_;
  std::unordered_set<std::string> known;
  for (const Value* v : inputs_) {
    known.insert(v->name());
    auto it = inputs.find(v->name());
    if (it == inputs.end()) return Status::usage("input '{}' is missing", v->name());
    NNP_RETURN_IF_ERROR(checkInput(*v, it->second));
    slots[slotOf_.at(v)] = it->second;
  }
  for (const auto& [name, t] : inputs)
    if (!known.count(name)) return Status::usage("the model has no input named '{}'", name);

  for (size_t k = 0; k < order_.size(); ++k) {
    const Node& n = *order_[k];
    std::vector<const RtTensor*> ins;
    for (const Value* v : n.inputs()) ins.push_back(v ? &slots[slotOf_.at(v)] : nullptr);
    std::vector<RtTensor> outs(n.numOutputs());
    auto opset = opsets_.find(n.domain() == "ai.onnx" ? "" : n.domain());
    KernelContext ctx(n, opset == opsets_.end() ? 0 : opset->second, std::move(ins), outs,
                      opts_.threads);
    NNP_RETURN_IF_ERROR((*kernels_[k])(ctx));
    for (size_t i = 0; i < n.numOutputs(); ++i) {
      const Value* v = n.output(i);
      if (!v) continue;
      if (outs[i].empty())
        return Status::internal("{}: the kernel did not produce output {}", n.describe(), i);
      if (observer_) observer_(*v, outs[i]);
      slots[slotOf_.at(v)] = std::move(outs[i]);
    }
    for (size_t s : releaseAfter_[k]) slots[s] = constants_[s];
  }
  NamedTensors result;
  for (const Value* v : model_.graph.outputs()) result.emplace_back(v->name(), slots[slotOf_.at(v)]);
  return result;
}

}  // namespace nnport::exec
