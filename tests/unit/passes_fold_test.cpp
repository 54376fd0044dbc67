// fold-shapes and fold-constants: the Shape -> Gather -> Unsqueeze ->
// Concat -> Reshape chain of torch exports becomes a constant Reshape
// shape; size caps, Q/DQ and graph outputs are left alone.
#include <catch2/catch.hpp>

#include "exec/executor.h"
#include "tests/unit/pass_test_util.h"

using namespace nnport;
using namespace nnport::testing;

namespace {

TensorPtr i64(std::vector<int64_t> dims, std::vector<int64_t> v) {
  return std::make_shared<Tensor>(Tensor::fromVector(DType::Int64, std::move(dims), v));
}

exec::RtTensor runOn(const Model& m, const exec::RtTensor& x) {
  auto e = exec::Executor::create(m, {exec::KernelSet::Reference, 1});
  REQUIRE(e);
  auto r = (*e)->run({{"x", x}});
  REQUIRE(r);
  return r->at(0).second;
}

// y = Reshape(x, Concat(Unsqueeze(Gather(Shape(x), 0)), [-1])): [2,3,4] -> [2,12].
void flattenChain(Model& m) {
  m.opsets = {{"", 13}};
  Graph& g = m.graph;
  Value* x = g.addInput("x", f32({2, 3, 4}));
  Value* shape = g.addNode("Shape", "", {x}, {"s"}, "shape")->output(0);
  Value* dim0 =
      g.addNode("Gather", "", {shape, g.addInitializer("zero", i64({}, {0}))}, {"d0"}, "gather")
          ->output(0);
  Value* un =
      g.addNode("Unsqueeze", "", {dim0, g.addInitializer("axes", i64({1}, {0}))}, {"u"}, "unsq")
          ->output(0);
  Value* cat =
      g.addNode("Concat", "", {un, g.addInitializer("minus1", i64({1}, {-1}))}, {"c"}, "concat")
          ->output(0);
  cat->producer()->attrs.set(Attribute::ofInt("axis", 0));
  g.addOutput(g.addNode("Reshape", "", {x, cat}, {"y"}, "reshape")->output(0));
}

}  // namespace

TEST_CASE("fold-shapes and fold-constants reduce a torch flatten chain to a constant shape",
          "[passes]") {
  Model m;
  flattenChain(m);
  exec::RtTensor x = exec::RtTensor::allocate(DType::Float32, {2, 3, 4});
  for (int64_t i = 0; i < 24; ++i) x.data<float>()[i] = static_cast<float>(i) * 0.5f;
  const exec::RtTensor before = runOn(m, x);
  PassReport r = runPasses(m, "{fold-shapes,fold-constants},dce");
  CHECK(opCounts(m) == std::map<std::string, size_t>{{"Reshape", 1}});
  const Value* shape = m.graph.findNode("reshape")->input(1);
  REQUIRE(shape->isConstant());
  CHECK(shape->initializer()->toInt64Vector() == std::vector<int64_t>{2, -1});
  CHECK(shape->name() == "c");  // folded values keep their names
  const exec::RtTensor after = runOn(m, x);
  REQUIRE(after.dims() == std::vector<int64_t>{2, 12});
  for (int64_t i = 0; i < 24; ++i) CHECK(after.floatAt(i) == before.floatAt(i));
  CHECK(r.passes.at(0).changes == 1);  // the one Shape
}

TEST_CASE("fold-shapes leaves Shape of a dynamic dim alone", "[passes]") {
  Model m;
  flattenChain(m);
  m.graph.inputs()[0]->type = f32({Dim::symbolic("batch"), 3, 4});
  runPasses(m, "{fold-shapes,fold-constants},dce");
  CHECK(opCounts(m).count("Shape") == 1);
}

TEST_CASE("fold-constants keeps growing results, DequantizeLinear and graph outputs", "[passes]") {
  Model m;
  m.opsets = {{"", 13}};
  Graph& g = m.graph;
  Value* x = g.addInput("x", f32({1}));
  // Expand of a 4-byte constant to 1M floats: 4 MB > 64 KiB and > its inputs.
  Value* big =
      g.addNode("Expand", "",
                {g.addInitializer("one", std::make_shared<Tensor>(Tensor::fromVector(
                                             DType::Float32, {1}, std::vector<float>{1.f}))),
                 g.addInitializer("shape", i64({1}, {1 << 20}))},
                {"big"}, "expand")
          ->output(0);
  Value* q = g.addInitializer(
      "q", std::make_shared<Tensor>(Tensor::fromVector(DType::Int8, {1}, std::vector<int8_t>{3})));
  Value* dq =
      g.addNode("DequantizeLinear", "",
                {q, g.addInitializer("scale", std::make_shared<Tensor>(Tensor::fromVector(
                                                  DType::Float32, {}, std::vector<float>{0.5f})))},
                {"dq"}, "dq")
          ->output(0);
  Value* sum = g.addNode("Add", "", {x, dq}, {"sum"}, "add")->output(0);
  g.addOutput(g.addNode("Add", "", {sum, big}, {"y"}, "add2")->output(0));
  Value* neg =
      g.addNode("Neg", "",
                {g.addInitializer("two", std::make_shared<Tensor>(Tensor::fromVector(
                                             DType::Float32, {1}, std::vector<float>{2.f})))},
                {"neg"}, "neg")
          ->output(0);
  g.addOutput(neg);
  PassReport r = runPasses(m, "fold-constants");
  CHECK(opCounts(m) == std::map<std::string, size_t>{
                           {"Add", 2}, {"DequantizeLinear", 1}, {"Expand", 1}, {"Neg", 1}});
  REQUIRE_FALSE(r.passes.at(0).notes.empty());
  CHECK(r.passes.at(0).notes[0].find("grow the model") != std::string::npos);
}

TEST_CASE("fold-constants computes a constant subgraph with the interpreter", "[passes]") {
  Model m;
  m.opsets = {{"", 13}};
  Graph& g = m.graph;
  Value* x = g.addInput("x", f32({3}));
  auto f = [](std::vector<float> v) {
    return std::make_shared<Tensor>(
        Tensor::fromVector(DType::Float32, {static_cast<int64_t>(v.size())}, v));
  };
  Value* a = g.addNode("Mul", "",
                       {g.addInitializer("a", f({1, 2, 3})), g.addInitializer("b", f({4, 5, 6}))},
                       {"ab"}, "mul")
                 ->output(0);
  Value* s = g.addNode("Sqrt", "", {a}, {"sq"}, "sqrt")->output(0);
  g.addOutput(g.addNode("Add", "", {x, s}, {"y"}, "add")->output(0));
  runPasses(m, "fold-constants,dce");
  CHECK(opCounts(m) == std::map<std::string, size_t>{{"Add", 1}});
  const Value* c = m.graph.findNode("add")->input(1);
  REQUIRE(c->isConstant());
  CHECK(c->initializer()->floatAt(0) == Approx(2.0));
  CHECK(c->initializer()->floatAt(1) == Approx(std::sqrt(10.0)));
  CHECK(c->initializer()->floatAt(2) == Approx(std::sqrt(18.0)));
}
