// Reduction inference: axes as attribute or input by opset, keepdims,
// noop_with_empty_axes, ArgMax/ArgMin.
#include <catch2/catch.hpp>

#include "tests/unit/test_graphs.h"

#include "ir/graph.h"
#include "ir/shape_inference.h"

using namespace nnport;
using namespace nnport::testing;

namespace {

const Dim N = Dim::symbolic("N");

std::string infer(Graph& g, int64_t opset) {
  auto r = inferShapes(g, {{"", opset}}, {true});
  return r ? "" : r.status().message();
}

}  // namespace

TEST_CASE("ReduceSum takes axes as an input from opset 13", "[ops][reduce]") {
  Graph g;
  Value* x = g.addInput("x", f32({N, 3, 8, 8}));
  Node* keep = g.addNode("ReduceSum", "", {x, ints(g, "a", {2, -1})}, {"keep"});
  Node* drop = g.addNode("ReduceSum", "", {x, ints(g, "b", {1})}, {"drop"});
  drop->attrs.set(Attribute::ofInt("keepdims", 0));
  Node* all = g.addNode("ReduceSum", "", {x}, {"all"});
  Node* noop = g.addNode("ReduceSum", "", {x}, {"noop"});
  noop->attrs.set(Attribute::ofInt("noop_with_empty_axes", 1));
  Node* dyn =
      g.addNode("ReduceSum", "", {x, g.addInput("axes", {DType::Int64, Shape({2})})}, {"dyn"});
  dyn->attrs.set(Attribute::ofInt("keepdims", 0));
  REQUIRE(infer(g, 13) == "");
  CHECK(keep->output()->type.str() == "f32[N,3,1,1]");
  CHECK(drop->output()->type.str() == "f32[N,8,8]");
  CHECK(all->output()->type.str() == "f32[1,1,1,1]");
  CHECK(noop->output()->type.str() == "f32[N,3,8,8]");
  CHECK(dyn->output()->type.str() == "f32[?,?]");
}

TEST_CASE("ReduceSum-11 and ReduceMean-13 read the axes attribute", "[ops][reduce]") {
  for (const char* op : {"ReduceSum", "ReduceMean", "ReduceLogSumExp"}) {
    Graph g;
    Node* n = g.addNode(op, "", {g.addInput("x", f32({N, 3, 8, 8}))}, {"y"});
    n->attrs.set(Attribute::ofInts("axes", {2, 3}));
    n->attrs.set(Attribute::ofInt("keepdims", 0));
    REQUIRE(infer(g, std::string(op) == "ReduceSum" ? 11 : 13) == "");
    CHECK(n->output()->type.str() == "f32[N,3]");
  }
}

TEST_CASE("reduction axis errors name the node", "[ops][reduce]") {
  Graph g;
  Node* n = g.addNode("ReduceMax", "", {g.addInput("x", f32({2, 3}))}, {"y"}, "rmax");
  n->attrs.set(Attribute::ofInts("axes", {2}));
  CHECK(infer(g, 13).find("node 'rmax' (ReduceMax)") != std::string::npos);
  n->attrs.set(Attribute::ofInts("axes", {1, -1}));
  CHECK(infer(g, 13).find("repeated") != std::string::npos);
}

TEST_CASE("ArgMax and ArgMin produce int64 indices", "[ops][reduce]") {
  Graph g;
  Value* x = g.addInput("x", f32({N, 10}));
  Node* amax = g.addNode("ArgMax", "", {x}, {"amax"});
  amax->attrs.set(Attribute::ofInt("axis", -1));
  Node* amin = g.addNode("ArgMin", "", {x}, {"amin"});
  amin->attrs.set(Attribute::ofInt("axis", 1));
  amin->attrs.set(Attribute::ofInt("keepdims", 0));
  REQUIRE(infer(g, 13) == "");
  CHECK(amax->output()->type.str() == "i64[N,1]");
  CHECK(amin->output()->type.str() == "i64[N]");
  amin->attrs.set(Attribute::ofInt("axis", 2));
  CHECK(infer(g, 13).find("(ArgMin)") != std::string::npos);
}
