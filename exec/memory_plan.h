// Liveness-based memory plan: every intermediate buffer gets an offset in
// one arena such that buffers alive at the same time never overlap.
// Greedy by size (largest first, each into the lowest gap that fits among
// the already placed buffers whose lifetimes intersect), as TFLite's and
// ONNX Runtime's planners do.
#pragma once

#include <cstddef>
#include <vector>

namespace nnport::exec {

struct BufferLifetime {
  size_t bytes = 0;
  size_t first = 0, last = 0;  // node indices, inclusive
};

struct MemoryPlan {
  std::vector<size_t> offsets;  // per buffer
  size_t total = 0;             // arena size
};

MemoryPlan planMemory(const std::vector<BufferLifetime>& buffers, size_t alignment = 64);

}  // namespace nnport::exec
