// Executor: kernel lookup, liveness and fusion at creation, then one pass
// over the nodes per run.
#include "exec/executor.h"

#include <algorithm>
#include <chrono>
#include <deque>
#include <unordered_set>

#include "exec/arena.h"
#include "exec/layout.h"
#include "ir/verifier.h"
#include "support/memory_budget.h"

namespace nnport::exec {

struct Executor::Plan : Arena {};

Executor::Executor(const Model& m, ExecOptions opts) : model_(m), opts_(opts), plan_(new Plan) {}
Executor::~Executor() = default;

Expected<std::unique_ptr<Executor>> Executor::create(const Model& m, ExecOptions opts) {
  // Kernels trust what the op records promise: required operands present,
  // attributes in range, ranks and axes consistent where types are known.
  NNP_RETURN_IF_ERROR(validateModel(m));
  std::unique_ptr<Executor> e(new Executor(m, opts));
  NNP_RETURN_IF_ERROR(e->prepare());
  return e;
}

size_t Executor::arenaBytes() const {
  return plan_->bytes();
}

size_t Executor::fusedNodes() const {
  size_t n = 0;
  for (const auto& f : fusion_) n += f.has_value();
  return n;
}

Status Executor::prepare() {
  const Graph& g = model_.graph;
  opsets_ = model_.opsetMap();
  NNP_ASSIGN_OR_RETURN(order_, g.topologicalOrder());
  auto slot = [&](const Value* v) {
    auto [it, inserted] = slotOf_.try_emplace(v, slotOf_.size());
    if (inserted)
      constants_.emplace_back(v->isConstant() ? RtTensor::view(v->initializer()) : RtTensor());
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
    const KernelEntry* kernel =
        KernelRegistry::instance().find(n->domain(), n->opType(), opts_.kernels);
    if (!kernel)
      return Status::unsupported("{}: the interpreter has no kernel for this op", n->describe());
    if (!n->captures().empty())
      return Status::unsupported("{}: subgraph ops are not supported by the interpreter",
                                 n->describe());
    kernels_.push_back(kernel);
    NNP_ASSIGN_OR_RETURN(std::optional<FusedActivation> act, fusedActivation(*n));
    irActivation_.push_back(std::move(act));
    for (const Value* in : n->inputs())
      if (in) lastUse[slot(in)] = k;
    for (const Value* out : n->outputs())
      if (out) slot(out);
  }
  for (const Value* v : g.outputs()) lastUse[slot(v)] = order_.size();  // kept to the end
  lastUse_.assign(slotOf_.size(), order_.size());
  releaseAfter_.assign(order_.size(), {});
  for (const auto& [s, k] : lastUse) {
    lastUse_[s] = k;
    if (k < order_.size()) releaseAfter_[k].push_back(s);
  }
  states_.resize(order_.size());
  prepareFusion();
  if (opts_.profile)
    for (size_t k = 0; k < order_.size(); ++k)
      profile_.push_back({order_[k], 0.0, fusion_[k].has_value()});
  return Status::ok();
}

void Executor::prepareFusion() {
  fusion_.assign(order_.size(), std::nullopt);
  absorbed_.assign(order_.size(), 0);
  if (!opts_.fuse) return;
  std::unordered_map<const Node*, size_t> index;
  for (size_t k = 0; k < order_.size(); ++k) index[order_[k]] = k;
  for (size_t k = 0; k < order_.size(); ++k) {
    if (!kernels_[k]->traits.fusesActivation || absorbed_[k] || irActivation_[k]) continue;
    auto match = matchActivation(*order_[k]);
    if (!match) continue;
    bool free = true;
    for (const Node* a : match->absorbed)
      free = free && !absorbed_[index.at(a)] && !fusion_[index.at(a)];
    if (!free) continue;
    for (const Node* a : match->absorbed) absorbed_[index.at(a)] = 1;
    fusion_[k] = std::move(match);
  }
}

Status Executor::runNode(size_t k, std::vector<RtTensor>& outs, KernelContext& ctx,
                         const FusedActivation* act) {
  const KernelEntry& kernel = *kernels_[k];
  if (act && kernel.traits.fusesActivation) ctx.setFused(act);
  NNP_RETURN_IF_ERROR(kernel.fn(ctx));
  if (!act || kernel.traits.fusesActivation || outs.empty() || outs[0].empty()) return Status::ok();
  RtTensor& y = outs[0];
  bool view = false;  // an output sharing an input's bytes is copied first
  for (size_t i = 0; i < ctx.numInputs(); ++i)
    view = view || (ctx.input(i) && ctx.input(i)->owner() == y.owner());
  if (y.blocked()) {
    y = toPlain(y);
  } else if (view) {
    RtTensor copy = RtTensor::allocate(y.dtype(), y.dims());
    std::copy(y.raw(), y.raw() + y.byteSize(), copy.raw());
    y = std::move(copy);
  }
  if (y.dtype() == DType::Float32)
    applyActivation(*act, y.data<float>(), y.numElements());
  else if (y.dtype() == DType::Float64)
    applyActivation(*act, y.data<double>(), y.numElements());
  else
    return Status::unsupported("{}: the fused {} needs a float output, not {}",
                               order_[k]->describe(), act->op, dtypeName(y.dtype()));
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

Status Executor::bindInputs(const std::map<std::string, RtTensor>& inputs,
                            std::vector<RtTensor>& slots) const {
  std::unordered_set<std::string> known;
  for (const Value* v : inputs_) {
    known.insert(v->name());
    auto it = inputs.find(v->name());
    if (it == inputs.end()) return Status::usage("input '{}' is missing", v->name());
    NNP_RETURN_IF_ERROR(checkInput(*v, it->second));
    slots[slotOf_.at(v)] = toPlain(it->second);
  }
  for (const auto& [name, t] : inputs)
    if (!known.count(name)) return Status::usage("the model has no input named '{}'", name);
  return Status::ok();
}

std::vector<std::vector<int64_t>> Executor::planKey(const std::vector<RtTensor>& slots,
                                                    bool fuse) const {
  std::vector<std::vector<int64_t>> key{{fuse ? 1 : 0}};
  for (const Value* v : inputs_) key.push_back(slots[slotOf_.at(v)].dims());
  return key;
}

Expected<NamedTensors> Executor::run(const std::map<std::string, RtTensor>& inputs) {
  std::vector<RtTensor> slots = constants_;
  NNP_RETURN_IF_ERROR(bindInputs(inputs, slots));
  // The fast set runs with denormals flushed (as TensorRT and OpenVINO do);
  // the reference set keeps IEEE arithmetic. The caller's mode is restored.
  const unsigned callerMode = saveFloatMode();
  struct Restore {
    unsigned mode;
    ~Restore() { restoreFloatMode(mode); }
  } restore{callerMode};
  if (opts_.kernels == KernelSet::Fast) setKernelThreads(opts_.threads);
  RunMode mode;
  mode.fuse = !observer_;
  Arena& arena = *plan_;
  const auto key = planKey(slots, mode.fuse);
  mode.usePlan = opts_.memoryPlan && arena.planned(key);
  mode.record = opts_.memoryPlan && !mode.usePlan;
  if (mode.record) arena.beginRecording(key);
  NNP_RETURN_IF_ERROR(runNodes(slots, mode));
  if (mode.record) arena.finishRecording(lastUse_, order_.size());
  NamedTensors result;
  for (const Value* v : model_.graph.outputs())
    result.emplace_back(v->name(), toPlain(slots[slotOf_.at(v)]));
  return result;
}

// Allocation failures deep in a kernel (the memory budget, the heap) come
// back as a status naming the node that asked.
Status Executor::runNodes(std::vector<RtTensor>& slots, const RunMode& mode) {
  size_t k = 0;
  try {
    for (; k < order_.size(); ++k) {
      if (!(mode.fuse && absorbed_[k])) NNP_RETURN_IF_ERROR(runStep(k, slots, mode));
      for (size_t s : releaseAfter_[k]) slots[s] = constants_[s];
    }
  } catch (const OverBudgetError& e) {
    return e.status().withContext(order_[k]->describe());
  } catch (const std::bad_alloc&) {
    return Status::overBudget("{}: ran out of memory", order_[k]->describe());
  }
  return Status::ok();
}

Status Executor::runStep(size_t k, std::vector<RtTensor>& slots, const RunMode& mode) {
  const Node& n = *order_[k];
  const KernelEntry& kernel = *kernels_[k];
  Arena& arena = *plan_;
  std::deque<RtTensor> converted;
  std::vector<const RtTensor*> ins;
  for (const Value* v : n.inputs()) {
    const RtTensor* t = v ? &slots[slotOf_.at(v)] : nullptr;
    if (t && t->blocked() && !kernel.traits.blockedInputs) t = &converted.emplace_back(toPlain(*t));
    ins.push_back(t);
  }
  std::vector<RtTensor> outs(n.numOutputs());
  std::vector<char> requested(n.numOutputs(), 0);
  OutputAllocator alloc = [&](size_t i, DType d, const std::vector<int64_t>& dims, int block) {
    requested[i] = 1;
    return mode.usePlan ? arena.allocate(k, i, d, dims, block) : RtTensor();
  };
  auto opset = opsets_.find(n.domain() == "ai.onnx" ? "" : n.domain());
  KernelContext ctx(n, opset == opsets_.end() ? 0 : opset->second, ins, outs, opts_.threads);
  ctx.setState(&states_[k]);
  if (opts_.memoryPlan) ctx.setAllocator(&alloc);
  const ActivationFusion* fused = mode.fuse && fusion_[k] ? &*fusion_[k] : nullptr;
  const FusedActivation* act = fused              ? &fused->act
                               : irActivation_[k] ? &*irActivation_[k]
                                                  : nullptr;
  const auto start = std::chrono::steady_clock::now();
  NNP_RETURN_IF_ERROR(runNode(k, outs, ctx, act));
  if (opts_.profile)
    profile_[k].ms +=
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  for (size_t i = 0; i < n.numOutputs(); ++i) {
    const Value* v = i == 0 && fused ? fused->result : n.output(i);
    if (!v) continue;
    if (outs[i].empty())
      return Status::internal("{}: the kernel did not produce output {}", n.describe(), i);
    const size_t s = slotOf_.at(v);
    if (mode.record) {
      Arena::Output o{k, i, s, outs[i].byteSize(), false, std::nullopt};
      for (size_t j = 0; j < ins.size() && !o.viewOfSlot; ++j)
        if (ins[j] && n.input(j) && ins[j]->owner() == outs[i].owner())
          o.viewOfSlot = slotOf_.at(n.input(j));
      o.fresh = requested[i] && !o.viewOfSlot;
      arena.record(o);
    }
    if (observer_) observer_(*v, observeBlocked_ ? outs[i] : toPlain(outs[i]));
    slots[s] = std::move(outs[i]);
  }
  return Status::ok();
}

}  // namespace nnport::exec
