// Type and shape inference over a whole graph, driven by the op registry.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace nnport {

struct InferOptions {
  // Strict: an op's inference error or a conflict with a declared shape is
  // an error. Lenient: such nodes keep what they had and are reported.
  bool strict = false;
};

struct InferReport {
  size_t inferred = 0;               // nodes whose outputs were inferred
  std::vector<std::string> skipped;  // "node 'x' (Op): reason" (lenient mode)
};

Expected<InferReport> inferShapes(Graph& g, const std::unordered_map<std::string, int64_t>& opsets,
                                  const InferOptions& opts = {});
inline Expected<InferReport> inferShapes(Model& m, const InferOptions& opts = {}) {
  return inferShapes(m.graph, m.opsetMap(), opts);
}

// The rank of `v` from its type, its constant data, or a producer whose
// output rank is fixed (Flatten, Gemm: 2); nullopt when unknown. For the
// rewrites that need a rank without running inference.
std::optional<size_t> knownRank(const Value& v);

}  // namespace nnport
