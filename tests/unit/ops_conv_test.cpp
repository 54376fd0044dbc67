// Conv, ConvTranspose, ConvInteger and QLinearConv: shapes, MACs, errors.
#include <catch2/catch.hpp>

#include "tests/unit/test_graphs.h"

#include "ir/graph.h"
#include "ir/ops/registry.h"
#include "ir/shape_inference.h"

using namespace nnport;
using namespace nnport::testing;

namespace {

Expected<InferReport> infer(Graph& g) {
  return inferShapes(g, {{"", 17}}, {true});
}

Node* conv(Graph& g, const std::string& name, Value* x, Value* w, std::vector<Attribute> attrs,
           Value* b = nullptr, const std::string& op = "Conv") {
  std::vector<Value*> ins{x, w};
  if (b) ins.push_back(b);
  Node* n = g.addNode(op, "", ins, {name + "_y"}, name);
  for (auto& a : attrs) n->attrs.set(std::move(a));
  return n;
}

}  // namespace

TEST_CASE("ResNet-18 stem conv: shape and MACs", "[ops][conv]") {
  Graph g;
  Value* x = g.addInput("x", f32({1, 3, 224, 224}));
  Value* w = g.addInput("w", f32({64, 3, 7, 7}));
  Node* n = conv(g, "conv1", x, w,
                 {Attribute::ofInts("strides", {2, 2}), Attribute::ofInts("pads", {3, 3, 3, 3})});
  REQUIRE(infer(g));
  CHECK(n->output()->type.str() == "f32[1,64,112,112]");
  CHECK(macs(n) == 118013952);
  CHECK(n->schema()->has(kLayoutSensitive));
  CHECK(n->schema()->has(kQuantizable));
  CHECK(n->schema()->has(kFusedActivation));
  CHECK(n->attrInt("group") == 1);
  CHECK(n->attrString("auto_pad") == "NOTSET");
}

TEST_CASE("a kernel one short of the padded input gives an empty output, as in ONNX",
          "[ops][conv]") {
  Graph g;
  Node* n =
      conv(g, "c", g.addInput("x", f32({1, 3, 2, 2})), g.addInput("w", f32({4, 3, 3, 3})), {});
  REQUIRE(infer(g));
  CHECK(n->output()->type.str() == "f32[1,4,0,0]");
}

TEST_CASE("conv keeps a symbolic batch and counts it as 1", "[ops][conv]") {
  Graph g;
  Value* x = g.addInput("x", f32({Dim::symbolic("N"), 3, 32, 32}));
  Value* w = g.addInput("w", f32({16, 3, 3, 3}));
  Value* b = g.addInput("b", f32({16}));
  Node* n = conv(g, "c", x, w, {Attribute::ofInts("pads", {1, 1, 1, 1})}, b);
  REQUIRE(infer(g));
  CHECK(n->output()->type.str() == "f32[N,16,32,32]");
  CHECK(macs(n) == 16LL * 32 * 32 * 3 * 9);
}

TEST_CASE("conv handles 1-D, 3-D, auto_pad and dilation", "[ops][conv]") {
  Graph g;
  Value* x1 = g.addInput("x1", f32({1, 4, 11}));
  Value* w1 = g.addInput("w1", f32({8, 4, 3}));
  Node* same =
      conv(g, "same", x1, w1,
           {Attribute::ofInts("strides", {2}), Attribute::ofString("auto_pad", "SAME_UPPER")});
  Node* lower =
      conv(g, "lower", x1, w1,
           {Attribute::ofInts("strides", {2}), Attribute::ofString("auto_pad", "SAME_LOWER")});
  Node* valid = conv(g, "valid", x1, w1,
                     {Attribute::ofInts("strides", {2}), Attribute::ofString("auto_pad", "VALID")});
  Value* x3 = g.addInput("x3", f32({2, 4, 8, 8, 8}));
  Value* w3 = g.addInput("w3", f32({8, 4, 3, 3, 3}));
  Node* c3 = conv(g, "c3", x3, w3, {Attribute::ofInts("dilations", {2, 2, 2})});
  Value* xs =
      g.addInput("xs", f32({Dim::symbolic("N"), 4, Dim::symbolic("H"), Dim::symbolic("W")}));
  Value* ws = g.addInput("ws", f32({8, 4, 1, 1}));
  Node* pointwise = conv(g, "pw", xs, ws, {});
  Value* wk = g.addInput("wk", f32({8, 4, 3, 3}));
  Node* sameSym = conv(g, "ss", xs, wk, {Attribute::ofString("auto_pad", "SAME_UPPER")});
  REQUIRE(infer(g));
  CHECK(same->output()->type.str() == "f32[1,8,6]");
  CHECK(lower->output()->type.str() == "f32[1,8,6]");
  CHECK(valid->output()->type.str() == "f32[1,8,5]");
  CHECK(c3->output()->type.str() == "f32[2,8,4,4,4]");
  CHECK(macs(c3) == 2LL * 8 * 64 * 4 * 27);
  CHECK(pointwise->output()->type.str() == "f32[N,8,H,W]");
  CHECK(sameSym->output()->type.str() == "f32[N,8,H,W]");
}

TEST_CASE("depthwise conv: group equal to channels", "[ops][conv]") {
  Graph g;
  Value* x = g.addInput("x", f32({1, 32, 56, 56}));
  Value* w = g.addInput("w", f32({32, 1, 3, 3}));
  Node* n =
      conv(g, "dw", x, w, {Attribute::ofInts("pads", {1, 1, 1, 1}), Attribute::ofInt("group", 32)});
  REQUIRE(infer(g));
  CHECK(n->output()->type.str() == "f32[1,32,56,56]");
  CHECK(macs(n) == 32LL * 56 * 56 * 9);
}

TEST_CASE("conv errors name the node", "[ops][conv]") {
  SECTION("channel mismatch") {
    Graph g;
    conv(g, "bad_c", g.addInput("x", f32({1, 3, 8, 8})), g.addInput("w", f32({4, 2, 3, 3})), {});
    requireErrorNaming(g, "node 'bad_c' (Conv)", "channels");
  }
  SECTION("channel mismatch with group") {
    Graph g;
    conv(g, "bad_g", g.addInput("x", f32({1, 8, 8, 8})), g.addInput("w", f32({4, 2, 3, 3})),
         {Attribute::ofInt("group", 2)});
    requireErrorNaming(g, "node 'bad_g' (Conv)", "group");
  }
  SECTION("weight rank mismatch") {
    Graph g;
    conv(g, "bad_r", g.addInput("x", f32({1, 3, 8, 8})), g.addInput("w", f32({4, 3, 3})), {});
    requireErrorNaming(g, "node 'bad_r' (Conv)", "rank");
  }
  SECTION("input below rank 3") {
    Graph g;
    conv(g, "bad_x", g.addInput("x", f32({3, 8})), g.addInput("w", f32({4, 3})), {});
    requireErrorNaming(g, "node 'bad_x' (Conv)", "rank");
  }
  SECTION("bias size") {
    Graph g;
    conv(g, "bad_b", g.addInput("x", f32({1, 3, 8, 8})), g.addInput("w", f32({4, 3, 3, 3})), {},
         g.addInput("b", f32({5})));
    requireErrorNaming(g, "node 'bad_b' (Conv)", "bias");
  }
  SECTION("kernel larger than padded input by two strides or more") {
    // ONNX sizes it 1 + trunc(span / stride) < 0; one short gives 0 (empty).
    Graph g;
    conv(g, "bad_k", g.addInput("x", f32({1, 3, 2, 2})), g.addInput("w", f32({4, 3, 5, 5})), {});
    requireErrorNaming(g, "node 'bad_k' (Conv)", "kernel");
  }
  SECTION("pads of the wrong length") {
    Graph g;
    conv(g, "bad_p", g.addInput("x", f32({1, 3, 8, 8})), g.addInput("w", f32({4, 3, 3, 3})),
         {Attribute::ofInts("pads", {1, 1})});
    requireErrorNaming(g, "node 'bad_p' (Conv)", "pads");
  }
  SECTION("bad auto_pad") {
    Graph g;
    conv(g, "bad_a", g.addInput("x", f32({1, 3, 8, 8})), g.addInput("w", f32({4, 3, 3, 3})),
         {Attribute::ofString("auto_pad", "SAME")});
    requireErrorNaming(g, "node 'bad_a' (Conv)", "auto_pad");
  }
}

TEST_CASE("conv with unknown input types infers nothing", "[ops][conv]") {
  Graph g;
  Value* x = g.addDetachedValue("x");
  Value* w = g.addInput("w", f32({4, 3, 3, 3}));
  Node* n = conv(g, "c", x, w, {});
  auto r = infer(g);
  REQUIRE(r);
  CHECK(n->output()->type.dtype == DType::Undefined);
  Graph g2;
  Node* m = conv(g2, "c", g2.addInput("x", {DType::Float32, Shape()}),
                 g2.addInput("w", f32({4, 3, 3, 3})), {});
  REQUIRE(infer(g2));
  CHECK(m->output()->type.str() == "f32[*]");
  Graph g3;
  Node* k = conv(g3, "c", g3.addInput("x", f32({Dim::symbolic("N"), 3, 8, 8})),
                 g3.addInput("w", {DType::Float32, Shape()}), {});
  REQUIRE(infer(g3));
  CHECK(k->output()->type.str() == "f32[N,?,?,?]");
}

TEST_CASE("ConvTranspose: strides, pads, group, output_padding, output_shape", "[ops][conv]") {
  Graph g;
  Value* x = g.addInput("x", f32({Dim::symbolic("N"), 16, 14, 14}));
  Value* w = g.addInput("w", f32({16, 8, 4, 4}));
  Node* up = conv(g, "up", x, w,
                  {Attribute::ofInts("strides", {2, 2}), Attribute::ofInts("pads", {1, 1, 1, 1})},
                  nullptr, "ConvTranspose");
  Value* wg = g.addInput("wg", f32({16, 4, 3, 3}));
  Node* grouped =
      conv(g, "grouped", x, wg,
           {Attribute::ofInts("strides", {2, 2}), Attribute::ofInts("pads", {1, 1, 1, 1}),
            Attribute::ofInts("output_padding", {1, 1}), Attribute::ofInt("group", 2)},
           nullptr, "ConvTranspose");
  Node* fixed =
      conv(g, "fixed", x, w,
           {Attribute::ofInts("strides", {2, 2}), Attribute::ofInts("output_shape", {30, 30})},
           nullptr, "ConvTranspose");
  Node* same =
      conv(g, "same", x, w,
           {Attribute::ofInts("strides", {2, 2}), Attribute::ofString("auto_pad", "SAME_UPPER")},
           nullptr, "ConvTranspose");
  Value* x1 = g.addInput("x1", f32({1, 2, 5}));
  Value* w1 = g.addInput("w1", f32({2, 3, 3}));
  Node* oneD =
      conv(g, "oned", x1, w1, {Attribute::ofInts("strides", {3})}, nullptr, "ConvTranspose");
  REQUIRE(infer(g));
  CHECK(up->output()->type.str() == "f32[N,8,28,28]");
  CHECK(macs(up) == 16LL * 14 * 14 * 8 * 16);
  CHECK(grouped->output()->type.str() == "f32[N,8,28,28]");
  CHECK(fixed->output()->type.str() == "f32[N,8,30,30]");
  CHECK(same->output()->type.str() == "f32[N,8,28,28]");
  CHECK(oneD->output()->type.str() == "f32[1,3,15]");
}

TEST_CASE("ConvTranspose errors name the node", "[ops][conv]") {
  Graph g;
  conv(g, "ct", g.addInput("x", f32({1, 16, 4, 4})), g.addInput("w", f32({8, 8, 3, 3})), {},
       nullptr, "ConvTranspose");
  requireErrorNaming(g, "node 'ct' (ConvTranspose)", "channels");
}

TEST_CASE("ConvInteger and QLinearConv output types", "[ops][conv]") {
  Graph g;
  Value* x = g.addInput("x", tt(DType::UInt8, {1, 3, 8, 8}));
  Value* w = g.addInput("w", tt(DType::Int8, {4, 3, 3, 3}));
  Node* ci = conv(g, "ci", x, w, {Attribute::ofInts("pads", {1, 1, 1, 1})}, nullptr, "ConvInteger");
  Value* s = g.addInput("s", f32({}));
  Value* zu = g.addInput("zu", tt(DType::UInt8, {}));
  Value* zw = g.addInput("zw", tt(DType::Int8, {}));
  Value* zy = g.addInput("zy", tt(DType::Int8, {}));
  Value* b = g.addInput("b", tt(DType::Int32, {4}));
  Node* q = g.addNode("QLinearConv", "", {x, s, zu, w, s, zw, s, zy, b}, {"q"}, "qconv");
  q->attrs.set(Attribute::ofInts("strides", {2, 2}));
  REQUIRE(infer(g));
  CHECK(ci->output()->type.str() == "i32[1,4,8,8]");
  CHECK(macs(ci) == 4LL * 64 * 27);
  CHECK(q->output()->type.str() == "i8[1,4,3,3]");
  CHECK(macs(q) == 4LL * 9 * 27);

  Graph bad;
  Value* bx = bad.addInput("x", tt(DType::UInt8, {1, 3, 8, 8}));
  Value* bs = bad.addInput("s", f32({}));
  Value* bz = bad.addInput("z", tt(DType::UInt8, {}));
  Value* bw = bad.addInput("w", tt(DType::UInt8, {4, 5, 3, 3}));
  bad.addNode("QLinearConv", "", {bx, bs, bz, bw, bs, bz, bs, bz}, {"q"}, "qc");
  requireErrorNaming(bad, "node 'qc' (QLinearConv)", "channels");
}
