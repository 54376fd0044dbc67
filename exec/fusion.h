// Run-time activation fusion for the fast kernels: a Conv/Gemm-like node
// whose only consumer is an activation computes it in place (oneDNN
// post-ops), so the activation's pass over memory disappears. The graph is
// not changed; the executor only skips the absorbed nodes, and runs
// unfused whenever an observer wants every intermediate tensor.
#pragma once

#include <optional>
#include <vector>

#include "exec/kernel.h"
#include "ir/graph.h"

namespace nnport::exec {

struct ActivationFusion {
  FusedActivation act;
  std::vector<const Node*> absorbed;  // the activation's nodes
  const Value* result = nullptr;      // the value the producer now writes
};

// The activation that alone consumes `producer`'s float output 0: one of
// the FusedActivation ops, or Sigmoid + Mul(x, sigmoid(x)) as Swish.
std::optional<ActivationFusion> matchActivation(const Node& producer);

// The activation on plain float or double data, for kernels that fall back
// to the reference path.
template <typename T>
void applyActivation(const FusedActivation& a, T* x, int64_t n);

}  // namespace nnport::exec
