// Kernels of the reference interpreter: one function per op and kernel set,
// registered from one file per op family (exec/kernels/<family>.cpp,
// listed in exec/kernels/all_kernels.cpp).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "exec/rt_tensor.h"
#include "ir/fused_activation.h"
#include "ir/graph.h"

namespace nnport::exec {

// Reference kernels are the plain ground truth; fast kernels (oneDNN) are
// used where registered, else the reference one.
enum class KernelSet { Reference, Fast };

// Per-node state a kernel may keep across runs (a compiled primitive,
// reordered weights), owned by the executor.
struct KernelState {
  virtual ~KernelState() = default;
};

// Output memory from the executor's arena; an empty tensor means "use the
// heap".
using OutputAllocator = std::function<RtTensor(size_t output, DType dtype,
                                               const std::vector<int64_t>& dims, int block)>;

class KernelContext {
 public:
  KernelContext(const Node& node, int64_t opset, std::vector<const RtTensor*> inputs,
                std::vector<RtTensor>& outputs, int threads)
      : node_(node),
        opset_(opset),
        inputs_(std::move(inputs)),
        outputs_(outputs),
        threads_(threads) {}

  // Executor wiring (all optional).
  void setState(std::unique_ptr<KernelState>* s) { state_ = s; }
  void setAllocator(const OutputAllocator* a) { allocator_ = a; }
  void setFused(const FusedActivation* f) { fused_ = f; }

  const Node& node() const { return node_; }
  int64_t opset() const { return opset_; }
  int threads() const { return threads_; }
  size_t numInputs() const { return inputs_.size(); }
  // nullptr for an omitted optional input.
  const RtTensor* input(size_t i) const { return i < inputs_.size() ? inputs_[i] : nullptr; }
  size_t numOutputs() const { return outputs_.size(); }
  bool wantsOutput(size_t i) const { return i < outputs_.size() && node_.output(i); }
  // True when input i is a graph constant (same bytes on every run).
  bool inputIsConstant(size_t i) const {
    return i < node_.numInputs() && node_.input(i) && node_.input(i)->isConstant();
  }
  // The activation to apply to output 0, or nullptr.
  const FusedActivation* fused() const { return fused_; }
  // This node's persistent state slot (empty on the first run), or nullptr
  // when the caller keeps none.
  std::unique_ptr<KernelState>* state() { return state_; }

  // Allocates output i with the given type; returns it for writing. Zero
  // filled unless `zero` is false (kernels that write every element).
  RtTensor& allocateOutput(size_t i, DType dtype, std::vector<int64_t> dims, bool zero = true);
  // Allocates output i in the channel-blocked layout (zeroed unless `zero`
  // is false: the kernel writes every element, padding included).
  RtTensor& allocateBlockedOutput(size_t i, DType dtype, std::vector<int64_t> dims, int block,
                                  bool zero = true);
  // Sets output i to an existing tensor (views and pass-through ops).
  void setOutput(size_t i, RtTensor t);
  RtTensor& output(size_t i) { return outputs_[i]; }
  // Points input i elsewhere (a layout-converted copy the caller keeps alive).
  void replaceInput(size_t i, const RtTensor* t) { inputs_[i] = t; }

  // The node's attributes, as Node reads them (ir/graph.h): the op record's
  // default when unset; a fallback only where the record has none.
  int64_t attrInt(const std::string& n) const { return node_.attrInt(n); }
  int64_t attrInt(const std::string& n, int64_t d) const { return node_.attrInt(n, d); }
  float attrFloat(const std::string& n) const { return node_.attrFloat(n); }
  float attrFloat(const std::string& n, float d) const { return node_.attrFloat(n, d); }
  std::string attrString(const std::string& n) const { return node_.attrString(n); }
  std::string attrString(const std::string& n, const std::string& d) const {
    return node_.attrString(n, d);
  }
  std::vector<int64_t> attrInts(const std::string& n) const { return node_.attrInts(n); }

  template <typename... Args>
  Status error(fmt::format_string<Args...> f, Args&&... a) const {
    return Status::invalid("{}: {}", node_.describe(), fmt::format(f, std::forward<Args>(a)...));
  }
  template <typename... Args>
  Status unsupported(fmt::format_string<Args...> f, Args&&... a) const {
    return Status::unsupported("{}: {}", node_.describe(),
                               fmt::format(f, std::forward<Args>(a)...));
  }

 private:
  const Node& node_;
  int64_t opset_;
  std::vector<const RtTensor*> inputs_;
  std::vector<RtTensor>& outputs_;
  int threads_;
  std::unique_ptr<KernelState>* state_ = nullptr;
  const OutputAllocator* allocator_ = nullptr;
  const FusedActivation* fused_ = nullptr;
};

using Kernel = std::function<Status(KernelContext&)>;

// What a kernel can take beyond plain inputs.
struct KernelTraits {
  bool blockedInputs = false;    // accepts channel-blocked inputs
  bool fusesActivation = false;  // applies ctx.fused() to output 0
};

struct KernelEntry {
  Kernel fn;
  KernelTraits traits;
};

class KernelRegistry {
 public:
  static KernelRegistry& instance();
  void add(const std::string& op, Kernel k, KernelSet set = KernelSet::Reference,
           const std::string& domain = "", KernelTraits traits = {});
  // The kernel for the set (falling back to the reference kernel), or nullptr.
  const KernelEntry* find(const std::string& domain, const std::string& op, KernelSet set) const;
  std::vector<std::string> ops() const;
  std::vector<std::string> fastOps() const;

 private:
  std::map<std::pair<std::string, std::string>, KernelEntry> reference_, fast_;
};

void registerAllKernels(KernelRegistry& r);
// The oneDNN kernels (exec/fast/), when built with oneDNN.
void registerFastKernels(KernelRegistry& r);
// Sets the thread count of the fast kernels' runtime and makes its threads
// (the calling one included) flush denormals to zero; no-op without them.
void setKernelThreads(int threads);
// The calling thread's floating-point mode (x86 MXCSR), to restore after a
// fast run.
unsigned saveFloatMode();
void restoreFloatMode(unsigned mode);

}  // namespace nnport::exec
