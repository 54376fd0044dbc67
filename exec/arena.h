// The executor's arena: records, during a run with new input shapes, each
// node output's size and whether it is fresh memory or a view of one of
// the node's inputs; then plans one arena for the fresh intermediates
// (exec/memory_plan.h) and hands out slices of it on later runs with
// the same shapes.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "exec/rt_tensor.h"

namespace nnport::exec {

class Arena {
 public:
  using Key = std::vector<std::vector<int64_t>>;

  struct Output {
    size_t node = 0, output = 0, slot = 0;
    size_t bytes = 0;
    bool fresh = false;                // allocated for this output
    std::optional<size_t> viewOfSlot;  // shares the memory of this slot
  };

  // Starts recording for a run whose inputs have these shapes.
  void beginRecording(Key key);
  bool recording() const { return recording_; }
  void record(const Output& o) { outputs_.push_back(o); }
  // Builds the plan. lastUse[slot] is the last node reading the slot
  // (numNodes for graph outputs, which stay on the heap).
  void finishRecording(const std::vector<size_t>& lastUse, size_t numNodes);

  bool planned(const Key& key) const { return plannedFor_ && *plannedFor_ == key; }
  // A slice for output `output` of node `node`, or an empty tensor when the
  // plan has none of exactly that size.
  RtTensor allocate(size_t node, size_t output, DType dtype, const std::vector<int64_t>& dims,
                    int block) const;
  size_t bytes() const { return bytes_; }

 private:
  bool recording_ = false;
  Key key_;
  std::optional<Key> plannedFor_;
  std::vector<Output> outputs_;
  std::map<std::pair<size_t, size_t>, std::pair<size_t, size_t>>
      slices_;  // (node, out) -> (offset, bytes)
  std::shared_ptr<uint8_t> memory_;
  size_t bytes_ = 0;
};

}  // namespace nnport::exec
