// Arena recording and planning.
#include "exec/arena.h"

#include <cstdlib>

#include "exec/memory_plan.h"
#include "support/memory_budget.h"

namespace nnport::exec {

void Arena::beginRecording(Key key) {
  recording_ = true;
  key_ = std::move(key);
  outputs_.clear();
}

void Arena::finishRecording(const std::vector<size_t>& lastUse, size_t numNodes) {
  recording_ = false;
  std::vector<BufferLifetime> buffers;
  std::vector<bool> pinned;  // per buffer: reaches a graph output
  std::map<size_t, size_t> bufferOfSlot;
  std::vector<std::pair<size_t, size_t>> owners;  // per buffer: (node, output) that made it
  for (const Output& o : outputs_) {
    const size_t last = o.slot < lastUse.size() ? lastUse[o.slot] : numNodes;
    size_t b;
    if (o.fresh) {
      b = buffers.size();
      buffers.push_back({o.bytes, o.node, o.node});
      pinned.push_back(false);
      owners.emplace_back(o.node, o.output);
    } else if (o.viewOfSlot && bufferOfSlot.count(*o.viewOfSlot)) {
      b = bufferOfSlot.at(*o.viewOfSlot);
    } else {
      continue;  // memory of its own or of a constant/graph input
    }
    bufferOfSlot[o.slot] = b;
    if (last >= numNodes)
      pinned[b] = true;
    else
      buffers[b].last = std::max(buffers[b].last, last);
  }
  std::vector<BufferLifetime> planned;
  std::vector<size_t> which;
  for (size_t b = 0; b < buffers.size(); ++b)
    if (!pinned[b]) {
      planned.push_back(buffers[b]);
      which.push_back(b);
    }
  const MemoryPlan plan = planMemory(planned);
  slices_.clear();
  for (size_t i = 0; i < which.size(); ++i)
    slices_[owners[which[i]]] = {plan.offsets[i], planned[i].bytes};
  outputs_.clear();
  memory_.reset();
  bytes_ = 0;
  plannedFor_.reset();
  // An arena the budget or the heap cannot hold leaves the runs on the
  // heap, tensor by tensor, as in the recording run.
  const size_t size = (plan.total + 63) / 64 * 64 + 64;
  if (size < plan.total || !MemoryBudget::acquire(size, "the interpreter's arena")) return;
  auto* memory = static_cast<uint8_t*>(std::aligned_alloc(64, size));
  if (!memory) {
    MemoryBudget::release(size);
    return;
  }
  memory_.reset(memory, [size](uint8_t* p) {
    std::free(p);
    MemoryBudget::release(size);
  });
  bytes_ = plan.total;
  plannedFor_ = key_;
}

RtTensor Arena::allocate(size_t node, size_t output, DType dtype, const std::vector<int64_t>& dims,
                         int block) const {
  auto it = slices_.find({node, output});
  if (it == slices_.end() || RtTensor::storageBytes(dtype, dims, block) != it->second.second)
    return RtTensor();
  return RtTensor::borrow(dtype, dims, memory_.get() + it->second.first, memory_, block);
}

}  // namespace nnport::exec
