// The reference interpreter: input checking, kernel lookup before running,
// observation of every intermediate, broadcasting and reshaping kernels.
#include <catch2/catch.hpp>

#include "exec/executor.h"
#include "tests/unit/test_graphs.h"

using namespace nnport;
using namespace nnport::exec;
using namespace nnport::testing;

namespace {

// y = Relu(x * w + b) with x [N,3], w [3] and b [1] broadcast.
std::unique_ptr<Model> affineRelu() {
  auto m = std::make_unique<Model>();
  m->opsets = {{"", 17}};
  Graph& g = m->graph;
  Value* x = g.addInput("x", f32({Dim::symbolic("N"), 3}));
  auto w = std::make_shared<Tensor>(
      Tensor::fromVector(DType::Float32, {3}, std::vector<float>{1, -2, 3}));
  auto b =
      std::make_shared<Tensor>(Tensor::fromVector(DType::Float32, {1}, std::vector<float>{0.5f}));
  Node* mul = g.addNode("Mul", "", {x, g.addInitializer("w", w)}, {"xw"}, "mul");
  Node* add = g.addNode("Add", "", {mul->output(), g.addInitializer("b", b)}, {"xwb"}, "add");
  Node* relu = g.addNode("Relu", "", {add->output()}, {"y"}, "relu");
  g.addOutput(relu->output());
  return m;
}

RtTensor input(std::vector<int64_t> dims, std::vector<float> values) {
  RtTensor t = RtTensor::allocate(DType::Float32, std::move(dims));
  std::copy(values.begin(), values.end(), t.data<float>());
  return t;
}

}  // namespace

TEST_CASE("the interpreter computes a broadcast affine + relu", "[exec]") {
  auto m = affineRelu();
  auto e = Executor::create(*m);
  REQUIRE(e.hasValue());
  auto out = (*e)->run({{"x", input({2, 3}, {1, 1, 1, -1, -1, -1})}});
  REQUIRE(out.hasValue());
  const RtTensor& y = (*out)[0].second;
  CHECK(y.dims() == std::vector<int64_t>{2, 3});
  const std::vector<float> want{1.5f, 0.f, 3.5f, 0.f, 2.5f, 0.f};
  for (int i = 0; i < 6; ++i) CHECK(y.data<float>()[i] == Approx(want[i]));
}

TEST_CASE("the observer sees every intermediate in order", "[exec]") {
  auto m = affineRelu();
  auto e = Executor::create(*m);
  REQUIRE(e.hasValue());
  std::vector<std::string> seen;
  (*e)->setObserver([&](const Value& v, const RtTensor& t) {
    seen.push_back(v.name());
    CHECK(t.numElements() == 3);
  });
  REQUIRE((*e)->run({{"x", input({1, 3}, {1, 2, 3})}}).hasValue());
  CHECK(seen == std::vector<std::string>{"xw", "xwb", "y"});
}

TEST_CASE("bad inputs are errors naming the input", "[exec]") {
  auto m = affineRelu();
  auto e = Executor::create(*m);
  REQUIRE(e.hasValue());
  auto missing = (*e)->run({});
  REQUIRE_FALSE(missing.hasValue());
  CHECK(missing.status().message().find("'x' is missing") != std::string::npos);
  auto extra = (*e)->run({{"x", input({1, 3}, {1, 2, 3})}, {"z", input({1}, {0})}});
  REQUIRE_FALSE(extra.hasValue());
  CHECK(extra.status().message().find("'z'") != std::string::npos);
  auto shape = (*e)->run({{"x", input({1, 4}, {1, 2, 3, 4})}});
  REQUIRE_FALSE(shape.hasValue());
  CHECK(shape.status().message().find("[1,4]") != std::string::npos);
  auto dtype = (*e)->run({{"x", RtTensor::allocate(DType::Int32, {1, 3})}});
  REQUIRE_FALSE(dtype.hasValue());
  CHECK(dtype.status().message().find("i32") != std::string::npos);
}

TEST_CASE("an op without a kernel is refused before anything runs", "[exec]") {
  auto m = affineRelu();
  Graph& g = m->graph;
  Node* odd = g.addNode("Frobnicate", "com.example", {g.outputs()[0]}, {"z"}, "frob");
  g.setOutputs({odd->output()});
  auto e = Executor::create(*m);
  REQUIRE_FALSE(e.hasValue());
  CHECK(e.status().code() == ErrorCode::Unsupported);
  CHECK(e.status().message().find("node 'frob' (com.example::Frobnicate)") != std::string::npos);
}

TEST_CASE("reshape and transpose move data as numpy does", "[exec]") {
  auto m = std::make_unique<Model>();
  m->opsets = {{"", 17}};
  Graph& g = m->graph;
  Value* x = g.addInput("x", f32({2, 3}));
  Node* r = g.addNode("Reshape", "", {x, ints(g, "shape", {3, -1})}, {"r"}, "reshape");
  Node* t = g.addNode("Transpose", "", {r->output()}, {"t"}, "transpose");
  g.addOutput(t->output());
  auto e = Executor::create(*m);
  REQUIRE(e.hasValue());
  auto out = (*e)->run({{"x", input({2, 3}, {0, 1, 2, 3, 4, 5})}});
  REQUIRE(out.hasValue());
  const RtTensor& y = (*out)[0].second;
  CHECK(y.dims() == std::vector<int64_t>{2, 3});
  const std::vector<float> want{0, 2, 4, 1, 3, 5};  // [[0,1],[2,3],[4,5]] transposed
  for (int i = 0; i < 6; ++i) CHECK(y.data<float>()[i] == want[i]);
}
