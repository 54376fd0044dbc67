// The interpreter: runs a Model on CPU with the registered kernels.
// Every node's kernel is looked up when the executor is created, so an op
// without a kernel is an error naming it before anything runs.
//
// Memory: the first run with given input shapes records every output's size
// and which outputs alias which (views); later runs with the same shapes
// place the intermediates in one arena by a liveness-based plan
// (exec/memory_plan.h). Graph outputs always get memory of their own.
// Fast kernels may keep activations channel-blocked; the executor converts
// to plain for kernels that are not layout-aware, for graph outputs and for
// the observer. With the fast set and no observer, activations that alone
// consume a Conv-like node's output run fused into it (exec/fusion.h).
// An activation fused in the IR (ir/fused_activation.h) always runs: in the
// kernel when it fuses activations, else right after it.
//
// An Executor keeps per-node state between runs: use one per thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "exec/fusion.h"
#include "exec/kernel.h"

namespace nnport::exec {

struct ExecOptions {
  KernelSet kernels = KernelSet::Fast;
  int threads = 1;
  bool memoryPlan = true;  // the arena; off: one heap block per tensor
  bool fuse = true;        // run-time activation fusion (fast set only)
  bool profile = false;    // time every node (see Executor::profile)
};

// Accumulated kernel time per node over the runs made with profiling on.
struct NodeProfile {
  const Node* node = nullptr;
  double ms = 0;
  bool fused = false;  // ran with its activation fused in
};

// Called with every value a node produces, in execution order, in the plain
// layout. With no observer set the executor pays one branch per node.
using Observer = std::function<void(const Value&, const RtTensor&)>;

using NamedTensors = std::vector<std::pair<std::string, RtTensor>>;

class Executor {
 public:
  static Expected<std::unique_ptr<Executor>> create(const Model& m, ExecOptions opts = {});
  ~Executor();

  // Runs on inputs keyed by graph input name; returns the graph outputs in
  // order. Missing, unknown or mistyped inputs are errors naming the input.
  Expected<NamedTensors> run(const std::map<std::string, RtTensor>& inputs);
  // `blockedOk`: the observer takes channel-blocked tensors as they are
  // (RtTensor::block(); padding channels included when C is not a multiple
  // of the block) and is spared the conversion to the plain layout.
  void setObserver(Observer o, bool blockedOk = false) {
    observer_ = std::move(o);
    observeBlocked_ = blockedOk;
  }

  // Non-constant graph inputs, in order.
  const std::vector<const Value*>& inputs() const { return inputs_; }
  // Size of the planned arena (0 until a run with the same shapes repeats).
  size_t arenaBytes() const;
  // Nodes whose activation consumer runs fused into them.
  size_t fusedNodes() const;
  // Per node in execution order (empty unless ExecOptions::profile).
  const std::vector<NodeProfile>& profile() const { return profile_; }

  struct Plan;  // exec/executor.cpp

 private:
  explicit Executor(const Model& m, ExecOptions opts);
  Status prepare();
  void prepareFusion();
  // How one run places its tensors (exec/executor.cpp).
  struct RunMode {
    bool fuse = false, usePlan = false, record = false;
  };
  Status runNodes(std::vector<RtTensor>& slots, const RunMode& mode);
  Status runStep(size_t k, std::vector<RtTensor>& slots, const RunMode& mode);
  Status runNode(size_t k, std::vector<RtTensor>& outs, KernelContext& ctx,
                 const FusedActivation* act);
  Status checkInput(const Value& v, const RtTensor& t) const;
  Status bindInputs(const std::map<std::string, RtTensor>& inputs,
                    std::vector<RtTensor>& slots) const;
  std::vector<std::vector<int64_t>> planKey(const std::vector<RtTensor>& slots, bool fuse) const;

  const Model& model_;
  ExecOptions opts_;
  std::unordered_map<std::string, int64_t> opsets_;
  std::vector<Node*> order_;
  std::vector<const KernelEntry*> kernels_;
  std::vector<std::unique_ptr<KernelState>> states_;          // per node
  std::vector<std::optional<ActivationFusion>> fusion_;       // per node
  std::vector<char> absorbed_;                                // per node
  std::vector<std::optional<FusedActivation>> irActivation_;  // per node: from the IR
  std::vector<const Value*> inputs_;
  std::unordered_map<const Value*, size_t> slotOf_;
  std::vector<RtTensor> constants_;                // per slot, prepared once
  std::vector<size_t> lastUse_;                    // per slot: node index (size() = kept)
  std::vector<std::vector<size_t>> releaseAfter_;  // per node: slots dead after it
  std::unique_ptr<Plan> plan_;
  std::vector<NodeProfile> profile_;
  Observer observer_;
  bool observeBlocked_ = false;
};

}  // namespace nnport::exec
