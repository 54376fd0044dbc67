// Kernel registry and context.
#include "exec/kernel.h"

#include <cstring>

namespace nnport::exec {

RtTensor& KernelContext::allocateOutput(size_t i, DType dtype, std::vector<int64_t> dims,
                                        bool zero) {
  RtTensor t;
  if (allocator_ && dtype != DType::String) t = (*allocator_)(i, dtype, dims, 0);
  if (t.empty())
    t = RtTensor::allocate(dtype, std::move(dims));
  else if (zero)
    std::memset(t.raw(), 0, t.byteSize());
  outputs_[i] = std::move(t);
  return outputs_[i];
}

RtTensor& KernelContext::allocateBlockedOutput(size_t i, DType dtype, std::vector<int64_t> dims,
                                               int block, bool zero) {
  RtTensor t;
  if (allocator_) t = (*allocator_)(i, dtype, dims, block);
  if (t.empty()) {
    const size_t bytes = RtTensor::storageBytes(dtype, dims, block);
    auto buf = std::shared_ptr<uint8_t[]>(new uint8_t[bytes ? bytes : 1]());
    t = RtTensor::borrow(dtype, std::move(dims), buf.get(), buf, block);
  } else if (zero) {
    std::memset(t.raw(), 0, t.byteSize());
  }
  outputs_[i] = std::move(t);
  return outputs_[i];
}

void KernelContext::setOutput(size_t i, RtTensor t) {
  outputs_[i] = std::move(t);
}

KernelRegistry& KernelRegistry::instance() {
  static KernelRegistry* r = [] {
    auto* reg = new KernelRegistry();
    registerAllKernels(*reg);
    registerFastKernels(*reg);
    return reg;
  }();
  return *r;
}

void KernelRegistry::add(const std::string& op, Kernel k, KernelSet set, const std::string& domain,
                         KernelTraits traits) {
  auto& table = set == KernelSet::Fast ? fast_ : reference_;
  table[{domain, op}] = KernelEntry{std::move(k), traits};
}

const KernelEntry* KernelRegistry::find(const std::string& domain, const std::string& op,
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

std::vector<std::string> KernelRegistry::fastOps() const {
  std::vector<std::string> out;
  for (const auto& [key, k] : fast_) out.push_back(key.second);
  return out;
}

#ifndef NNPORT_HAVE_DNNL
void registerFastKernels(KernelRegistry&) {}
void setKernelThreads(int) {}
unsigned saveFloatMode() {
  return 0;
}
void restoreFloatMode(unsigned) {}
#endif

}  // namespace nnport::exec
