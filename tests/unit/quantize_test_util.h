// Shared pieces of the quantizer tests: a small CNN built by hand, a
// directory of calibration samples, and the SQNR of two outputs.
#pragma once

#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "exec/executor.h"
#include "ir/builder.h"
#include "ir/shape_inference.h"
#include "lib/npy.h"

namespace nnport::testing {

inline std::vector<float> randomFloats(size_t n, uint32_t seed, float lo = -1, float hi = 1) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (float& x : v) x = d(gen);
  return v;
}

// x[1,3,8,8] -> Conv 3x3 (8, bias) -> Relu -> MaxPool 2 -> Conv 1x1 (4,
// bias) -> Add(skip: a 1x1 Conv of the pooled input) -> y[1,4,4,4].
inline std::unique_ptr<Model> smallCnn(int64_t opset = 13) {
  auto m = std::make_unique<Model>();
  m->opsets = {{"", opset}};
  Graph& g = m->graph;
  g.name = "small_cnn";
  Value* x = g.addInput("x", {DType::Float32, Shape({Dim(1), Dim(3), Dim(8), Dim(8)})});
  Value* w1 = g.addInitializer("w1", floatTensor({8, 3, 3, 3}, randomFloats(216, 1, -0.5f, 0.5f)));
  Value* b1 = g.addInitializer("b1", floatTensor({8}, randomFloats(8, 2, -0.1f, 0.1f)));
  Value* w2 = g.addInitializer("w2", floatTensor({4, 8, 1, 1}, randomFloats(32, 3)));
  Value* b2 = g.addInitializer("b2", floatTensor({4}, randomFloats(4, 4, -0.1f, 0.1f)));
  Value* w3 = g.addInitializer("w3", floatTensor({4, 8, 1, 1}, randomFloats(32, 5)));
  Node* c1 = addNodeWith(g, "Conv", {x, w1, b1}, {"c1"}, "conv1",
                         {Attribute::ofInts("pads", {1, 1, 1, 1})});
  Node* r = addNodeWith(g, "Relu", {c1->output()}, {"r1"}, "relu1", {});
  Node* p = addNodeWith(
      g, "MaxPool", {r->output()}, {"p1"}, "pool1",
      {Attribute::ofInts("kernel_shape", {2, 2}), Attribute::ofInts("strides", {2, 2})});
  Node* c2 = addNodeWith(g, "Conv", {p->output(), w2, b2}, {"c2"}, "conv2", {});
  Node* c3 = addNodeWith(g, "Conv", {p->output(), w3}, {"c3"}, "skip", {});
  Node* add = addNodeWith(g, "Add", {c2->output(), c3->output()}, {"y"}, "add", {});
  g.addOutput(add->output());
  g.bindSchemas(m->opsetMap());
  REQUIRE(inferShapes(*m));
  return m;
}

inline exec::RtTensor sampleTensor(std::vector<int64_t> dims, uint32_t seed) {
  exec::RtTensor t = exec::RtTensor::allocate(DType::Float32, dims);
  const auto v = randomFloats(static_cast<size_t>(t.numElements()), seed);
  std::copy(v.begin(), v.end(), t.data<float>());
  return t;
}

// A fresh directory of `n` samples named 000.npy, 001.npy, ...
inline std::string calibDir(const std::string& name, size_t n, std::vector<int64_t> dims,
                            uint32_t seed = 100) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("nnport_calib_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  for (size_t i = 0; i < n; ++i) {
    char file[16];
    std::snprintf(file, sizeof file, "%03zu.npy", i);
    REQUIRE(writeNpy(sampleTensor(dims, seed + static_cast<uint32_t>(i)), (dir / file).string()));
  }
  return dir.string();
}

inline exec::RtTensor runOne(const Model& m, const exec::RtTensor& x) {
  auto e = exec::Executor::create(m);
  if (!e) FAIL(e.status().message());
  auto out = (*e)->run({{"x", x}});
  if (!out) FAIL(out.status().message());
  return std::move(out->front().second);
}

inline double sqnrDb(const exec::RtTensor& ref, const exec::RtTensor& got) {
  REQUIRE(ref.numElements() == got.numElements());
  double s = 0, n = 0;
  for (int64_t i = 0; i < ref.numElements(); ++i) {
    const double a = ref.data<float>()[i], d = a - got.data<float>()[i];
    s += a * a, n += d * d;
  }
  return n == 0 ? 1e9 : 10 * std::log10(s / n);
}

}  // namespace nnport::testing
