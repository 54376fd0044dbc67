// Reference conv and pool kernels on small hand-computed cases: grouped and
// dilated conv, SAME padding, transposed conv, ceil-mode pools and Indices.
#include <catch2/catch.hpp>

#include "exec/executor.h"
#include "tests/unit/test_graphs.h"

using namespace nnport;
using namespace nnport::exec;
using namespace nnport::testing;

namespace {

TensorPtr floats(std::vector<int64_t> dims, std::vector<float> v) {
  return std::make_shared<Tensor>(
      Tensor::fromVector(DType::Float32, std::move(dims), std::move(v)));
}

// One `op` node reading input x and the given initializers, with `outputs`
// results; runs it on `x`.
Expected<NamedTensors> runNode(const std::string& op, std::vector<Attribute> attrs,
                               std::vector<int64_t> xDims, std::vector<float> xValues,
                               std::vector<TensorPtr> weights, size_t outputs = 1) {
  Model m;
  m.opsets = {{"", 17}};
  Graph& g = m.graph;
  std::vector<Dim> dims(xDims.begin(), xDims.end());
  std::vector<Value*> ins{g.addInput("x", f32(dims))};
  for (size_t i = 0; i < weights.size(); ++i)
    ins.push_back(g.addInitializer("w" + std::to_string(i), weights[i]));
  std::vector<std::string> names;
  for (size_t i = 0; i < outputs; ++i) names.push_back("y" + std::to_string(i));
  Node* n = g.addNode(op, "", ins, names, "node");
  for (Attribute& a : attrs) n->attrs.set(std::move(a));
  for (size_t i = 0; i < outputs; ++i) g.addOutput(n->output(i));
  auto e = Executor::create(m, {KernelSet::Reference, 1});
  if (!e) return e.status();
  RtTensor x = RtTensor::allocate(DType::Float32, xDims);
  std::copy(xValues.begin(), xValues.end(), x.data<float>());
  return (*e)->run({{"x", x}});
}

void checkValues(const RtTensor& t, std::vector<int64_t> dims, std::vector<double> want) {
  REQUIRE(t.dims() == dims);
  REQUIRE(t.numElements() == static_cast<int64_t>(want.size()));
  for (size_t i = 0; i < want.size(); ++i)
    CHECK(t.floatAt(static_cast<int64_t>(i)) == Approx(want[i]));
}

std::vector<float> iota(int n) {
  std::vector<float> v;
  for (int i = 1; i <= n; ++i) v.push_back(static_cast<float>(i));
  return v;
}

}  // namespace

TEST_CASE("a grouped dilated 1-D conv adds per-group taps two apart", "[exec]") {
  // Taps at o-1 and o+1: channel 0 computes x[o-1] - x[o+1] + 0.5, channel 1
  // computes 2*x[o-1] + x[o+1] - 1, zero outside.
  auto out = runNode("Conv",
                     {Attribute::ofInt("group", 2), Attribute::ofInts("dilations", {2}),
                      Attribute::ofInts("pads", {1, 1})},
                     {1, 2, 5}, {1, 2, 3, 4, 5, 10, 20, 30, 40, 50},
                     {floats({2, 1, 2}, {1, -1, 2, 1}), floats({2}, {0.5f, -1})});
  REQUIRE(out.hasValue());
  checkValues((*out)[0].second, {1, 2, 5}, {-1.5, -1.5, -1.5, -1.5, 4.5, 19, 49, 79, 109, 79});
}

TEST_CASE("SAME padding puts the odd pad at the end (UPPER) or start (LOWER)", "[exec]") {
  const std::vector<Attribute> base{Attribute::ofInts("strides", {2, 2})};
  auto run = [&](const char* mode) {
    std::vector<Attribute> attrs = base;
    attrs.push_back(Attribute::ofString("auto_pad", mode));
    return runNode("Conv", attrs, {1, 1, 3, 3}, iota(9), {floats({1, 1, 2, 2}, {1, 1, 1, 1})});
  };
  auto upper = run("SAME_UPPER");
  REQUIRE(upper.hasValue());
  checkValues((*upper)[0].second, {1, 1, 2, 2}, {12, 9, 15, 9});
  auto lower = run("SAME_LOWER");
  REQUIRE(lower.hasValue());
  checkValues((*lower)[0].second, {1, 1, 2, 2}, {1, 5, 11, 28});
}

TEST_CASE("a strided ConvTranspose scatters overlapping windows", "[exec]") {
  auto out = runNode("ConvTranspose", {Attribute::ofInts("strides", {2})}, {1, 1, 3}, {1, 2, 3},
                     {floats({1, 1, 3}, {1, 1, 1})});
  REQUIRE(out.hasValue());
  checkValues((*out)[0].second, {1, 1, 7}, {1, 1, 3, 2, 5, 3, 3});
}

TEST_CASE("a conv whose weight does not match the input channels is an error", "[exec]") {
  auto out = runNode("Conv", {}, {1, 3, 4, 4}, std::vector<float>(48, 1.f),
                     {floats({1, 2, 1, 1}, {1, 1})});
  REQUIRE_FALSE(out.hasValue());
  CHECK(out.status().message().find("channels") != std::string::npos);
}

TEST_CASE("ceil-mode pools keep the partial last window", "[exec]") {
  const std::vector<Attribute> attrs{Attribute::ofInts("kernel_shape", {3, 3}),
                                     Attribute::ofInts("strides", {2, 2}),
                                     Attribute::ofInt("ceil_mode", 1)};
  auto max = runNode("MaxPool", attrs, {1, 1, 4, 4}, iota(16), {}, 2);
  REQUIRE(max.hasValue());
  checkValues((*max)[0].second, {1, 1, 2, 2}, {11, 12, 15, 16});
  checkValues((*max)[1].second, {1, 1, 2, 2}, {10, 11, 14, 15});
  auto avg = runNode("AveragePool", attrs, {1, 1, 4, 4}, iota(16), {});
  REQUIRE(avg.hasValue());
  checkValues((*avg)[0].second, {1, 1, 2, 2}, {6, 7.5, 12, 13.5});
}

TEST_CASE("MaxPool indices in column-major storage order", "[exec]") {
  // 2x3 input, 2x2 windows at stride 1: maxima at (1,1) and (1,2).
  auto out = runNode(
      "MaxPool", {Attribute::ofInts("kernel_shape", {2, 2}), Attribute::ofInt("storage_order", 1)},
      {1, 1, 2, 3}, iota(6), {}, 2);
  REQUIRE(out.hasValue());
  checkValues((*out)[0].second, {1, 1, 1, 2}, {5, 6});
  checkValues((*out)[1].second, {1, 1, 1, 2}, {1 + 1 * 2, 1 + 2 * 2});
}

TEST_CASE("a kernel larger than the padded input gives an empty output", "[exec]") {
  auto out = runNode("Conv", {}, {1, 1, 2, 2}, iota(4),
                     {floats({1, 1, 3, 3}, std::vector<float>(9, 1.f))});
  REQUIRE(out.hasValue());
  CHECK((*out)[0].second.dims() == std::vector<int64_t>{1, 1, 0, 0});
}

TEST_CASE("LpPool and GlobalLpPool take the p-norm of each window", "[exec]") {
  auto lp = runNode("LpPool", {Attribute::ofInts("kernel_shape", {2, 2}), Attribute::ofInt("p", 2)},
                    {1, 1, 2, 2}, {3, -4, 0, 0}, {});
  REQUIRE(lp.hasValue());
  checkValues((*lp)[0].second, {1, 1, 1, 1}, {5});
  auto global = runNode("GlobalLpPool", {Attribute::ofInt("p", 1)}, {1, 2, 2}, {3, -4, 1, 1}, {});
  REQUIRE(global.hasValue());
  checkValues((*global)[0].second, {1, 2, 1}, {7, 2});
}
