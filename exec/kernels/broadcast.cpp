// Broadcast shape computation and offset walking.
#include "exec/kernels/broadcast.h"

#include <algorithm>

namespace nnport::exec {

std::optional<std::vector<int64_t>> broadcastDims(const std::vector<const RtTensor*>& ins) {
  size_t rank = 0;
  for (const RtTensor* t : ins) rank = std::max(rank, t->rank());
  std::vector<int64_t> out(rank, 1);
  for (const RtTensor* t : ins) {
    const size_t off = rank - t->rank();
    for (size_t i = 0; i < t->rank(); ++i) {
      const int64_t d = t->dim(i);
      int64_t& o = out[off + i];
      if (d == o || d == 1) continue;
      if (o != 1) return std::nullopt;
      o = d;
    }
  }
  return out;
}

BroadcastWalker::BroadcastWalker(const std::vector<int64_t>& outDims,
                                 const std::vector<const RtTensor*>& ins)
    : outDims_(outDims), counter_(outDims.size(), 0), offsets_(ins.size(), 0) {
  const size_t rank = outDims.size();
  for (const RtTensor* t : ins) {
    std::vector<int64_t> strides(rank, 0);
    int64_t stride = 1;
    for (size_t i = t->rank(); i-- > 0;) {
      const size_t axis = rank - t->rank() + i;
      strides[axis] = t->dim(i) == 1 ? 0 : stride;
      stride *= t->dim(i);
    }
    strides_.push_back(std::move(strides));
  }
}

void BroadcastWalker::next() {
  for (size_t axis = outDims_.size(); axis-- > 0;) {
    for (size_t k = 0; k < offsets_.size(); ++k) offsets_[k] += strides_[k][axis];
    if (++counter_[axis] < outDims_[axis]) return;
    for (size_t k = 0; k < offsets_.size(); ++k) offsets_[k] -= strides_[k][axis] * outDims_[axis];
    counter_[axis] = 0;
  }
}

}  // namespace nnport::exec
