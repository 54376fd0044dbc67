// The pass manager (pipeline strings, fixed points, reports) and the first
// passes: dce, eliminate-identity, fuse-conv-bn, each checked structurally
// and numerically through the interpreter.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <sstream>

#include "exec/executor.h"
#include "tests/unit/pass_test_util.h"

using namespace nnport;
using namespace nnport::testing;

namespace {

// Conv -> BatchNormalization -> Relu, x [1, 4, 6, 6].
void convBn(Model& m, bool extraReader) {
  m.opsets = {{"", 13}};
  Graph& g = m.graph;
  Value* x = g.addInput("x", f32({1, 4, 6, 6}));
  Node* conv = g.addNode("Conv", "",
                         {x, g.addInitializer("w", randomFloats({8, 4, 3, 3}, 1)),
                          g.addInitializer("b", randomFloats({8}, 2))},
                         {"c"}, "conv");
  conv->attrs.set(Attribute::ofInts("pads", {1, 1, 1, 1}));
  Node* bn = g.addNode("BatchNormalization", "",
                       {conv->output(0), g.addInitializer("gamma", randomFloats({8}, 3)),
                        g.addInitializer("beta", randomFloats({8}, 4)),
                        g.addInitializer("mean", randomFloats({8}, 5)),
                        g.addInitializer("var", randomFloats({8}, 6, 0.5f, 2.f))},
                       {"n"}, "bn");
  Node* relu = g.addNode("Relu", "", {bn->output(0)}, {"y"}, "relu");
  g.addOutput(relu->output(0));
  if (extraReader)
    g.addOutput(g.addNode("Sigmoid", "", {conv->output(0)}, {"z"}, "sig")->output(0));
}

exec::NamedTensors run(const Model& m, std::vector<int64_t> dims = {1, 4, 6, 6}) {
  auto e = exec::Executor::create(m, {exec::KernelSet::Reference, 1});
  REQUIRE(e);
  auto x = exec::RtTensor::copyOf(*randomFloats(std::move(dims), 9));
  auto r = (*e)->run({{"x", x}});
  REQUIRE(r);
  return *r;
}

}  // namespace

TEST_CASE("pipelines parse names and fixed-point groups and reject unknown passes", "[passes]") {
  auto p = parsePipeline("dce, {eliminate-identity,fuse-conv-bn},dce");
  REQUIRE(p);
  REQUIRE(p->size() == 3);
  CHECK((*p)[0].pass == "dce");
  CHECK((*p)[1].pass.empty());
  CHECK((*p)[1].group.size() == 2);
  auto bad = parsePipeline("dce,fold-everything");
  REQUIRE_FALSE(bad);
  CHECK(bad.status().code() == ErrorCode::Usage);
  CHECK(bad.status().message().find("fold-everything") != std::string::npos);
  CHECK(bad.status().message().find("eliminate-identity") !=
        std::string::npos);  // lists valid ones
  CHECK_FALSE(parsePipeline("{dce"));
  CHECK_FALSE(parsePipeline("dce}"));
  CHECK_FALSE(parsePipeline("{}"));
  for (const std::string& level : levelNames()) {
    auto text = levelPipeline(level);
    REQUIRE(text);
    CHECK(parsePipeline(*text));
  }
  CHECK_FALSE(levelPipeline("O9"));
}

TEST_CASE("eliminate-identity bypasses Identity and inference Dropout and keeps output names",
          "[passes]") {
  Model m;
  m.opsets = {{"", 13}};
  Graph& g = m.graph;
  Value* x = g.addInput("x", f32({2, 3}));
  Value* a = g.addNode("Identity", "", {x}, {"a"}, "id1")->output(0);
  Value* b = g.addNode("Relu", "", {a}, {"b"}, "relu")->output(0);
  Value* c = g.addNode("Dropout", "", {b}, {"c"}, "drop")->output(0);
  g.addOutput(g.addNode("Identity", "", {c}, {"y"}, "id2")->output(0));
  const auto before = run(m, {2, 3});
  PassReport r = runPasses(m, "eliminate-identity");
  CHECK(opCounts(m) == std::map<std::string, size_t>{{"Relu", 1}});
  REQUIRE(m.graph.outputs().size() == 1);
  CHECK(m.graph.outputs()[0]->name() == "y");
  CHECK(m.graph.findNode("relu")->input(0)->name() == "x");
  CHECK(r.passes.at(0).changes == 3);
  const auto after = run(m, {2, 3});
  CHECK(after.at(0).first == "y");
  for (int64_t i = 0; i < 6; ++i) CHECK(after[0].second.floatAt(i) == before[0].second.floatAt(i));
}

TEST_CASE("eliminate-identity keeps an Identity from a graph input to a graph output", "[passes]") {
  Model m;
  m.opsets = {{"", 13}};
  Value* x = m.graph.addInput("x", f32({2}));
  m.graph.addOutput(m.graph.addNode("Identity", "", {x}, {"y"}, "id")->output(0));
  PassReport r = runPasses(m, "eliminate-identity");
  CHECK(m.graph.numNodes() == 1);
  REQUIRE(r.passes.at(0).notes.size() == 1);
  CHECK(r.passes.at(0).notes[0].find("kept") != std::string::npos);
}

TEST_CASE("fuse-conv-bn folds BatchNormalization into the Conv with the same outputs", "[passes]") {
  Model m;
  convBn(m, false);
  const auto before = run(m);
  PassReport r = runPasses(m, "fuse-conv-bn,dce");
  CHECK(opCounts(m) == std::map<std::string, size_t>{{"Conv", 1}, {"Relu", 1}});
  CHECK(m.graph.findValue("gamma") == nullptr);  // dce removed the BN's parameters
  CHECK(r.passes.at(0).changes == 1);
  const auto after = run(m);
  double scale = 0;
  for (int64_t i = 0; i < before[0].second.numElements(); ++i)
    scale = std::max(scale, std::fabs(before[0].second.floatAt(i)));
  for (int64_t i = 0; i < before[0].second.numElements(); ++i)
    CHECK(std::fabs(after[0].second.floatAt(i) - before[0].second.floatAt(i)) <= 1e-5 * scale);
}

TEST_CASE("fuse-conv-bn scales weights in place only when nothing else sees them", "[passes]") {
  Model m;
  convBn(m, false);
  const Tensor* wBefore = m.graph.findValue("w")->initializer().get();
  const auto before = run(m);
  SECTION("sole owner: the same tensor, renamed and scaled") {
    runPasses(m, "fuse-conv-bn,dce");
    const Value* w = m.graph.findValue("w_bn");
    REQUIRE(w);
    CHECK(w->initializer().get() == wBefore);
    CHECK(m.graph.findValue("w") == nullptr);
  }
  SECTION("a second reference to the tensor: a new one, the original untouched") {
    const TensorPtr held = m.graph.findValue("w")->initializer();
    const std::vector<float> original(held->data<float>(),
                                      held->data<float>() + held->numElements());
    runPasses(m, "fuse-conv-bn,dce");
    const Value* w = m.graph.findValue("w_bn");
    REQUIRE(w);
    CHECK(w->initializer().get() != wBefore);
    CHECK(std::equal(original.begin(), original.end(), held->data<float>()));
  }
  SECTION("a weight another Conv reads: a new tensor, the other Conv unchanged") {
    Graph& g = m.graph;
    Value* w = g.findValue("w");
    Node* other = g.addNode("Conv", "", {g.findValue("x"), w}, {"c2"}, "conv2");
    g.addOutput(other->output(0));
    runPasses(m, "fuse-conv-bn,dce");
    CHECK(other->input(1) == w);
    CHECK(w->initializer().get() == wBefore);
    REQUIRE(g.findValue("w_bn"));
    CHECK(g.findValue("w_bn")->initializer().get() != wBefore);
  }
  const auto after = run(m);
  double scale = 0;
  for (int64_t i = 0; i < before[0].second.numElements(); ++i)
    scale = std::max(scale, std::fabs(before[0].second.floatAt(i)));
  for (int64_t i = 0; i < before[0].second.numElements(); ++i)
    CHECK(std::fabs(after[0].second.floatAt(i) - before[0].second.floatAt(i)) <= 1e-5 * scale);
}

TEST_CASE("fuse-conv-bn refuses a Conv whose output has other readers and says why", "[passes]") {
  Model m;
  convBn(m, true);
  PassReport r = runPasses(m, "fuse-conv-bn");
  CHECK(opCounts(m).count("BatchNormalization") == 1);
  CHECK(r.passes.at(0).changes == 0);
  REQUIRE(r.passes.at(0).notes.size() == 1);
  CHECK(r.passes.at(0).notes[0].find("other consumers") != std::string::npos);
  CHECK(r.str().find("other consumers") != std::string::npos);  // in --stats
}

TEST_CASE("the pass manager prints after a pass and runs groups to a fixed point", "[passes]") {
  Model m;
  convBn(m, false);
  m.graph.addOutput(
      m.graph.addNode("Identity", "", {m.graph.findValue("n")}, {"extra"}, "id")->output(0));
  std::ostringstream printed;
  PassManagerOptions o;
  o.printAfter = {"fuse-conv-bn"};
  o.printTo = &printed;
  auto p = parsePipeline("{eliminate-identity,fuse-conv-bn},dce");
  REQUIRE(p);
  auto r = runPipeline(m, *p, o);
  REQUIRE(r);
  CHECK(printed.str().find("// after fuse-conv-bn") != std::string::npos);
  CHECK(printed.str().find("Conv(") != std::string::npos);
  // Round 1 changes something, round 2 confirms nothing is left to do.
  for (const PassStat& s : r->passes)
    if (s.pass != "dce") CHECK(s.runs == 2);
}

TEST_CASE("pass manager: --stop-after ends the whole pipeline after the first run of a pass",
          "[passes]") {
  Model m;
  convBn(m, false);
  m.graph.addOutput(
      m.graph.addNode("Identity", "", {m.graph.findValue("n")}, {"extra"}, "id")->output(0));
  PassManagerOptions o;
  o.stopAfter = "fuse-conv-bn";
  auto p = parsePipeline("{eliminate-identity,fuse-conv-bn},dce");
  REQUIRE(p);
  auto r = runPipeline(m, *p, o);
  REQUIRE(r);
  CHECK(r->stoppedAfter == "fuse-conv-bn");
  // One round of the group, the BN folded, dce never ran.
  REQUIRE(r->passes.size() == 2);
  for (const PassStat& s : r->passes) CHECK(s.runs == 1);
  CHECK(opCounts(m).count("BatchNormalization") == 0);
  CHECK(r->str().find("stopped after pass fuse-conv-bn") != std::string::npos);

  o.stopAfter = "fuse-pad";  // a pass, but not in this pipeline
  auto missing = runPipeline(m, *p, o);
  REQUIRE_FALSE(missing);
  CHECK(missing.status().code() == ErrorCode::Usage);
  CHECK(missing.status().message() == "--stop-after: pass 'fuse-pad' is not in the pipeline");
}
