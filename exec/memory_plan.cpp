// Greedy-by-size arena placement.
#include "exec/memory_plan.h"

#include <algorithm>
#include <cstdint>
#include <numeric>

namespace nnport::exec {

namespace {

size_t alignUp(size_t v, size_t a) {
  return (v + a - 1) / a * a;
}

bool overlapInTime(const BufferLifetime& a, const BufferLifetime& b) {
  return a.first <= b.last && b.first <= a.last;
}

}  // namespace

MemoryPlan planMemory(const std::vector<BufferLifetime>& buffers, size_t alignment) {
  MemoryPlan plan;
  plan.offsets.assign(buffers.size(), 0);
  std::vector<size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return buffers[a].bytes > buffers[b].bytes; });
  std::vector<size_t> placed;
  for (size_t b : order) {
    const size_t need = alignUp(std::max<size_t>(buffers[b].bytes, 1), alignment);
    // Intervals taken by live-at-the-same-time buffers, by offset.
    std::vector<std::pair<size_t, size_t>> taken;
    for (size_t p : placed)
      if (overlapInTime(buffers[p], buffers[b]))
        taken.emplace_back(plan.offsets[p], plan.offsets[p] + alignUp(buffers[p].bytes, alignment));
    std::sort(taken.begin(), taken.end());
    size_t best = SIZE_MAX, bestGap = SIZE_MAX, cursor = 0;
    for (const auto& [lo, hi] : taken) {
      if (lo > cursor && lo - cursor >= need && lo - cursor < bestGap) {
        best = cursor;
        bestGap = lo - cursor;
      }
      cursor = std::max(cursor, hi);
    }
    plan.offsets[b] = best != SIZE_MAX ? best : cursor;
    plan.total = std::max(plan.total, plan.offsets[b] + need);
    placed.push_back(b);
  }
  return plan;
}

}  // namespace nnport::exec
