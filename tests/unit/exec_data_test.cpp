// The interpreter's data-movement kernels on hand-computed cases: Slice with
// a negative step, reflect Pad, Gather with negative and out-of-range
// indices, Cast to float16 and back, Slice-1 attributes.
#include <catch2/catch.hpp>

#include <cmath>

#include "exec/executor.h"
#include "tests/unit/test_graphs.h"

using namespace nnport;
using namespace nnport::exec;
using namespace nnport::testing;

namespace {

// A model with one input x of `dims` feeding one node of `op` whose other
// operands are the given int64 initializers.
std::unique_ptr<Model> oneNode(const std::string& op, std::vector<Dim> dims,
                               std::vector<std::vector<int64_t>> operands,
                               std::vector<Attribute> attrs = {}, int64_t opset = 17) {
  auto m = std::make_unique<Model>();
  m->opsets = {{"", opset}};
  Graph& g = m->graph;
  std::vector<Value*> ins{g.addInput("x", f32(std::move(dims)))};
  for (size_t i = 0; i < operands.size(); ++i)
    ins.push_back(ints(g, "c" + std::to_string(i), operands[i]));
  Node* n = g.addNode(op, "", ins, {"y"}, "node");
  for (Attribute& a : attrs) n->attrs.set(std::move(a));
  g.addOutput(n->output());
  return m;
}

RtTensor iota(std::vector<int64_t> dims) {
  RtTensor t = RtTensor::allocate(DType::Float32, std::move(dims));
  for (int64_t i = 0; i < t.numElements(); ++i) t.data<float>()[i] = static_cast<float>(i);
  return t;
}

Expected<NamedTensors> runOn(const Model& m, RtTensor x) {
  auto e = Executor::create(m);
  if (!e) return e.status();
  return (*e)->run({{"x", std::move(x)}});
}

std::vector<float> valuesOf(const RtTensor& t) {
  std::vector<float> v;
  for (int64_t i = 0; i < t.numElements(); ++i) v.push_back(static_cast<float>(t.floatAt(i)));
  return v;
}

}  // namespace

TEST_CASE("Slice with a negative step walks backwards and clamps", "[exec]") {
  // x = [[0..4],[5..9]]; axis 1 from 10 (clamped to 4) down to before 0, step -2.
  auto m = oneNode("Slice", {2, 5}, {{10}, {0}, {1}, {-2}});
  auto out = runOn(*m, iota({2, 5}));
  REQUIRE(out.hasValue());
  const RtTensor& y = (*out)[0].second;
  CHECK(y.dims() == std::vector<int64_t>{2, 2});
  CHECK(valuesOf(y) == std::vector<float>{4, 2, 9, 7});
}

TEST_CASE("reflect Pad mirrors without repeating the edge", "[exec]") {
  // [0,1,2] padded 2 before and 1 after: [2,1,0,1,2,1].
  auto m = oneNode("Pad", {3}, {{2, 1}}, {Attribute::ofString("mode", "reflect")});
  auto out = runOn(*m, iota({3}));
  REQUIRE(out.hasValue());
  CHECK(valuesOf((*out)[0].second) == std::vector<float>{2, 1, 0, 1, 2, 1});
}

TEST_CASE("Gather counts negative indices from the end", "[exec]") {
  auto m = oneNode("Gather", {3, 2}, {{-1, 0}}, {Attribute::ofInt("axis", 0)});
  auto out = runOn(*m, iota({3, 2}));
  REQUIRE(out.hasValue());
  const RtTensor& y = (*out)[0].second;
  CHECK(y.dims() == std::vector<int64_t>{2, 2});
  CHECK(valuesOf(y) == std::vector<float>{4, 5, 0, 1});
}

TEST_CASE("an out-of-range Gather index is an error, not a read", "[exec]") {
  auto m = oneNode("Gather", {3, 2}, {{3}}, {Attribute::ofInt("axis", 0)});
  auto out = runOn(*m, iota({3, 2}));
  REQUIRE_FALSE(out.hasValue());
  CHECK(out.status().code() == ErrorCode::InvalidInput);
  CHECK(out.status().message().find("index 3 is out of range") != std::string::npos);
}

TEST_CASE("Cast to float16 rounds to nearest even and back", "[exec]") {
  // 1 + 2^-11 is halfway between two halves: ties go to the even one (1.0);
  // 1 + 3*2^-11 rounds up to 1 + 2^-9; 70000 overflows to infinity.
  auto m = oneNode("Cast", {3}, {}, {Attribute::ofInt("to", 10)});
  Node* n = m->graph.findNode("node");
  Node* back = m->graph.addNode("Cast", "", {n->output()}, {"z"}, "back");
  back->attrs.set(Attribute::ofInt("to", 1));
  m->graph.setOutputs({back->output()});
  RtTensor x = RtTensor::allocate(DType::Float32, {3});
  x.data<float>()[0] = 1.0f + 1.0f / 2048;
  x.data<float>()[1] = 1.0f + 3.0f / 2048;
  x.data<float>()[2] = 70000.0f;
  auto out = runOn(*m, x);
  REQUIRE(out.hasValue());
  const RtTensor& z = (*out)[0].second;
  CHECK(z.data<float>()[0] == 1.0f);
  CHECK(z.data<float>()[1] == 1.0f + 1.0f / 512);
  CHECK(std::isinf(z.data<float>()[2]));
}

TEST_CASE("Slice-1 takes starts, ends and axes as attributes", "[exec]") {
  // Rows 1.. of x = [[0,1,2],[3,4,5],[6,7,8]], columns -2..-1 (end clamped).
  auto m = oneNode("Slice", {3, 3}, {},
                   {Attribute::ofInts("starts", {1, -2}), Attribute::ofInts("ends", {100, 2}),
                    Attribute::ofInts("axes", {0, 1})},
                   9);
  auto out = runOn(*m, iota({3, 3}));
  REQUIRE(out.hasValue());
  const RtTensor& y = (*out)[0].second;
  CHECK(y.dims() == std::vector<int64_t>{2, 1});
  CHECK(valuesOf(y) == std::vector<float>{4, 7});
}
