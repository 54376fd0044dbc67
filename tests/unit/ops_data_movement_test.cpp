// Data-movement inference: Concat, Split, Slice, Gather*, Pad, Resize,
// Upsample, DepthToSpace/SpaceToDepth, Compress, OneHot.
#include <catch2/catch.hpp>

#include "tests/unit/test_graphs.h"

#include <cstdint>

#include "ir/graph.h"
#include "ir/shape_inference.h"

using namespace nnport;
using namespace nnport::testing;

namespace {

const Dim N = Dim::symbolic("N");

Value* floats(Graph& g, const std::string& name, std::vector<float> v) {
  std::vector<int64_t> dims{static_cast<int64_t>(v.size())};
  return g.addInitializer(name,
                          std::make_shared<Tensor>(Tensor::fromVector(DType::Float32, dims, v)));
}

std::string infer(Graph& g, int64_t opset = 13) {
  auto r = inferShapes(g, {{"", opset}}, {true});
  return r ? "" : r.status().message();
}

}  // namespace

TEST_CASE("Concat adds the axis sizes and keeps symbolic dims", "[ops][data]") {
  Graph g;
  Node* c =
      g.addNode("Concat", "", {g.addInput("a", f32({N, 3, 4})), g.addInput("b", f32({N, 5, 4}))},
                {"c"}, "cat");
  c->attrs.set(Attribute::ofInt("axis", 1));
  REQUIRE(infer(g) == "");
  CHECK(c->output()->type.str() == "f32[N,8,4]");
  c->attrs.set(Attribute::ofInt("axis", 0));
  CHECK(infer(g).find("node 'cat' (Concat)") != std::string::npos);
}

TEST_CASE("Split divides evenly or by the split sizes", "[ops][data]") {
  Graph g;
  Value* x = g.addInput("x", f32({N, 6}));
  Node* even = g.addNode("Split", "", {x}, {"a", "b", "c"});
  even->attrs.set(Attribute::ofInt("axis", 1));
  Node* sized = g.addNode("Split", "", {x, ints(g, "s", {1, 5})}, {"d", "e"});
  sized->attrs.set(Attribute::ofInt("axis", -1));
  REQUIRE(infer(g) == "");
  CHECK(even->output(2)->type.str() == "f32[N,2]");
  CHECK(sized->output(0)->type.str() == "f32[N,1]");
  CHECK(sized->output(1)->type.str() == "f32[N,5]");

  Graph h;
  Node* s11 = h.addNode("Split", "", {h.addInput("x", f32({7}))}, {"a", "b"}, "sp");
  s11->attrs.set(Attribute::ofInts("split", {3, 4}));
  REQUIRE(infer(h, 11) == "");
  CHECK(s11->output(1)->type.str() == "f32[4]");
  s11->attrs.set(Attribute::ofInts("split", {3, 3}));
  CHECK(infer(h, 11).find("node 'sp' (Split)") != std::string::npos);
}

TEST_CASE("Slice clamps, steps backwards and keeps full symbolic slices", "[ops][data]") {
  Graph g;
  Value* x = g.addInput("x", f32({N, 10, 8}));
  Node* s = g.addNode("Slice", "",
                      {x, ints(g, "st", {0, 2, -1}), ints(g, "en", {INT64_MAX, 100, INT64_MIN}),
                       ints(g, "ax", {0, 1, 2}), ints(g, "sp", {1, 3, -2})},
                      {"y"});
  Node* dyn = g.addNode(
      "Slice", "",
      {x, g.addInput("b", {DType::Int64, Shape({1})}), ints(g, "e", {4}), ints(g, "a", {-1})},
      {"z"});
  REQUIRE(infer(g) == "");
  CHECK(s->output()->type.str() == "f32[N,3,4]");
  CHECK(dyn->output()->type.str() == "f32[N,10,?]");

  Graph h;
  Node* s9 = h.addNode("Slice", "", {h.addInput("x", f32({4, 6}))}, {"y"});
  s9->attrs.set(Attribute::ofInts("starts", {1}));
  s9->attrs.set(Attribute::ofInts("ends", {-1}));
  s9->attrs.set(Attribute::ofInts("axes", {1}));
  REQUIRE(infer(h, 9) == "");
  CHECK(s9->output()->type.str() == "f32[4,4]");
}

TEST_CASE("Gather, GatherElements and GatherND shapes", "[ops][data]") {
  Graph g;
  Value* x = g.addInput("x", f32({N, 5, 3}));
  Node* ga = g.addNode("Gather", "", {x, ints(g, "i", {0, 4})}, {"ga"}, "gather");
  ga->attrs.set(Attribute::ofInt("axis", 1));
  Node* ge = g.addNode("GatherElements", "", {x, g.addInput("j", {DType::Int64, Shape({N, 2, 3})})},
                       {"ge"});
  Node* gnd =
      g.addNode("GatherND", "", {x, g.addInput("k", {DType::Int64, Shape({N, 7, 1})})}, {"gnd"});
  gnd->attrs.set(Attribute::ofInt("batch_dims", 1));
  REQUIRE(infer(g) == "");
  CHECK(ga->output()->type.str() == "f32[N,2,3]");
  CHECK(ge->output()->type.str() == "f32[N,2,3]");
  CHECK(gnd->output()->type.str() == "f32[N,7,3]");

  Graph h;
  h.addNode("Gather", "", {h.addInput("x", f32({3})), ints(h, "i", {3})}, {"y"}, "g_oob");
  CHECK(infer(h).find("node 'g_oob' (Gather)") != std::string::npos);
}

TEST_CASE("Pad takes pads as attribute before 11 and input after", "[ops][data]") {
  Graph g;
  Node* p = g.addNode("Pad", "",
                      {g.addInput("x", f32({N, 3, 4, 4})), ints(g, "p", {0, 0, 1, 2, 0, 0, 1, 2})},
                      {"y"});
  REQUIRE(infer(g, 13) == "");
  CHECK(p->output()->type.str() == "f32[N,3,6,8]");

  Graph h;
  Node* p2 = h.addNode("Pad", "", {h.addInput("x", f32({2, 3}))}, {"y"}, "pad2");
  p2->attrs.set(Attribute::ofInts("pads", {0, -1, 0, 4}));
  REQUIRE(infer(h, 2) == "");
  CHECK(p2->output()->type.str() == "f32[2,6]");
  p2->attrs.set(Attribute::ofInts("pads", {0, -4, 0, 0}));
  CHECK(infer(h, 2).find("node 'pad2' (Pad)") != std::string::npos);
}

TEST_CASE("Resize by scales or sizes; Upsample by scales", "[ops][data]") {
  Graph g;
  Value* x = g.addInput("x", f32({N, 3, 5, 8}));
  Node* byScale = g.addNode("Resize", "", {x, nullptr, floats(g, "sc", {1, 1, 2, 0.5f})}, {"a"});
  Node* bySize = g.addNode("Resize", "", {x, nullptr, nullptr, ints(g, "sz", {1, 3, 7, 9})}, {"b"});
  REQUIRE(infer(g, 13) == "");
  CHECK(byScale->output()->type.str() == "f32[N,3,10,4]");
  CHECK(bySize->output()->type.str() == "f32[1,3,7,9]");

  Graph h;
  Value* y = h.addInput("x", f32({1, 3, 5, 8}));
  Node* r10 = h.addNode("Resize", "", {y, floats(h, "sc", {1, 1, 3, 3})}, {"a"});
  Node* up = h.addNode("Upsample", "", {y, floats(h, "sc2", {1, 1, 2, 2})}, {"b"});
  REQUIRE(infer(h, 10) == "");
  CHECK(r10->output()->type.str() == "f32[1,3,15,24]");
  CHECK(up->output()->type.str() == "f32[1,3,10,16]");

  Graph e;
  e.addNode("Resize", "", {e.addInput("x", f32({1, 3})), nullptr, floats(e, "sc", {1, 1, 2})},
            {"y"}, "rs");
  CHECK(infer(e).find("node 'rs' (Resize)") != std::string::npos);
}

TEST_CASE("DepthToSpace and SpaceToDepth move channels to space and back", "[ops][data]") {
  Graph g;
  Value* x = g.addInput("x", f32({N, 8, 3, 3}));
  Node* d2s = g.addNode("DepthToSpace", "", {x}, {"a"});
  d2s->attrs.set(Attribute::ofInt("blocksize", 2));
  Node* s2d = g.addNode("SpaceToDepth", "", {d2s->output()}, {"b"});
  s2d->attrs.set(Attribute::ofInt("blocksize", 2));
  REQUIRE(infer(g) == "");
  CHECK(d2s->output()->type.str() == "f32[N,2,6,6]");
  CHECK(s2d->output()->type.str() == "f32[N,8,3,3]");
  d2s->attrs.set(Attribute::ofInt("blocksize", 3));
  CHECK(infer(g).find("(DepthToSpace)") != std::string::npos);
}

TEST_CASE("OneHot inserts the depth; Compress counts a constant condition", "[ops][data]") {
  Graph g;
  Value* idx = g.addInput("i", {DType::Int64, Shape({N, 4})});
  Node* oh =
      g.addNode("OneHot", "", {idx, ints(g, "depth", {10}), g.addInput("v", f32({2}))}, {"oh"});
  oh->attrs.set(Attribute::ofInt("axis", 1));
  std::vector<uint8_t> cond{1, 0, 1};
  Value* c = g.addInitializer("cond",
                              std::make_shared<Tensor>(Tensor::fromVector(DType::Bool, {3}, cond)));
  Node* cp = g.addNode("Compress", "", {g.addInput("x", f32({N, 3})), c}, {"cp"});
  cp->attrs.set(Attribute::ofInt("axis", 1));
  REQUIRE(infer(g) == "");
  CHECK(oh->output()->type.str() == "f32[N,10,4]");
  CHECK(cp->output()->type.str() == "f32[N,2]");
}
