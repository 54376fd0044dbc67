// Numpy-style broadcasting for elementwise kernels: the output dims of
// several inputs, and per-input element offsets walked in output order.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "exec/rt_tensor.h"

namespace nnport::exec {

std::optional<std::vector<int64_t>> broadcastDims(const std::vector<const RtTensor*>& ins);

// Walks the output's elements; offset(k) is input k's element for the
// current output position.
class BroadcastWalker {
 public:
  BroadcastWalker(const std::vector<int64_t>& outDims, const std::vector<const RtTensor*>& ins);
  int64_t offset(size_t k) const { return offsets_[k]; }
  void next();  // advance one output element

 private:
  std::vector<int64_t> outDims_, counter_;
  std::vector<std::vector<int64_t>> strides_;  // per input, per output axis (0 = broadcast)
  std::vector<int64_t> offsets_;
};

}  // namespace nnport::exec
