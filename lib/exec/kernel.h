// Kernels of the reference interpreter: one function per op and kernel set,
// registered from one file per op family (lib/exec/kernels/<family>.cpp,
// listed in lib/exec/kernels/all_kernels.cpp).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "lib/exec/rt_tensor.h"

namespace nnport::exec {

// Reference kernels are the plain ground truth; fast kernels (oneDNN) are
// used where registered, else the reference one.
enum class KernelSet { Reference, Fast };

class KernelContext {
 public:
  KernelContext(const Node& node, int64_t opset, std::vector<const RtTensor*> inputs,
                std::vector<RtTensor>& outputs, int threads)
      : node_(node), opset_(opset), inputs_(std::move(inputs)), outputs_(outputs),
        threads_(threads) {}

  const Node& node() const { return node_; }
  int64_t opset() const { return opset_; }
  int threads() const { return threads_; }
  size_t numInputs() const { return inputs_.size(); }
  // nullptr for an omitted optional input.
  const RtTensor* input(size_t i) const { return i < inputs_.size() ? inputs_[i] : nullptr; }
  size_t numOutputs() const { return outputs_.size(); }
  bool wantsOutput(size_t i) const { return i < outputs_.size() && node_.output(i); }
  // Allocates output i with the given type; returns it for writing.
  RtTensor& allocateOutput(size_t i, DType dtype, std::vector<int64_t> dims);
  // Sets output i to an existing tensor (views and pass-through ops).
  void setOutput(size_t i, RtTensor t);

  int64_t attrInt(const std::string& n, int64_t d = 0) const { return node_.attrInt(n, d); }
  float attrFloat(const std::string& n, float d = 0.f) const { return node_.attrFloat(n, d); }
  std::string attrString(const std::string& n, const std::string& d = "") const {
    return node_.attrString(n, d);
  }
  std::vector<int64_t> attrInts(const std::string& n) const { return node_.attrInts(n); }

  template <typename... Args>
  Status error(fmt::format_string<Args...> f, Args&&... a) const {
    return Status::invalid("{}: {}", node_.describe(), fmt::format(f, std::forward<Args>(a)...));
  }
  template <typename... Args>
  Status unsupported(fmt::format_string<Args...> f, Args&&... a) const {
    return Status::unsupported("{}: {}", node_.describe(), fmt::format(f, std::forward<Args>(a)...));
  }

 private:
  const Node& node_;
  int64_t opset_;
  std::vector<const RtTensor*> inputs_;
  std::vector<RtTensor>& outputs_;
  int threads_;
};

using Kernel = std::function<Status(KernelContext&)>;

class KernelRegistry {
 public:
  static KernelRegistry& instance();
  void add(const std::string& op, Kernel k, KernelSet set = KernelSet::Reference,
           const std::string& domain = "");
  // The kernel for the set (falling back to the reference kernel), or nullptr.
  const Kernel* find(const std::string& domain, const std::string& op, KernelSet set) const;
  std::vector<std::string> ops() const;

 private:
  std::map<std::pair<std::string, std::string>, Kernel> reference_, fast_;
};

void registerAllKernels(KernelRegistry& r);

}  // namespace nnport::exec
