// Pooling and normalization ops: output shapes, defaults and errors.
#include <catch2/catch.hpp>

#include "tests/unit/test_graphs.h"

#include "ir/graph.h"
#include "ir/ops/registry.h"
#include "ir/shape_inference.h"

using namespace nnport;
using namespace nnport::testing;

namespace {

Dim sym(const char* s) {
  return Dim::symbolic(s);
}

Expected<InferReport> infer(Graph& g, int64_t opset = 17) {
  return inferShapes(g, {{"", opset}}, {true});
}

Node* op(Graph& g, const std::string& type, const std::string& name, std::vector<Value*> ins,
         std::vector<Attribute> attrs, size_t numOutputs = 1) {
  std::vector<std::string> outs;
  for (size_t i = 0; i < numOutputs; ++i) outs.push_back(name + "_out" + std::to_string(i));
  Node* n = g.addNode(type, "", ins, outs, name);
  for (auto& a : attrs) n->attrs.set(std::move(a));
  return n;
}

}  // namespace

TEST_CASE("MaxPool: ResNet stem pool with Indices", "[ops][pool]") {
  Graph g;
  Value* x = g.addInput("x", f32({sym("N"), 64, 112, 112}));
  Node* n = op(g, "MaxPool", "pool", {x},
               {Attribute::ofInts("kernel_shape", {3, 3}), Attribute::ofInts("strides", {2, 2}),
                Attribute::ofInts("pads", {1, 1, 1, 1})},
               2);
  REQUIRE(infer(g));
  CHECK(n->output(0)->type.str() == "f32[N,64,56,56]");
  CHECK(n->output(1)->type.str() == "i64[N,64,56,56]");
  CHECK(n->attrInt("storage_order") == 0);
  CHECK(n->schema()->has(kLayoutSensitive));
}

TEST_CASE("pool ceil_mode, dilations and auto_pad", "[ops][pool]") {
  Graph g;
  Value* x = g.addInput("x", f32({1, 3, 6, 6}));
  Value* x7 = g.addInput("x7", f32({1, 3, 7, 7}));
  auto k3s2 = [] {
    return std::vector<Attribute>{Attribute::ofInts("kernel_shape", {3, 3}),
                                  Attribute::ofInts("strides", {2, 2})};
  };
  Node* floorP = op(g, "MaxPool", "floor", {x}, k3s2());
  auto ceilAttrs = k3s2();
  ceilAttrs.push_back(Attribute::ofInt("ceil_mode", 1));
  Node* ceilP = op(g, "AveragePool", "ceil", {x}, ceilAttrs);
  Node* dil =
      op(g, "MaxPool", "dil", {x7},
         {Attribute::ofInts("kernel_shape", {2, 2}), Attribute::ofInts("dilations", {2, 2})});
  auto sameAttrs = k3s2();
  sameAttrs.push_back(Attribute::ofString("auto_pad", "SAME_UPPER"));
  Node* same = op(g, "AveragePool", "same", {x7}, sameAttrs);
  sameAttrs.back() = Attribute::ofString("auto_pad", "SAME_LOWER");
  Node* lower = op(g, "MaxPool", "lower", {x7}, sameAttrs);
  sameAttrs.back() = Attribute::ofString("auto_pad", "VALID");
  Node* valid = op(g, "LpPool", "valid", {x7}, sameAttrs);
  Value* x1 = g.addInput("x1", f32({2, 5, 10}));
  Node* oneD = op(g, "MaxPool", "oned", {x1},
                  {Attribute::ofInts("kernel_shape", {2}), Attribute::ofInts("strides", {2})});
  REQUIRE(infer(g));
  CHECK(floorP->output()->type.str() == "f32[1,3,2,2]");
  CHECK(ceilP->output()->type.str() == "f32[1,3,3,3]");
  CHECK(dil->output()->type.str() == "f32[1,3,5,5]");
  CHECK(same->output()->type.str() == "f32[1,3,4,4]");
  CHECK(lower->output()->type.str() == "f32[1,3,4,4]");
  CHECK(valid->output()->type.str() == "f32[1,3,3,3]");
  CHECK(oneD->output()->type.str() == "f32[2,5,5]");
  CHECK(ceilP->attrInt("count_include_pad") == 0);
  CHECK(valid->attrInt("p") == 2);
}

TEST_CASE("pool errors name the node", "[ops][pool]") {
  SECTION("missing kernel_shape") {
    Graph g;
    op(g, "MaxPool", "mp", {g.addInput("x", f32({1, 3, 8, 8}))}, {});
    requireErrorNaming(g, "node 'mp' (MaxPool)", "kernel_shape");
  }
  SECTION("kernel_shape rank") {
    Graph g;
    op(g, "AveragePool", "ap", {g.addInput("x", f32({1, 3, 8, 8}))},
       {Attribute::ofInts("kernel_shape", {3})});
    requireErrorNaming(g, "node 'ap' (AveragePool)", "kernel_shape");
  }
  SECTION("window larger than input") {
    Graph g;
    op(g, "MaxPool", "big", {g.addInput("x", f32({1, 3, 2, 2}))},
       {Attribute::ofInts("kernel_shape", {4, 4})});
    requireErrorNaming(g, "node 'big' (MaxPool)", "window");
  }
  SECTION("global pool on a vector") {
    Graph g;
    op(g, "GlobalAveragePool", "gap", {g.addInput("x", f32({3}))}, {});
    requireErrorNaming(g, "node 'gap' (GlobalAveragePool)", "rank");
  }
}

TEST_CASE("global pools keep N and C", "[ops][pool]") {
  Graph g;
  Value* x = g.addInput("x", f32({sym("N"), 512, 7, 7}));
  Node* avg = op(g, "GlobalAveragePool", "avg", {x}, {});
  Node* mx = op(g, "GlobalMaxPool", "max", {x}, {});
  Node* lp = op(g, "GlobalLpPool", "lp", {g.addInput("x3", f32({2, 8, 4, 4, 4}))}, {});
  REQUIRE(infer(g));
  CHECK(avg->output()->type.str() == "f32[N,512,1,1]");
  CHECK(mx->output()->type.str() == "f32[N,512,1,1]");
  CHECK(lp->output()->type.str() == "f32[2,8,1,1,1]");
}

TEST_CASE("RoI pools and MaxUnpool", "[ops][pool]") {
  Graph g;
  Value* x = g.addInput("x", f32({1, 256, 50, 50}));
  Value* rois = g.addInput("rois", f32({sym("R"), 4}));
  Value* idx = g.addInput("idx", tt(DType::Int64, {sym("R")}));
  Node* align = op(g, "RoiAlign", "align", {x, rois, idx},
                   {Attribute::ofInt("output_height", 7), Attribute::ofInt("output_width", 7)});
  Value* rois5 = g.addInput("rois5", f32({10, 5}));
  Node* roiPool =
      op(g, "MaxRoiPool", "roipool", {x, rois5}, {Attribute::ofInts("pooled_shape", {6, 6})});
  Value* px = g.addInput("px", f32({1, 1, 2, 2}));
  Value* pi = g.addInput("pi", tt(DType::Int64, {1, 1, 2, 2}));
  Node* unpool =
      op(g, "MaxUnpool", "unpool", {px, pi},
         {Attribute::ofInts("kernel_shape", {2, 2}), Attribute::ofInts("strides", {2, 2})});
  auto r = infer(g);
  INFO(r.status().message());
  REQUIRE(r);
  CHECK(align->output()->type.str() == "f32[R,256,7,7]");
  CHECK(align->attrString("coordinate_transformation_mode") == "half_pixel");
  CHECK(align->attrString("mode") == "avg");
  CHECK(roiPool->output()->type.str() == "f32[10,256,6,6]");
  CHECK(unpool->output()->type.str() == "f32[1,1,4,4]");

  Graph bad;
  op(bad, "RoiAlign", "ra",
     {bad.addInput("x", f32({1, 8, 5, 5})), bad.addInput("r", f32({3, 5})),
      bad.addInput("i", tt(DType::Int64, {3}))},
     {});
  requireErrorNaming(bad, "node 'ra' (RoiAlign)", "rois");
}

TEST_CASE("BatchNormalization keeps X's type and checks per-channel params", "[ops][norm]") {
  Graph g;
  Value* x = g.addInput("x", f32({sym("N"), 64, 56, 56}));
  Value* p = g.addInput("p", f32({64}));
  Node* bn = op(g, "BatchNormalization", "bn", {x, p, p, p, p}, {}, 3);
  REQUIRE(infer(g));
  CHECK(bn->output(0)->type.str() == "f32[N,64,56,56]");
  CHECK(bn->output(1)->type.str() == "f32[64]");
  CHECK(bn->output(2)->type.str() == "f32[64]");
  CHECK(bn->attrFloat("epsilon") == Approx(1e-5f));
  CHECK(bn->attrFloat("momentum") == Approx(0.9f));
  CHECK(bn->attrInt("training_mode") == 0);

  Graph bad;
  Value* bx = bad.addInput("x", f32({1, 64, 8, 8}));
  Value* good = bad.addInput("p", f32({64}));
  Value* wrong = bad.addInput("q", f32({32}));
  op(bad, "BatchNormalization", "bn2", {bx, good, good, wrong, good}, {});
  requireErrorNaming(bad, "node 'bn2' (BatchNormalization)", "input_mean");
}

TEST_CASE("LayerNormalization stats shapes follow axis and stash_type", "[ops][norm]") {
  Graph g;
  Value* x = g.addInput("x", tt(DType::Float16, {sym("B"), sym("S"), 768}));
  Value* scale = g.addInput("scale", tt(DType::Float16, {768}));
  Node* ln = op(g, "LayerNormalization", "ln", {x, scale}, {}, 3);
  Node* ln1 = op(g, "LayerNormalization", "ln1", {x, scale}, {Attribute::ofInt("axis", 1)}, 2);
  REQUIRE(infer(g));
  CHECK(ln->output(0)->type.str() == "f16[B,S,768]");
  CHECK(ln->output(1)->type.str() == "f32[B,S,1]");
  CHECK(ln->output(2)->type.str() == "f32[B,S,1]");
  CHECK(ln1->output(1)->type.str() == "f32[B,1,1]");

  Graph bad;
  op(bad, "LayerNormalization", "lnbad",
     {bad.addInput("x", f32({2, 3})), bad.addInput("s", f32({3}))}, {Attribute::ofInt("axis", 2)});
  requireErrorNaming(bad, "node 'lnbad' (LayerNormalization)", "axis");
}

TEST_CASE("other normalizations keep the input type", "[ops][norm]") {
  Graph g;
  Value* x = g.addInput("x", f32({sym("N"), 16, 10, 10}));
  Value* c = g.addInput("c", f32({16}));
  Node* in = op(g, "InstanceNormalization", "in", {x, c, c}, {});
  Node* lrn = op(g, "LRN", "lrn", {x}, {Attribute::ofInt("size", 5)});
  Node* lp = op(g, "LpNormalization", "lp", {x}, {});
  Node* mvn = op(g, "MeanVarianceNormalization", "mvn", {x}, {});
  REQUIRE(infer(g));
  for (Node* n : {in, lrn, lp, mvn}) CHECK(n->output()->type.str() == "f32[N,16,10,10]");
  CHECK(lrn->attrFloat("alpha") == Approx(1e-4f));
  CHECK(lrn->attrFloat("beta") == Approx(0.75f));
  CHECK(lrn->attrFloat("bias") == Approx(1.0f));
  CHECK(lp->attrInt("p") == 2);
  CHECK(mvn->attrInts("axes") == std::vector<int64_t>{0, 2, 3});
  CHECK(lrn->schema()->attr("size")->required);

  Graph bad;
  op(bad, "InstanceNormalization", "inbad",
     {bad.addInput("x", f32({1, 4, 3, 3})), bad.addInput("s", f32({5})),
      bad.addInput("b", f32({4}))},
     {});
  requireErrorNaming(bad, "node 'inbad' (InstanceNormalization)", "scale");
}
