// Small builders shared by the unit tests that construct graphs by hand.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/ops/registry.h"
#include "ir/shape_inference.h"

namespace nnport::testing {

inline TensorType tt(DType d, std::vector<Dim> dims) {
  return {d, Shape(std::move(dims))};
}
inline TensorType f32(std::vector<Dim> dims) {
  return tt(DType::Float32, std::move(dims));
}

// A 1-D initializer.
inline Value* ints(Graph& g, const std::string& name, std::vector<int64_t> v) {
  std::vector<int64_t> dims{static_cast<int64_t>(v.size())};
  return g.addInitializer(name,
                          std::make_shared<Tensor>(Tensor::fromVector(DType::Int64, dims, v)));
}

// Strict shape inference at one default-domain opset.
inline Expected<InferReport> inferStrict(Graph& g, int64_t opset = 17) {
  return inferShapes(g, {{"", opset}}, {true});
}

// Inference fails with a message containing both `who` and `what`.
inline void requireErrorNaming(Graph& g, const std::string& who, const std::string& what,
                               int64_t opset = 17) {
  auto r = inferStrict(g, opset);
  REQUIRE_FALSE(r);
  CHECK(r.status().message().find(who) != std::string::npos);
  CHECK(r.status().message().find(what) != std::string::npos);
}

inline int64_t macs(const Node* n) {
  REQUIRE(n->schema());
  REQUIRE(n->schema()->macs);
  return n->schema()->macs(*n);
}

}  // namespace nnport::testing
