// The cleanup passes eliminate-noop, cse and dedup-initializers: structure
// after the rewrite (op counts, which value a node reads, output names),
// outputs before and after through the interpreter, and the cases each pass
// must leave alone.
#include <catch2/catch.hpp>

#include <cstdint>

#include "exec/executor.h"
#include "tests/unit/pass_test_util.h"

using namespace nnport;
using namespace nnport::testing;

namespace {

exec::NamedTensors run(const Model& m, const std::vector<int64_t>& dims) {
  auto e = exec::Executor::create(m, {exec::KernelSet::Reference, 1});
  REQUIRE(e);
  auto r = (*e)->run({{"x", exec::RtTensor::copyOf(*randomFloats(dims, 11))}});
  REQUIRE(r);
  return *r;
}

// Same output names and bit-identical values (these passes compute nothing).
void requireSameOutputs(const exec::NamedTensors& before, const exec::NamedTensors& after) {
  REQUIRE(after.size() == before.size());
  for (size_t k = 0; k < before.size(); ++k) {
    CHECK(after[k].first == before[k].first);
    REQUIRE(after[k].second.dims() == before[k].second.dims());
    for (int64_t i = 0; i < before[k].second.numElements(); ++i)
      CHECK(after[k].second.floatAt(i) == before[k].second.floatAt(i));
  }
}

Value* out0(Graph& g, const std::string& op, std::vector<Value*> ins, const std::string& name) {
  return g.addNode(op, "", ins, {name}, name)->output(0);
}

Value* withInts(Node* n, const std::string& attr, std::vector<int64_t> v) {
  n->attrs.set(Attribute::ofInts(attr, std::move(v)));
  return n->output(0);
}

}  // namespace

TEST_CASE("eliminate-noop bypasses every kind of no-op and keeps the output name", "[passes]") {
  Model m;
  m.opsets = {{"", 13}};
  Graph& g = m.graph;
  Value* x = g.addInput("x", f32({2, 3, 4}));  // intermediate types come from inference
  Value* a = out0(g, "Reshape", {x, ints(g, "shape", {0, -1, 4})}, "a");
  Value* b = withInts(g.addNode("Transpose", "", {a}, {"b"}, "b"), "perm", {0, 1, 2});
  Value* c = out0(g, "Pad", {b, ints(g, "pads", {0, 0, 0, 0, 0, 0})}, "c");
  Node* cast = g.addNode("Cast", "", {c}, {"d"}, "d");
  cast->attrs.set(Attribute::ofInt("to", 1));  // FLOAT
  Value* e = out0(g, "Concat", {cast->output(0)}, "e");
  g.findNode("e")->attrs.set(Attribute::ofInt("axis", 0));
  Value* f = out0(g, "Expand", {e, ints(g, "eshape", {3, 1})}, "f");
  Value* s = out0(
      g, "Slice",
      {f, ints(g, "starts", {0, -3}), ints(g, "ends", {INT64_MAX, 10}), ints(g, "axes", {0, 1})},
      "s");
  Value* r = out0(g, "Relu", {s}, "r");
  g.addOutput(out0(g, "Reshape", {r, ints(g, "shape2", {2, 3, 4})}, "y"));
  const auto before = run(m, {2, 3, 4});
  PassReport rep = runPasses(m, "eliminate-noop,dce");
  CHECK(opCounts(m) == std::map<std::string, size_t>{{"Relu", 1}});
  CHECK(rep.passes.at(0).changes == 8);
  CHECK(m.graph.findNode("r")->input(0)->name() == "x");
  REQUIRE(m.graph.outputs().size() == 1);
  CHECK(m.graph.outputs()[0]->name() == "y");
  requireSameOutputs(before, run(m, {2, 3, 4}));
}

TEST_CASE("eliminate-noop keeps ops that change the tensor or whose shapes are unknown",
          "[passes]") {
  Model m;
  m.opsets = {{"", 13}};
  Graph& g = m.graph;
  Value* x = g.addInput("x", f32({2, 3, 4}));
  Value* a = out0(g, "Reshape", {x, ints(g, "shape", {3, 2, 4})}, "a");
  Value* b = withInts(g.addNode("Transpose", "", {a}, {"b"}, "b"), "perm", {1, 0, 2});
  Value* c = out0(g, "Pad", {b, ints(g, "pads", {0, 0, 1, 0, 0, 0})}, "c");
  Node* cast = g.addNode("Cast", "", {c}, {"d"}, "d");
  cast->attrs.set(Attribute::ofInt("to", 11));  // DOUBLE
  Value* e = out0(g, "Expand", {cast->output(0), ints(g, "eshape", {2, 1, 1, 1})}, "e");
  Value* s = out0(g, "Slice",
                  {e, ints(g, "starts", {0}), ints(g, "ends", {2}), ints(g, "axes", {3})}, "s");
  Value* q = out0(g, "Squeeze", {s}, "q");  // empty axes: drops 1-dims, not a no-op
  Value* u = g.addInput("u", {DType::Float32, Shape::unknownRank()});
  Value* ru = out0(g, "Reshape", {u, ints(g, "ushape", {-1})}, "ru");  // rank unknown
  g.addOutput(q);
  g.addOutput(ru);
  const auto countsBefore = opCounts(m);
  PassReport rep = runPasses(m, "eliminate-noop");
  CHECK(opCounts(m) == countsBefore);
  CHECK(rep.passes.at(0).changes == 0);
  CHECK(rep.passes.at(0).notes.empty());
}

TEST_CASE("eliminate-noop reads old-opset attribute forms and notes a kept graph-input bypass",
          "[passes]") {
  Model m;
  m.opsets = {{"", 9}};
  Graph& g = m.graph;
  Value* x = g.addInput("x", f32({2, 3}));
  Node* pad = g.addNode("Pad", "", {x}, {"p"}, "pad");
  withInts(pad, "pads", {0, 0, 0, 0});
  Node* slice = g.addNode("Slice", "", {pad->output(0)}, {"s"}, "slice");
  withInts(slice, "starts", {0, -7});
  withInts(slice, "ends", {5, 3});
  Value* r = out0(g, "Relu", {slice->output(0)}, "r");
  g.addOutput(r);
  g.addOutput(withInts(g.addNode("Transpose", "", {x}, {"t"}, "t"), "perm", {0, 1}));
  PassReport rep = runPasses(m, "eliminate-noop");
  CHECK(opCounts(m) == std::map<std::string, size_t>{{"Relu", 1}, {"Transpose", 1}});
  CHECK(m.graph.findNode("r")->input(0)->name() == "x");
  CHECK(rep.passes.at(0).changes == 2);
  REQUIRE(rep.passes.at(0).notes.size() == 1);
  CHECK(rep.passes.at(0).notes[0].find("graph input") != std::string::npos);
}

TEST_CASE("cse merges duplicate nodes and collapses chains in one run", "[passes]") {
  Model m;
  m.opsets = {{"", 13}};
  Graph& g = m.graph;
  Value* x = g.addInput("x", f32({2, 3}));
  Value* a1 = out0(g, "Relu", {x}, "a1");
  Value* a2 = out0(g, "Relu", {x}, "a2");
  Value* b1 = out0(g, "Add", {a1, x}, "b1");
  Value* b2 = out0(g, "Add", {a2, x}, "b2");
  Value* t1 = withInts(g.addNode("Transpose", "", {b1}, {"t1"}, "t1"), "perm", {1, 0});
  Value* t2 = withInts(g.addNode("Transpose", "", {b2}, {"t2"}, "t2"), "perm", {1, 0});
  Value* sub = out0(g, "Sub", {b2, b1}, "sub");  // Sub(b, b) after merging; not Sub(b1, b2)
  g.addOutput(out0(g, "Mul", {t1, t2}, "y"));
  g.addOutput(sub);
  const auto before = run(m, {2, 3});
  PassReport rep = runPasses(m, "cse");
  CHECK(opCounts(m) == std::map<std::string, size_t>{
                           {"Add", 1}, {"Mul", 1}, {"Relu", 1}, {"Sub", 1}, {"Transpose", 1}});
  CHECK(rep.passes.at(0).changes == 3);
  const Node* mul = m.graph.findNode("y");
  CHECK(mul->input(0) == mul->input(1));
  CHECK(m.graph.findNode("sub")->input(0) == m.graph.findNode("sub")->input(1));
  CHECK(m.graph.outputs()[0]->name() == "y");
  requireSameOutputs(before, run(m, {2, 3}));
}

TEST_CASE("cse keeps nodes that differ in attributes or operand order", "[passes]") {
  Model m;
  m.opsets = {{"", 13}};
  Graph& g = m.graph;
  Value* x = g.addInput("x", f32({2, 3, 4}));
  Value* t1 = withInts(g.addNode("Transpose", "", {x}, {"t1"}, "t1"), "perm", {0, 1, 2});
  Value* t2 = withInts(g.addNode("Transpose", "", {x}, {"t2"}, "t2"), "perm", {2, 1, 0});
  Value* s1 = out0(g, "Sub", {t1, t1}, "s1");
  Value* c1 = out0(g, "Concat", {x, s1}, "c1");
  Value* c2 = out0(g, "Concat", {s1, x}, "c2");
  g.findNode("c1")->attrs.set(Attribute::ofInt("axis", 0));
  g.findNode("c2")->attrs.set(Attribute::ofInt("axis", 0));
  g.addOutput(t2);
  g.addOutput(c1);
  g.addOutput(c2);
  PassReport rep = runPasses(m, "cse");
  CHECK(m.graph.numNodes() == 5);
  CHECK(rep.passes.at(0).changes == 0);
}

TEST_CASE("cse keeps two graph outputs apart and renames into a single one", "[passes]") {
  Model m;
  m.opsets = {{"", 13}};
  Graph& g = m.graph;
  Value* x = g.addInput("x", f32({2, 3}));
  Value* r1 = out0(g, "Relu", {x}, "r1");
  g.addOutput(out0(g, "Sigmoid", {r1}, "y1"));
  g.addOutput(out0(g, "Relu", {x}, "y2"));  // duplicate of r1, a graph output
  g.addOutput(out0(g, "Neg", {x}, "n1"));
  g.addOutput(out0(g, "Neg", {x}, "n2"));  // both graph outputs
  const auto before = run(m, {2, 3});
  PassReport rep = runPasses(m, "cse");
  CHECK(opCounts(m) == std::map<std::string, size_t>{{"Neg", 2}, {"Relu", 1}, {"Sigmoid", 1}});
  CHECK(rep.passes.at(0).changes == 1);
  CHECK(m.graph.findNode("y1")->input(0)->name() == "y2");  // the kept Relu's output took the name
  REQUIRE(rep.passes.at(0).notes.size() == 1);
  CHECK(rep.passes.at(0).notes[0].find("both graph outputs") != std::string::npos);
  requireSameOutputs(before, run(m, {2, 3}));
}

TEST_CASE("cse does not merge random ops", "[passes]") {
  Model m;
  m.opsets = {{"", 13}};
  Graph& g = m.graph;
  Value* x = g.addInput("x", f32({2, 3}));
  Value* u1 = out0(g, "RandomUniformLike", {x}, "u1");
  Value* u2 = out0(g, "RandomUniformLike", {x}, "u2");
  g.addOutput(out0(g, "Sub", {u1, u2}, "y"));
  PassReport rep = runPasses(m, "cse");
  CHECK(opCounts(m).at("RandomUniformLike") == 2);
  CHECK(rep.passes.at(0).changes == 0);
}

TEST_CASE("dedup-initializers merges equal constants and keeps overridable ones", "[passes]") {
  Model m;
  m.opsets = {{"", 13}};
  Graph& g = m.graph;
  Value* x = g.addInput("x", f32({2, 3}));
  Value* w1 = g.addInitializer("w1", randomFloats({2, 3}, 5));
  Value* w2 = g.addInitializer("w2", randomFloats({2, 3}, 5));  // same as w1
  Value* w3 = g.addInitializer("w3", randomFloats({3, 2}, 5));  // same bytes, other dims
  Value* w4 = g.addInitializer("w4", randomFloats({2, 3}, 6));  // other bytes
  Value* w5 = g.addInitializer("w5", randomFloats({2, 3}, 5));  // a graph input
  g.markGraphInput(w5);
  Value* a = out0(g, "Add", {x, w1}, "a");
  Value* b = out0(g, "Mul", {a, w2}, "b");
  Value* c = out0(g, "Sub", {b, w4}, "c");
  Value* d = out0(g, "Add", {c, w5}, "d");
  Value* e = out0(g, "Reshape", {w3, ints(g, "shape", {2, 3})}, "e");
  g.addOutput(out0(g, "Add", {d, e}, "y"));
  const auto before = run(m, {2, 3});
  PassReport rep = runPasses(m, "dedup-initializers");
  CHECK(rep.passes.at(0).changes == 1);
  CHECK(m.graph.findNode("b")->input(1)->name() == "w1");
  CHECK(m.graph.findValue("w2") == nullptr);
  CHECK(m.graph.findNode("d")->input(1)->name() == "w5");
  CHECK(m.graph.findNode("e")->input(0)->name() == "w3");
  CHECK(m.graph.findNode("c")->input(1)->name() == "w4");
  CHECK(m.graph.initializers().size() == 5);  // w1 w3 w4 w5 shape
  requireSameOutputs(before, run(m, {2, 3}));
}

TEST_CASE("dedup-initializers compares large constants in full, not by their hashed sample",
          "[passes]") {
  Model m;
  m.opsets = {{"", 13}};
  Graph& g = m.graph;
  Value* x = g.addInput("x", f32({1, 40000}));
  TensorPtr base = randomFloats({1, 40000}, 7);  // 160 KB: only a sample is hashed
  std::vector<float> v(base->data<float>(), base->data<float>() + base->numElements());
  auto tensor = [](const std::vector<float>& f) {
    return std::make_shared<Tensor>(Tensor::fromVector(DType::Float32, {1, 40000}, f));
  };
  Value* w1 = g.addInitializer("w1", tensor(v));
  Value* w2 = g.addInitializer("w2", tensor(v));  // equal to w1
  v[250] += 1.0f;                                 // byte 1000: between two sampled windows
  Value* w3 = g.addInitializer("w3", tensor(v));
  Value* a = out0(g, "Add", {x, w1}, "a");
  Value* b = out0(g, "Mul", {a, w2}, "b");
  g.addOutput(out0(g, "Sub", {b, w3}, "y"));
  PassReport rep = runPasses(m, "dedup-initializers");
  CHECK(rep.passes.at(0).changes == 1);
  CHECK(m.graph.findNode("b")->input(1)->name() == "w1");
  CHECK(m.graph.findNode("y")->input(1)->name() == "w3");
}
