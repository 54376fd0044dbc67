// Kernel registry and context.
#include "lib/exec/kernel.h"

namespace nnport::exec {

RtTensor& KernelContext::allocateOutput(size_t i, DType dtype, std::vector<int64_t> dims) {
  outputs_[i] = RtTensor::allocate(dtype, std::move(dims));
  return outputs_[i];
}

void KernelContext::setOutput(size_t i, RtTensor t) { outputs_[i] = std::move(t); }

KernelRegistry& KernelRegistry::instance() {
  static KernelRegistry* r = [] {
    auto* reg = new KernelRegistry();
    registerAllKernels(*reg);
    return reg;
  }();
  return *r;
}

void KernelRegistry::add(const std::string& op, Kernel k, KernelSet set, const std::string& domain) {
  auto& table = set == KernelSet::Fast ? fast_ : reference_;
  table[{domain, op}] = std::move(k);
}

const Kernel* KernelRegistry::find(const std::string& domain, const std::string& op,
                                   KernelSet set) const {
  const std::pair<std::string, std::string> key{domain == "ai.onnx" ? "" : domain, op};
  if (set == KernelSet::Fast) {
    auto it = fast_.find(key);
    if (it != fast_.end()) return &it->second;
  }
  auto it = reference_.find(key);
  return it == reference_.end() ? nullptr : &it->second;
}

std::vector<std::string> KernelRegistry::ops() const {
  std::vector<std::string> out;
  for (const auto& [key, k] : reference_)
    out.push_back(key.first.empty() ? key.second : key.first + "::" + key.second);
  return out;
}

}  // namespace nnport::exec
