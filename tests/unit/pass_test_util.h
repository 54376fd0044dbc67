// Shared helpers of the pass tests: random constants, op histograms, a
// pipeline run with --verify-each that fails the test on an error, text-IR
// rewrites and outputs before and after a pipeline.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "exec/executor.h"
#include "ir/printer.h"
#include "ir/text_parser.h"
#include "passes/pass_manager.h"
#include "tests/unit/test_graphs.h"

namespace nnport::testing {

inline TensorPtr randomFloats(std::vector<int64_t> dims, uint32_t seed, float lo = -1.f,
                              float hi = 1.f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(lo, hi);
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  std::vector<float> v(static_cast<size_t>(n));
  for (float& f : v) f = u(rng);
  return std::make_shared<Tensor>(Tensor::fromVector(DType::Float32, std::move(dims), v));
}

inline std::map<std::string, size_t> opCounts(const Model& m) {
  std::map<std::string, size_t> c;
  for (const Node* n : m.graph.nodes()) ++c[n->opType()];
  return c;
}

inline PassReport runPasses(Model& m, const std::string& pipeline) {
  auto p = parsePipeline(pipeline);
  REQUIRE(p);
  PassManagerOptions o;
  o.verifyEach = true;
  auto r = runPipeline(m, *p, o);
  if (!r) FAIL(r.status().message());
  return *r;
}

// Runs `pipeline` on the text graph `before` and requires the result to
// print exactly as the text graph `expected` does (structure, attributes,
// types and names; constant values print only up to 8 elements).
inline void requireRewrite(const std::string& before, const std::string& pipeline,
                           const std::string& expected) {
  auto m = parseModelText(before);
  if (!m) FAIL(m.status().message());
  auto want = parseModelText(expected);
  if (!want) FAIL(want.status().message());
  runPasses(**m, pipeline);
  CHECK(printGraph((*m)->graph) == printGraph((*want)->graph));
}

// The first output of `m` on x = 0, 1, 2, ... of shape `dims` (reference
// kernels: any index error shows).
inline exec::RtTensor outputOnRamp(const Model& m, const std::vector<int64_t>& dims) {
  auto e = exec::Executor::create(m, {exec::KernelSet::Reference, 1});
  REQUIRE(e);
  exec::RtTensor x = exec::RtTensor::allocate(DType::Float32, dims);
  for (int64_t i = 0; i < x.numElements(); ++i) x.data<float>()[i] = static_cast<float>(i);
  auto r = (*e)->run({{"x", x}});
  REQUIRE(r);
  return r->at(0).second;
}

// Outputs of the text model on x = 0, 1, 2, ... before and after `pipeline`:
// equal, or with `tolerance` > 0 within that fraction of the largest output
// magnitude (for pipelines that fold arithmetic into Convs).
inline void requireSameOutputs(const std::string& text, const std::string& pipeline,
                               std::vector<int64_t> dims, double tolerance = 0) {
  auto run = [&](const Model& m) { return outputOnRamp(m, dims); };
  auto m = parseModelText(text);
  REQUIRE(m);
  const exec::RtTensor before = run(**m);
  runPasses(**m, pipeline);
  const exec::RtTensor after = run(**m);
  REQUIRE(after.dims() == before.dims());
  double largest = 0;
  for (int64_t i = 0; i < before.numElements(); ++i)
    largest = std::max(largest, std::abs(before.floatAt(i)));
  for (int64_t i = 0; i < before.numElements(); ++i) {
    if (tolerance == 0)
      CHECK(after.floatAt(i) == before.floatAt(i));
    else
      CHECK(std::abs(after.floatAt(i) - before.floatAt(i)) <= tolerance * largest);
  }
}

}  // namespace nnport::testing
