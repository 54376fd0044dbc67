// The rewrite driver (passes/rewrite.h): roots by op type and by trait, a
// node erased by an earlier rewrite never visited, nodes added during the
// walk not visited, notes kept, topological order on request.
#include <catch2/catch.hpp>

#include "ir/ops/registry.h"
#include "passes/rewire.h"
#include "passes/rewrite.h"
#include "tests/unit/pass_test_util.h"

using namespace nnport;
using namespace nnport::testing;

namespace {

// Three Relus in a chain x -> r1 -> r2 -> r3, added last-first so insertion
// order is not topological (the text reader would refuse that order).
std::unique_ptr<Model> chain() {
  auto m = std::make_unique<Model>();
  m->opsets = {{"", 17}};
  Graph& g = m->graph;
  Value* x = g.addInput("x", TensorType{DType::Float32, Shape::ofSizes({4})});
  Value* a = g.addDetachedValue("a");
  Value* b = g.addDetachedValue("b");
  Node* r3 = g.addNode("Relu", "", {b}, {"c"}, "r3");
  g.addNode("Relu", "", {a}, {"b"}, "r2");
  g.addNode("Relu", "", {x}, {"a"}, "r1");
  g.addOutput(r3->output(0));
  return m;
}

}  // namespace

TEST_CASE("the rewrite driver skips nodes erased or added during its walk", "[passes][rewrite]") {
  auto m = chain();
  std::vector<std::string> visited;
  Rewrite r;
  r.ops = {"Relu"};
  r.apply = [&](Node& n, RewriteContext& ctx) {
    visited.push_back(n.name());
    if (n.name() != "r3") return false;
    // Erase r2 (later in the walk) by bypassing it, and add a new Relu.
    Node* r2 = ctx.graph.findNode("r2");
    bypass(ctx.graph, r2->output(0), r2->input(0));
    ctx.graph.addNode("Relu", "", {n.output(0)}, {"extra"}, "added");
    ctx.note("rewrote {}", n.name());
    return true;
  };
  auto res = runRewrite(*m, r);
  REQUIRE(res);
  CHECK(visited == std::vector<std::string>{"r3", "r1"});
  CHECK(res->changes == 1);
  CHECK(res->notes == std::vector<std::string>{"rewrote r3"});
  CHECK(m->graph.findNode("added"));
}

TEST_CASE("the rewrite driver walks in topological order and by trait on request",
          "[passes][rewrite]") {
  auto m = chain();
  std::vector<std::string> visited;
  Rewrite r;
  r.traits = kElementwise;
  r.topological = true;
  r.apply = [&](Node& n, RewriteContext&) {
    visited.push_back(n.name());
    return false;
  };
  auto res = runRewrite(*m, r);
  REQUIRE(res);
  CHECK(visited == std::vector<std::string>{"r1", "r2", "r3"});
  CHECK(res->changes == 0);

  visited.clear();
  r.traits = kShapeOp;  // no Relu is a shape op
  REQUIRE(runRewrite(*m, r));
  CHECK(visited.empty());
}
