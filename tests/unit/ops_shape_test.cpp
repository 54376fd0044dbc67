// Shape-op inference (Reshape, Flatten, Squeeze/Unsqueeze, Transpose, Expand,
// Tile, Shape, ConstantOfShape, Range, Constant, Cast, Dropout) and the
// shape-value propagation that resolves torch's exported shape arithmetic.
#include <catch2/catch.hpp>

#include "tests/unit/test_graphs.h"

#include "ir/dtype_codes.h"
#include "ir/graph.h"
#include "ir/shape_inference.h"

using namespace nnport;
using namespace nnport::testing;

namespace {

const Dim N = Dim::symbolic("N");

Value* scalar(Graph& g, const std::string& name, int64_t v) {
  return g.addInitializer(name, std::make_shared<Tensor>(
                                    Tensor::fromVector(DType::Int64, {}, std::vector<int64_t>{v})));
}

// A Constant node holding an int64 tensor, as torch exports them.
Value* constantNode(Graph& g, const std::string& name, std::vector<int64_t> dims,
                    std::vector<int64_t> v) {
  Node* c = g.addNode("Constant", "", {}, {name}, name + "_node");
  c->attrs.set(Attribute::ofTensor(
      "value", std::make_shared<Tensor>(Tensor::fromVector(DType::Int64, dims, v))));
  return c->output();
}

std::string infer(Graph& g, int64_t opset = 13) {
  auto r = inferShapes(g, {{"", opset}}, {true});
  return r ? "" : r.status().message();
}

}  // namespace

TEST_CASE("torch flatten export: Shape-Gather-Unsqueeze-Concat-Reshape keeps N", "[ops][shape]") {
  for (int64_t opset : {11, 13}) {
    Graph g;
    Value* x = g.addInput("x", f32({N, 512, 7, 7}));
    Node* shape = g.addNode("Shape", "", {x}, {"s"}, "shape");
    Node* gather = g.addNode("Gather", "", {shape->output(), constantNode(g, "zero", {}, {0})},
                             {"n"}, "gather");
    gather->attrs.set(Attribute::ofInt("axis", 0));
    Node* unsq = opset >= 13
                     ? g.addNode("Unsqueeze", "", {gather->output(), ints(g, "axes", {0})}, {"n1"})
                     : g.addNode("Unsqueeze", "", {gather->output()}, {"n1"});
    if (opset < 13) unsq->attrs.set(Attribute::ofInts("axes", {0}));
    Node* cat = g.addNode("Concat", "", {unsq->output(), constantNode(g, "m1", {1}, {-1})},
                          {"target"}, "concat");
    cat->attrs.set(Attribute::ofInt("axis", 0));
    Node* reshape = g.addNode("Reshape", "", {x, cat->output()}, {"y"}, "reshape");
    REQUIRE(infer(g, opset) == "");
    CHECK(shape->output()->type.str() == "i64[4]");
    CHECK(gather->output()->type.str() == "i64[]");
    CHECK(cat->output()->type.str() == "i64[2]");
    CHECK(reshape->output()->type.str() == "f32[N,25088]");
  }
}

TEST_CASE("shape values pass Slice and Cast and reach Reshape", "[ops][shape]") {
  // y = x.view(x.shape[0], x.shape[1], -1) exported with a Slice of the shape.
  Graph g;
  Value* x = g.addInput("x", f32({N, Dim::symbolic("C"), 4, 4}));
  Node* shape = g.addNode("Shape", "", {x}, {"s"});
  Node* slice =
      g.addNode("Slice", "", {shape->output(), ints(g, "st", {0}), ints(g, "en", {2})}, {"nc"});
  Node* cast = g.addNode("Cast", "", {slice->output()}, {"nc64"});
  cast->attrs.set(Attribute::ofInt("to", 7));
  Node* cat = g.addNode("Concat", "", {cast->output(), ints(g, "m1", {-1})}, {"t"});
  cat->attrs.set(Attribute::ofInt("axis", 0));
  Node* reshape = g.addNode("Reshape", "", {x, cat->output()}, {"y"});
  REQUIRE(infer(g) == "");
  CHECK(reshape->output()->type.str() == "f32[N,C,16]");
}

TEST_CASE("Shape honours start and end from opset 15", "[ops][shape]") {
  Graph g;
  Value* x = g.addInput("x", f32({N, 3, 8, 8}));
  Node* s = g.addNode("Shape", "", {x}, {"s"});
  s->attrs.set(Attribute::ofInt("start", -2));
  Node* c = g.addNode("ConstantOfShape", "", {s->output()}, {"z"});
  Node* all =
      g.addNode("ConstantOfShape", "", {g.addNode("Shape", "", {x}, {"s2"})->output()}, {"z2"});
  REQUIRE(infer(g, 15) == "");
  CHECK(s->output()->type.str() == "i64[2]");
  CHECK(c->output()->type.str() == "f32[8,8]");
  CHECK(all->output()->type.str() == "f32[N,3,8,8]");
}

TEST_CASE("Reshape copies zeros, infers -1 and checks element counts", "[ops][shape]") {
  Graph g;
  Value* x = g.addInput("x", f32({2, 3, 4}));
  Value* n = g.addInput("n", f32({N, 4}));
  Node* a = g.addNode("Reshape", "", {x, ints(g, "t1", {0, -1})}, {"a"});
  Node* b = g.addNode("Reshape", "", {n, ints(g, "t2", {-1, 2, 2})}, {"b"});
  Node* c = g.addNode("Reshape", "", {x, g.addInput("dyn", {DType::Int64, Shape({3})})}, {"c"});
  REQUIRE(infer(g) == "");
  CHECK(a->output()->type.str() == "f32[2,12]");
  CHECK(b->output()->type.str() == "f32[N,2,2]");
  CHECK(c->output()->type.str() == "f32[?,?,?]");
}

TEST_CASE("Reshape-1 reads the shape attribute", "[ops][shape]") {
  Graph g;
  Node* r = g.addNode("Reshape", "", {g.addInput("x", f32({2, 3, 4}))}, {"y"});
  r->attrs.set(Attribute::ofInts("shape", {4, -1}));
  REQUIRE(infer(g, 4) == "");
  CHECK(r->output()->type.str() == "f32[4,6]");
}

TEST_CASE("Reshape errors name the node", "[ops][shape]") {
  SECTION("two -1") {
    Graph g;
    g.addNode("Reshape", "", {g.addInput("x", f32({2, 3})), ints(g, "t", {-1, -1})}, {"y"}, "rs");
    CHECK(infer(g).find("node 'rs' (Reshape)") != std::string::npos);
  }
  SECTION("element count mismatch") {
    Graph g;
    g.addNode("Reshape", "", {g.addInput("x", f32({2, 3})), ints(g, "t", {4, 2})}, {"y"}, "rs2");
    const std::string err = infer(g);
    CHECK(err.find("node 'rs2' (Reshape)") != std::string::npos);
    CHECK(err.find("[2,3]") != std::string::npos);
  }
  SECTION("-1 that does not divide") {
    Graph g;
    g.addNode("Reshape", "", {g.addInput("x", f32({2, 3})), ints(g, "t", {4, -1})}, {"y"}, "rs3");
    CHECK(infer(g).find("node 'rs3' (Reshape)") != std::string::npos);
  }
}

TEST_CASE("Flatten multiplies the dims on each side of the axis", "[ops][shape]") {
  Graph g;
  Value* x = g.addInput("x", f32({N, 3, 4, 5}));
  Node* a = g.addNode("Flatten", "", {x}, {"a"});
  Node* b = g.addNode("Flatten", "", {x}, {"b"});
  b->attrs.set(Attribute::ofInt("axis", -1));
  Node* c = g.addNode("Flatten", "", {x}, {"c"});
  c->attrs.set(Attribute::ofInt("axis", 0));
  REQUIRE(infer(g) == "");
  CHECK(a->output()->type.str() == "f32[N,60]");
  CHECK(b->output()->type.str() == "f32[?,5]");
  CHECK(c->output()->type.str() == "f32[1,?]");
}

TEST_CASE("Squeeze and Unsqueeze take axes as attribute before 13, input after", "[ops][shape]") {
  Graph g;
  Value* x = g.addInput("x", f32({N, 1, 3, 1}));
  Node* s11 = g.addNode("Squeeze", "", {x}, {"s11"});
  s11->attrs.set(Attribute::ofInts("axes", {1, -1}));
  Node* all = g.addNode("Squeeze", "", {g.addInput("y", f32({1, 3, 1}))}, {"all"});
  Node* u11 = g.addNode("Unsqueeze", "", {x}, {"u11"});
  u11->attrs.set(Attribute::ofInts("axes", {0, -1}));
  REQUIRE(infer(g, 11) == "");
  CHECK(s11->output()->type.str() == "f32[N,3]");
  CHECK(all->output()->type.str() == "f32[3]");
  CHECK(u11->output()->type.str() == "f32[1,N,1,3,1,1]");

  Graph h;
  Value* z = h.addInput("x", f32({N, 1, 3}));
  Node* s13 = h.addNode("Squeeze", "", {z, ints(h, "a", {1})}, {"s13"});
  Node* u13 = h.addNode("Unsqueeze", "", {z, ints(h, "b", {1, 4})}, {"u13"});
  REQUIRE(infer(h, 13) == "");
  CHECK(s13->output()->type.str() == "f32[N,3]");
  CHECK(u13->output()->type.str() == "f32[N,1,1,3,1]");
}

TEST_CASE("Squeeze of a dim that is not 1 is an error", "[ops][shape]") {
  Graph g;
  Node* s = g.addNode("Squeeze", "", {g.addInput("x", f32({2, 3}))}, {"y"}, "sq");
  s->attrs.set(Attribute::ofInts("axes", {0}));
  CHECK(infer(g, 11).find("node 'sq' (Squeeze)") != std::string::npos);
}

TEST_CASE("Transpose permutes dims, reverses by default, rejects bad perms", "[ops][shape]") {
  Graph g;
  Value* x = g.addInput("x", f32({N, 3, 5}));
  Node* rev = g.addNode("Transpose", "", {x}, {"rev"});
  Node* p = g.addNode("Transpose", "", {x}, {"p"});
  p->attrs.set(Attribute::ofInts("perm", {0, 2, 1}));
  REQUIRE(infer(g) == "");
  CHECK(rev->output()->type.str() == "f32[5,3,N]");
  CHECK(p->output()->type.str() == "f32[N,5,3]");
  p->attrs.set(Attribute::ofInts("perm", {0, 0, 1}));
  CHECK(infer(g).find("(Transpose)") != std::string::npos);
}

TEST_CASE("Expand broadcasts against the shape input; Tile multiplies", "[ops][shape]") {
  Graph g;
  Value* x = g.addInput("x", f32({N, 1, 3}));
  Node* e = g.addNode("Expand", "", {x, ints(g, "s", {2, 1, 4, 1})}, {"e"});
  Node* t = g.addNode("Tile", "", {x, ints(g, "r", {1, 5, 2})}, {"t"});
  REQUIRE(infer(g) == "");
  CHECK(e->output()->type.str() == "f32[2,N,4,3]");
  CHECK(t->output()->type.str() == "f32[N,5,6]");
}

TEST_CASE("Cast maps ONNX type codes; Constant and Range produce their types", "[ops][shape]") {
  CHECK(dtypeFromOnnx(7) == DType::Int64);
  CHECK(dtypeFromOnnx(16) == DType::BFloat16);
  CHECK_FALSE(dtypeFromOnnx(0).has_value());
  CHECK_FALSE(dtypeFromOnnx(99).has_value());
  for (int64_t code = 1; code <= 16; ++code) CHECK(dtypeToOnnx(*dtypeFromOnnx(code)) == code);

  Graph g;
  Value* x = g.addInput("x", f32({N, 3}));
  Node* cast = g.addNode("Cast", "", {x}, {"c"});
  cast->attrs.set(Attribute::ofInt("to", 10));
  Node* k = g.addNode("Constant", "", {}, {"k"});
  k->attrs.set(Attribute::ofInts("value_ints", {1, 2, 3}));
  Node* f = g.addNode("Constant", "", {}, {"f"});
  f->attrs.set(Attribute::ofFloat("value_float", 1.f));
  Node* range =
      g.addNode("Range", "", {scalar(g, "s", 0), scalar(g, "l", 10), scalar(g, "d", 3)}, {"r"});
  Node* drop = g.addNode("Dropout", "", {x}, {"dy", "mask"});
  REQUIRE(infer(g) == "");
  CHECK(cast->output()->type.str() == "f16[N,3]");
  CHECK(k->output()->type.str() == "i64[3]");
  CHECK(f->output()->type.str() == "f32[]");
  CHECK(range->output()->type.str() == "i64[4]");
  CHECK(drop->output(1)->type.str() == "bool[N,3]");

  cast->attrs.set(Attribute::ofInt("to", 99));
  CHECK(infer(g).find("(Cast)") != std::string::npos);
}

TEST_CASE("Constant without a value is an error", "[ops][shape]") {
  Graph g;
  g.addNode("Constant", "", {}, {"k"}, "empty_const");
  CHECK(infer(g).find("node 'empty_const' (Constant)") != std::string::npos);
}

TEST_CASE("shape ops leave outputs alone when input types are unknown", "[ops][shape]") {
  Graph g;
  Value* x = g.addDetachedValue("x");
  Node* r = g.addNode("Reshape", "", {x, ints(g, "t", {-1})}, {"y"});
  Node* t = g.addNode("Transpose", "", {x}, {"t"});
  Node* s = g.addNode("Shape", "", {x}, {"s"});
  REQUIRE(infer(g) == "");
  CHECK(r->output()->type.dtype == DType::Undefined);
  CHECK(t->output()->type.dtype == DType::Undefined);
  CHECK(s->output()->type.dtype == DType::Undefined);
}
