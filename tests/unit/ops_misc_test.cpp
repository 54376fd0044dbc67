// Inference of TopK, NonZero, Unique, EyeLike, the random generators and the
// declared-only control-flow ops.
#include <catch2/catch.hpp>

#include "tests/unit/test_graphs.h"

#include "ir/graph.h"
#include "ir/ops/registry.h"
#include "ir/shape_inference.h"

using namespace nnport;
using namespace nnport::testing;

namespace {

const Dim N = Dim::symbolic("N");

std::string infer(Graph& g, int64_t opset = 13) {
  auto r = inferShapes(g, {{"", opset}}, {true});
  return r ? "" : r.status().message();
}

}  // namespace

TEST_CASE("TopK takes k as attribute before 10 and input after", "[ops][misc]") {
  Graph g;
  Value* x = g.addInput("x", f32({N, 100}));
  Value* k = g.addInitializer("k", std::make_shared<Tensor>(Tensor::fromVector(
                                       DType::Int64, {1}, std::vector<int64_t>{5})));
  Node* t = g.addNode("TopK", "", {x, k}, {"v", "i"});
  REQUIRE(infer(g, 11) == "");
  CHECK(t->output(0)->type.str() == "f32[N,5]");
  CHECK(t->output(1)->type.str() == "i64[N,5]");

  Graph h;
  Node* t1 = h.addNode("TopK", "", {h.addInput("x", f32({4, 3}))}, {"v", "i"}, "topk");
  t1->attrs.set(Attribute::ofInt("k", 2));
  t1->attrs.set(Attribute::ofInt("axis", 0));
  REQUIRE(infer(h, 1) == "");
  CHECK(t1->output(0)->type.str() == "f32[2,3]");
  t1->attrs.set(Attribute::ofInt("k", 9));
  CHECK(infer(h, 1).find("node 'topk' (TopK)") != std::string::npos);
}

TEST_CASE("data-dependent outputs have unknown sizes", "[ops][misc]") {
  Graph g;
  Value* x = g.addInput("x", f32({N, 3}));
  Node* nz = g.addNode("NonZero", "", {x}, {"nz"});
  Node* u = g.addNode("Unique", "", {x}, {"y", "", "inv", "counts"});
  Node* nms = g.addNode("NonMaxSuppression", "",
                        {g.addInput("boxes", f32({1, N, 4})), g.addInput("scores", f32({1, 2, N}))},
                        {"sel"});
  REQUIRE(infer(g) == "");
  CHECK(nz->output()->type.str() == "i64[2,?]");
  CHECK(u->output(0)->type.str() == "f32[?]");
  CHECK(u->output(2)->type.str() == "i64[?]");
  CHECK(nms->output()->type.str() == "i64[?,3]");
}

TEST_CASE("EyeLike and random generators read the dtype code", "[ops][misc]") {
  Graph g;
  Node* eye = g.addNode("EyeLike", "", {g.addInput("x", f32({3, 4}))}, {"eye"});
  eye->attrs.set(Attribute::ofInt("dtype", 7));
  Node* rn = g.addNode("RandomNormal", "", {}, {"rn"});
  rn->attrs.set(Attribute::ofInts("shape", {2, 5}));
  Node* mn = g.addNode("Multinomial", "", {g.addInput("p", f32({N, 10}))}, {"mn"});
  mn->attrs.set(Attribute::ofInt("sample_size", 4));
  REQUIRE(infer(g) == "");
  CHECK(eye->output()->type.str() == "i64[3,4]");
  CHECK(rn->output()->type.str() == "f32[2,5]");
  CHECK(mn->output()->type.str() == "i32[N,4]");
  rn->attrs.set(Attribute::ofInts("shape", {2, -5}));
  CHECK(infer(g).find("(RandomNormal)") != std::string::npos);
}

TEST_CASE("control-flow ops declare graph attributes and keep declared outputs", "[ops][misc]") {
  const OpSchema* ifs = OpRegistry::instance().find("", "If");
  REQUIRE(ifs);
  REQUIRE(ifs->attr("then_branch"));
  CHECK(ifs->attr("then_branch")->kind == AttrKind::Graph);
  CHECK(ifs->attr("then_branch")->required);
  const OpSchema* loop = OpRegistry::instance().find("", "Loop");
  REQUIRE(loop);
  CHECK(loop->attr("body")->kind == AttrKind::Graph);
  Graph g;
  Node* n = g.addNode("If", "", {g.addInput("c", {DType::Bool, Shape(std::vector<Dim>{})})}, {"o"});
  n->output()->type = f32({N});
  REQUIRE(infer(g) == "");
  CHECK(n->output()->type.str() == "f32[N]");
}
