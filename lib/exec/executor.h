// The reference interpreter: runs a Model on CPU with the registered kernels.
// Every node's kernel is looked up when the executor is created, so an op
// without a kernel is an error naming it before anything runs. Intermediate
// tensors are released after their last use.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "lib/exec/kernel.h"

namespace nnport::exec {

struct ExecOptions {
  KernelSet kernels = KernelSet::Fast;
  int threads = 1;
};

// Called with every value a node produces, in execution order. With no
// observer set the executor pays one branch per node.
using Observer = std::function<void(const Value&, const RtTensor&)>;

using NamedTensors = std::vector<std::pair<std::string, RtTensor>>;

class Executor {
 public:
  static Expected<std::unique_ptr<Executor>> create(const Model& m, ExecOptions opts = {});

  // Runs on inputs keyed by graph input name; returns the graph outputs in
  // order. Missing, unknown or mistyped inputs are errors naming the input.
  Expected<NamedTensors> run(const std::map<std::string, RtTensor>& inputs);
  void setObserver(Observer o) { observer_ = std::move(o); }

  // Non-constant graph inputs, in order.
  const std::vector<const Value*>& inputs() const { return inputs_; }

 private:
  explicit Executor(const Model& m, ExecOptions opts) : model_(m), opts_(opts) {}
  Status prepare();
  Status checkInput(const Value& v, const RtTensor& t) const;

  const Model& model_;
  ExecOptions opts_;
  std::unordered_map<std::string, int64_t> opsets_;
  std::vector<Node*> order_;
  std::vector<const Kernel*> kernels_;
  std::vector<const Value*> inputs_;
  std::unordered_map<const Value*, size_t> slotOf_;
  std::vector<RtTensor> constants_;              // per slot, prepared once
  std::vector<std::vector<size_t>> releaseAfter_;  // per node: slots dead after it
  Observer observer_;
};

}  // namespace nnport::exec
