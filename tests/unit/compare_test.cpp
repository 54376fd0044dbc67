// Error statistics and model comparison (nnport compare).
#include <catch2/catch.hpp>

#include <cmath>

#include "exec/compare.h"
#include "tests/unit/test_graphs.h"

using namespace nnport;
using namespace nnport::exec;
using namespace nnport::testing;

namespace {
RtTensor vec(std::vector<float> v) {
  RtTensor t = RtTensor::allocate(DType::Float32, {static_cast<int64_t>(v.size())});
  std::copy(v.begin(), v.end(), t.data<float>());
  return t;
}

// x -> Mul(k1) -> Relu -> Mul(k2) -> y ; names shared so layers line up.
std::unique_ptr<Model> chain(float k1) {
  auto m = std::make_unique<Model>();
  m->opsets = {{"", 17}};
  Graph& g = m->graph;
  Value* x = g.addInput("x", f32({4}));
  auto c1 =
      std::make_shared<Tensor>(Tensor::fromVector(DType::Float32, {1}, std::vector<float>{k1}));
  auto c2 =
      std::make_shared<Tensor>(Tensor::fromVector(DType::Float32, {1}, std::vector<float>{2.f}));
  Node* a = g.addNode("Mul", "", {x, g.addInitializer("k1", c1)}, {"a"}, "mul1");
  Node* r = g.addNode("Relu", "", {a->output()}, {"r"}, "relu");
  Node* y = g.addNode("Mul", "", {r->output(), g.addInitializer("k2", c2)}, {"y"}, "mul2");
  g.addOutput(y->output());
  return m;
}
}  // namespace

TEST_CASE("error statistics of two tensors", "[compare]") {
  ErrorStats same = compareTensors(vec({1, -2, 0, 4}), vec({1, -2, 0, 4}));
  CHECK(same.maxAbs == 0);
  CHECK(same.cosine == Approx(1.0));
  CHECK(std::isinf(same.sqnrDb));
  ErrorStats off = compareTensors(vec({1.1f, -2, 0, 4}), vec({1, -2, 0, 4}));
  CHECK(off.maxAbs == Approx(0.1).epsilon(1e-5));
  CHECK(off.maxRel == Approx(0.1).epsilon(1e-4));
  CHECK(off.sqnrDb == Approx(10 * std::log10(21.0 / 0.01)).epsilon(1e-4));
  CHECK(compareTensors(vec({1, 2}), vec({1, 2, 3})).shapeMismatch);
  // An exact zero in the reference does not make the relative error infinite.
  CHECK(std::isfinite(compareTensors(vec({0.001f, 1}), vec({0, 1})).maxRel));
}

TEST_CASE("compareModels finds the first layer where the error jumps", "[compare]") {
  auto a = chain(3.f), b = chain(3.3f);
  std::map<std::string, RtTensor> in{{"x", vec({1, 2, -1, 0.5f})}};
  auto c = compareModels(*a, *b, in, true);
  REQUIRE(c.hasValue());
  REQUIRE(c->outputs.size() == 1);
  CHECK(c->outputs[0].stats.maxRel == Approx(0.1).epsilon(1e-4));
  CHECK(c->layers.size() == 3);
  CHECK(c->firstJump == "a");
  auto same = compareModels(*a, *chain(3.f), in, true);
  REQUIRE(same.hasValue());
  CHECK(same->firstJump.empty());
}
