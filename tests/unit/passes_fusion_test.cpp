// The fusion passes fuse-bn, fuse-conv-mul-add, fuse-matmul-add and
// fuse-pad: tiny graphs before, the structure after, outputs before and
// after through the reference interpreter, and one refusal each with its note.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

#include "exec/executor.h"
#include "tests/unit/pass_test_util.h"

using namespace nnport;
using namespace nnport::testing;

namespace {

using Counts = std::map<std::string, size_t>;

exec::NamedTensors run(const Model& m, std::vector<int64_t> dims) {
  auto e = exec::Executor::create(m, {exec::KernelSet::Reference, 1});
  REQUIRE(e);
  auto x = exec::RtTensor::copyOf(*randomFloats(std::move(dims), 17));
  auto r = (*e)->run({{"x", x}});
  if (!r) FAIL(r.status().message());
  return *r;
}

// Runs `pipeline` and requires the first output to keep its name and its
// values within 1e-5 of the output's scale.
PassReport runAndCompare(Model& m, const std::string& pipeline, std::vector<int64_t> dims) {
  const auto before = run(m, dims);
  PassReport r = runPasses(m, pipeline);
  const auto after = run(m, dims);
  REQUIRE(after.at(0).first == before.at(0).first);
  const auto& a = after[0].second;
  const auto& b = before[0].second;
  REQUIRE(a.numElements() == b.numElements());
  double scale = 0, diff = 0;
  for (int64_t i = 0; i < b.numElements(); ++i) {
    scale = std::max(scale, std::fabs(b.floatAt(i)));
    diff = std::max(diff, std::fabs(a.floatAt(i) - b.floatAt(i)));
  }
  CHECK(scale > 0);
  CHECK(diff <= 1e-5 * scale);
  return r;
}

Value* bnAfter(Graph& g, Value* in, int64_t c, const std::string& out) {
  return g
      .addNode("BatchNormalization", "",
               {in, g.addInitializer("gamma", randomFloats({c}, 3)),
                g.addInitializer("beta", randomFloats({c}, 4)),
                g.addInitializer("mean", randomFloats({c}, 5)),
                g.addInitializer("var", randomFloats({c}, 6, 0.5f, 2.f))},
               {out}, "bn")
      ->output(0);
}

Value* scalar(Graph& g, const std::string& name, float v) {
  return g.addInitializer(name, std::make_shared<Tensor>(
                                    Tensor::fromVector(DType::Float32, {}, std::vector<float>{v})));
}

void requireNote(const PassReport& r, const std::string& text) {
  REQUIRE(r.passes.at(0).notes.size() == 1);
  INFO(r.passes[0].notes[0]);
  CHECK(r.passes[0].notes[0].find(text) != std::string::npos);
  CHECK(r.passes[0].changes == 0);
}

}  // namespace

TEST_CASE("fuse-bn folds BatchNormalization into a grouped ConvTranspose", "[passes]") {
  Model m;
  m.opsets = {{"", 13}};
  Graph& g = m.graph;
  Value* x = g.addInput("x", f32({1, 4, 5, 5}));
  Node* ct = g.addNode("ConvTranspose", "",
                       {x, g.addInitializer("w", randomFloats({4, 3, 3, 3}, 1))}, {"c"}, "ct");
  ct->attrs.set(Attribute::ofInt("group", 2));
  ct->attrs.set(Attribute::ofInts("strides", {2, 2}));
  g.addOutput(bnAfter(g, ct->output(0), 6, "y"));
  PassReport r = runAndCompare(m, "fuse-bn,dce", {1, 4, 5, 5});
  CHECK(opCounts(m) == Counts{{"ConvTranspose", 1}});
  CHECK(r.passes.at(0).changes == 1);
  CHECK(m.graph.findNode("ct")->numInputs() == 3);  // a bias was made
  CHECK(m.graph.outputs()[0]->name() == "y");
}

TEST_CASE("fuse-bn folds BatchNormalization into Gemm with alpha, beta and transB", "[passes]") {
  for (int transB = 0; transB < 2; ++transB)
    for (int withC = 0; withC < 2; ++withC) {
      INFO("transB " << transB << " C " << withC);
      Model m;
      m.opsets = {{"", 13}};
      Graph& g = m.graph;
      Value* x = g.addInput("x", f32({3, 5}));
      std::vector<Value*> in{
          x, g.addInitializer(
                 "b", randomFloats(transB ? std::vector<int64_t>{4, 5} : std::vector<int64_t>{5, 4},
                                   1))};
      if (withC) in.push_back(g.addInitializer("c", randomFloats({1, 4}, 2)));
      Node* gemm = g.addNode("Gemm", "", in, {"h"}, "gemm");
      gemm->attrs.set(Attribute::ofInt("transB", transB));
      gemm->attrs.set(Attribute::ofFloat("alpha", 0.5f));
      gemm->attrs.set(Attribute::ofFloat("beta", 2.f));
      g.addOutput(bnAfter(g, gemm->output(0), 4, "y"));
      runAndCompare(m, "fuse-bn,dce", {3, 5});
      CHECK(opCounts(m) == Counts{{"Gemm", 1}});
      CHECK_FALSE(m.graph.findNode("gemm")->attrs.find("alpha"));
      CHECK_FALSE(m.graph.findNode("gemm")->attrs.find("beta"));
    }
}

TEST_CASE("fuse-bn turns a 2-D MatMul and BatchNormalization into one Gemm", "[passes]") {
  Model m;
  m.opsets = {{"", 13}};
  Graph& g = m.graph;
  Value* x = g.addInput("x", f32({3, 5}));
  Value* h =
      g.addNode("MatMul", "", {x, g.addInitializer("b", randomFloats({5, 4}, 1))}, {"h"}, "mm")
          ->output(0);
  g.addOutput(bnAfter(g, h, 4, "y"));
  runAndCompare(m, "fuse-bn,dce", {3, 5});
  CHECK(opCounts(m) == Counts{{"Gemm", 1}});
  CHECK(m.graph.outputs()[0]->producer()->opType() == "Gemm");
}

TEST_CASE("fuse-bn refuses a MatMul of unknown rank and a Gemm C that varies by row", "[passes]") {
  Model m;
  m.opsets = {{"", 13}};
  Graph& g = m.graph;
  Value* x = g.addInput("x", {DType::Float32, Shape::unknownRank()});
  Value* h =
      g.addNode("MatMul", "", {x, g.addInitializer("b", randomFloats({5, 4}, 1))}, {"h"}, "mm")
          ->output(0);
  g.addOutput(bnAfter(g, h, 4, "y"));
  requireNote(runPasses(m, "fuse-bn"), "rank of A is unknown");
  CHECK(opCounts(m) == Counts{{"MatMul", 1}, {"BatchNormalization", 1}});

  Model m2;
  m2.opsets = {{"", 13}};
  Graph& g2 = m2.graph;
  Value* x2 = g2.addInput("x", f32({3, 5}));
  Value* h2 = g2.addNode("Gemm", "",
                         {x2, g2.addInitializer("b", randomFloats({5, 4}, 1)),
                          g2.addInitializer("c", randomFloats({3, 4}, 2))},
                         {"h"}, "gemm")
                  ->output(0);
  g2.addOutput(bnAfter(g2, h2, 4, "y"));
  requireNote(runPasses(m2, "fuse-bn"), "varies by row");
}

TEST_CASE("fuse-conv-mul-add folds per-channel Mul and Adds into the Conv", "[passes]") {
  Model m;
  m.opsets = {{"", 13}};
  Graph& g = m.graph;
  Value* x = g.addInput("x", f32({1, 3, 6, 6}));
  Value* c = g.addNode("Conv", "", {x, g.addInitializer("w", randomFloats({4, 3, 3, 3}, 1))}, {"c"},
                       "conv")
                 ->output(0);
  Value* a =
      g.addNode("Mul", "", {c, g.addInitializer("k", randomFloats({4, 1, 1}, 2))}, {"a"}, "mul")
          ->output(0);
  Value* b =
      g.addNode("Add", "", {g.addInitializer("t", randomFloats({1, 4, 1, 1}, 3)), a}, {"b"}, "add")
          ->output(0);
  Value* d = g.addNode("Mul", "", {b, scalar(g, "s", -1.5f)}, {"d"}, "scale")->output(0);
  g.addOutput(g.addNode("Relu", "", {d}, {"y"}, "relu")->output(0));
  PassReport r = runAndCompare(m, "fuse-conv-mul-add,dce", {1, 3, 6, 6});
  CHECK(opCounts(m) == Counts{{"Conv", 1}, {"Relu", 1}});
  CHECK(r.passes.at(0).changes == 3);
  CHECK(m.graph.findNode("conv")->numInputs() == 3);
  CHECK(m.graph.findNode("relu")->input(0) == m.graph.findNode("conv")->output(0));
}

TEST_CASE("fuse-conv-mul-add refuses a per-pixel Mul and says why", "[passes]") {
  Model m;
  m.opsets = {{"", 13}};
  Graph& g = m.graph;
  Value* x = g.addInput("x", f32({1, 3, 6, 6}));
  Value* c = g.addNode("Conv", "", {x, g.addInitializer("w", randomFloats({4, 3, 3, 3}, 1))}, {"c"},
                       "conv")
                 ->output(0);
  g.addOutput(
      g.addNode("Mul", "", {c, g.addInitializer("k", randomFloats({1, 1, 4, 4}, 2))}, {"y"}, "mul")
          ->output(0));
  requireNote(runPasses(m, "fuse-conv-mul-add"), "not per output channel");
  CHECK(opCounts(m) == Counts{{"Conv", 1}, {"Mul", 1}});
}

TEST_CASE("fuse-matmul-add turns Flatten, MatMul and a bias Add into Gemm", "[passes]") {
  for (const std::vector<int64_t>& biasDims :
       {std::vector<int64_t>{5}, std::vector<int64_t>{1, 5}}) {
    Model m;
    m.opsets = {{"", 13}};
    Graph& g = m.graph;
    Value* x = g.addInput("x", f32({2, 3, 2, 2}));
    Value* f = g.addNode("Flatten", "", {x}, {"f"}, "flat")->output(0);
    Value* h =
        g.addNode("MatMul", "", {f, g.addInitializer("b", randomFloats({12, 5}, 1))}, {"h"}, "mm")
            ->output(0);
    g.addOutput(
        g.addNode("Add", "", {g.addInitializer("c", randomFloats(biasDims, 2)), h}, {"y"}, "add")
            ->output(0));
    PassReport r = runAndCompare(m, "fuse-matmul-add", {2, 3, 2, 2});
    CHECK(opCounts(m) == Counts{{"Flatten", 1}, {"Gemm", 1}});
    CHECK(r.passes.at(0).changes == 1);
    const Node* gemm = m.graph.outputs()[0]->producer();
    REQUIRE(gemm->opType() == "Gemm");
    CHECK(gemm->input(0)->name() == "f");
    CHECK(gemm->input(2)->name() == "c");
  }
}

TEST_CASE("fuse-matmul-add refuses when A's rank is unknown or the bias is per row", "[passes]") {
  Model m;
  m.opsets = {{"", 13}};
  Graph& g = m.graph;
  Value* x = g.addInput("x", {DType::Float32, Shape::unknownRank()});
  Value* h =
      g.addNode("MatMul", "", {x, g.addInitializer("b", randomFloats({12, 5}, 1))}, {"h"}, "mm")
          ->output(0);
  g.addOutput(g.addNode("Add", "", {h, g.addInitializer("c", randomFloats({5}, 2))}, {"y"}, "add")
                  ->output(0));
  requireNote(runPasses(m, "fuse-matmul-add"), "rank of A is unknown");
  CHECK(opCounts(m) == Counts{{"MatMul", 1}, {"Add", 1}});

  Model m2;
  m2.opsets = {{"", 13}};
  Graph& g2 = m2.graph;
  Value* x2 = g2.addInput("x", f32({3, 12}));
  Value* h2 =
      g2.addNode("MatMul", "", {x2, g2.addInitializer("b", randomFloats({12, 5}, 1))}, {"h"}, "mm")
          ->output(0);
  g2.addOutput(
      g2.addNode("Add", "", {h2, g2.addInitializer("c", randomFloats({3, 1}, 2))}, {"y"}, "add")
          ->output(0));
  requireNote(runPasses(m2, "fuse-matmul-add"), "is not [5]");
}

TEST_CASE("fuse-pad adds a zero Pad's spatial pads to the Conv's pads", "[passes]") {
  Model m;
  m.opsets = {{"", 13}};
  Graph& g = m.graph;
  Value* x = g.addInput("x", f32({1, 3, 6, 6}));
  Value* p =
      g.addNode("Pad", "", {x, ints(g, "pads", {0, 0, 1, 2, 0, 0, 2, 1})}, {"p"}, "pad")->output(0);
  Node* conv = g.addNode("Conv", "", {p, g.addInitializer("w", randomFloats({4, 3, 3, 3}, 1))},
                         {"y"}, "conv");
  conv->attrs.set(Attribute::ofInts("pads", {1, 1, 1, 1}));
  g.addOutput(conv->output(0));
  runAndCompare(m, "fuse-pad", {1, 3, 6, 6});
  CHECK(opCounts(m) == Counts{{"Conv", 1}});
  CHECK(m.graph.findNode("conv")->attrInts("pads") == std::vector<int64_t>{2, 3, 3, 2});
  CHECK(m.graph.findNode("conv")->input(0)->name() == "x");
}

TEST_CASE("fuse-pad folds into AveragePool (count_include_pad set) and a -inf Pad into MaxPool",
          "[passes]") {
  for (const char* op : {"AveragePool", "MaxPool"}) {
    INFO(op);
    Model m;
    m.opsets = {{"", 13}};
    Graph& g = m.graph;
    const bool max = std::string(op) == "MaxPool";
    Value* x = g.addInput("x", f32({1, 2, 5, 5}));
    std::vector<Value*> in{x, ints(g, "pads", {0, 0, 1, 0, 0, 0, 1, 2})};
    if (max) in.push_back(scalar(g, "v", -std::numeric_limits<float>::infinity()));
    Value* p = g.addNode("Pad", "", in, {"p"}, "pad")->output(0);
    Node* pool = g.addNode(op, "", {p}, {"y"}, "pool");
    pool->attrs.set(Attribute::ofInts("kernel_shape", {3, 3}));
    pool->attrs.set(Attribute::ofInts("strides", {2, 2}));
    g.addOutput(pool->output(0));
    runAndCompare(m, "fuse-pad", {1, 2, 5, 5});
    CHECK(opCounts(m) == Counts{{op, 1}});
    CHECK(m.graph.findNode("pool")->attrInts("pads") == std::vector<int64_t>{1, 0, 1, 2});
    if (!max) CHECK(m.graph.findNode("pool")->attrInt("count_include_pad") == 1);
  }
}

TEST_CASE("fuse-pad refuses a zero Pad before MaxPool and a channel Pad before Conv", "[passes]") {
  Model m;
  m.opsets = {{"", 13}};
  Graph& g = m.graph;
  Value* x = g.addInput("x", f32({1, 2, 5, 5}));
  Value* p =
      g.addNode("Pad", "", {x, ints(g, "pads", {0, 0, 1, 1, 0, 0, 1, 1})}, {"p"}, "pad")->output(0);
  Node* pool = g.addNode("MaxPool", "", {p}, {"y"}, "pool");
  pool->attrs.set(Attribute::ofInts("kernel_shape", {3, 3}));
  g.addOutput(pool->output(0));
  requireNote(runPasses(m, "fuse-pad"), "not -inf");
  CHECK(opCounts(m) == Counts{{"MaxPool", 1}, {"Pad", 1}});

  Model m2;
  m2.opsets = {{"", 13}};
  Graph& g2 = m2.graph;
  Value* x2 = g2.addInput("x", f32({1, 2, 5, 5}));
  Value* p2 = g2.addNode("Pad", "", {x2, ints(g2, "pads", {0, 1, 0, 0, 0, 0, 0, 0})}, {"p"}, "pad")
                  ->output(0);
  g2.addOutput(g2.addNode("Conv", "", {p2, g2.addInitializer("w", randomFloats({4, 3, 3, 3}, 1))},
                          {"y"}, "conv")
                   ->output(0));
  requireNote(runPasses(m2, "fuse-pad"), "batch or channel");
}
