// Activations: type propagation, attribute defaults, PRelu broadcasting,
// Clip across opsets and the Softmax axis rules; also the registration and
// malformed-graph sweep over all op families of this batch.
#include <algorithm>
#include <climits>

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

}  // namespace

TEST_CASE("pointwise activations keep the input type", "[ops][activation]") {
  Graph g;
  Value* x = g.addInput("x", f32({sym("N"), 64, 7, 7}));
  std::vector<Node*> nodes;
  for (const char* op :
       {"Relu", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh", "Elu", "Selu", "Celu",
        "Softplus", "Softsign", "ThresholdedRelu", "Clip", "Softmax", "LogSoftmax", "Hardmax"}) {
    Node* n = g.addNode(op, "", {x}, {std::string(op) + "_y"}, op);
    REQUIRE(n->schema());
    nodes.push_back(n);
  }
  REQUIRE(infer(g));
  for (Node* n : nodes) {
    INFO(n->opType());
    CHECK(n->output()->type.str() == "f32[N,64,7,7]");
  }
  CHECK(g.findNode("Relu")->schema()->has(kElementwise));
  CHECK(g.findNode("Relu")->schema()->has(kQuantizable));
}

TEST_CASE("activation attributes carry the ONNX defaults", "[ops][activation]") {
  Graph g;
  Value* x = g.addInput("x", f32({4}));
  auto node = [&](const char* op) { return g.addNode(op, "", {x}, {std::string(op) + "_y"}, op); };
  CHECK(node("LeakyRelu")->attrFloat("alpha") == Approx(0.01f));
  CHECK(node("HardSigmoid")->attrFloat("alpha") == Approx(0.2f));
  CHECK(g.findNode("HardSigmoid")->attrFloat("beta") == Approx(0.5f));
  CHECK(node("Elu")->attrFloat("alpha") == Approx(1.0f));
  CHECK(node("Selu")->attrFloat("alpha") == Approx(1.67326f));
  CHECK(g.findNode("Selu")->attrFloat("gamma") == Approx(1.0507f));
  CHECK(node("Celu")->attrFloat("alpha") == Approx(1.0f));
  CHECK(node("ThresholdedRelu")->attrFloat("alpha") == Approx(1.0f));
  CHECK(node("Softmax")->attrInt("axis") == -1);
  CHECK(node("Clip")->attrFloat("min") < -1e38f);
  CHECK(g.findNode("Clip")->attrFloat("max") > 1e38f);
}

TEST_CASE("PRelu slope broadcasts to the input", "[ops][activation]") {
  Graph g;
  Value* x = g.addInput("x", f32({sym("N"), 64, 56, 56}));
  Node* perChannel = g.addNode("PRelu", "", {x, g.addInput("s", f32({64, 1, 1}))}, {"y"}, "pc");
  Node* shared = g.addNode("PRelu", "", {x, g.addInput("s1", f32({1}))}, {"y1"}, "sh");
  REQUIRE(infer(g));
  CHECK(perChannel->output()->type.str() == "f32[N,64,56,56]");
  CHECK(shared->output()->type.str() == "f32[N,64,56,56]");

  Graph bad;
  bad.addNode("PRelu", "", {bad.addInput("x", f32({1, 64, 8, 8})), bad.addInput("s", f32({32}))},
              {"y"}, "prelu3");
  requireErrorNaming(bad, "node 'prelu3' (PRelu)", "slope");
  Graph bad2;
  bad2.addNode("PRelu", "", {bad2.addInput("x", f32({8})), bad2.addInput("s", f32({2, 8}))}, {"y"},
               "prelu4");
  requireErrorNaming(bad2, "node 'prelu4' (PRelu)", "rank");
}

TEST_CASE("Clip: attributes before opset 11, optional inputs from 11", "[ops][activation]") {
  Graph g;
  Value* x = g.addInput("x", f32({2, 3}));
  Value* lo = g.addInput("lo", f32({}));
  Node* both = g.addNode("Clip", "", {x, lo, lo}, {"y"}, "both");
  Node* maxOnly = g.addNode("Clip", "", {x, nullptr, lo}, {"y2"}, "maxonly");
  Node* old = g.addNode("Clip", "", {x}, {"y3"}, "old");
  old->attrs.set(Attribute::ofFloat("min", 0.f));
  old->attrs.set(Attribute::ofFloat("max", 6.f));
  REQUIRE(infer(g, 11));
  CHECK(both->output()->type.str() == "f32[2,3]");
  CHECK(maxOnly->output()->type.str() == "f32[2,3]");
  CHECK(old->output()->type.str() == "f32[2,3]");
  CHECK(old->attrFloat("max") == 6.f);

  Graph bad;
  bad.addNode("Clip", "", {bad.addInput("x", f32({2, 3})), bad.addInput("m", f32({3}))}, {"y"},
              "clip5");
  requireErrorNaming(bad, "node 'clip5' (Clip)", "scalar");
}

TEST_CASE("Softmax axis default depends on the opset", "[ops][activation]") {
  // Before opset 13 the default axis is 1, which is valid for rank 2 and
  // (as the flattening boundary) for rank 1.
  Graph g;
  Node* n = g.addNode("Softmax", "", {g.addInput("x", f32({5}))}, {"y"}, "sm");
  REQUIRE(infer(g, 11));
  CHECK(n->output()->type.str() == "f32[5]");

  Graph bad;
  bad.addNode("LogSoftmax", "", {bad.addInput("x", f32({2, 3}))}, {"y"}, "lsm");
  bad.findNode("lsm")->attrs.set(Attribute::ofInt("axis", 2));
  requireErrorNaming(bad, "node 'lsm' (LogSoftmax)", "axis");
  Graph bad2;
  bad2.addNode("Hardmax", "", {bad2.addInput("x", f32({2, 3}))}, {"y"}, "hm");
  bad2.findNode("hm")->attrs.set(Attribute::ofInt("axis", -3));
  requireErrorNaming(bad2, "node 'hm' (Hardmax)", "axis", 12);
}

TEST_CASE("every op of these families is registered", "[ops]") {
  const OpRegistry& r = OpRegistry::instance();
  for (const char* op : {"Relu",
                         "LeakyRelu",
                         "PRelu",
                         "Sigmoid",
                         "HardSigmoid",
                         "HardSwish",
                         "Tanh",
                         "Elu",
                         "Selu",
                         "Celu",
                         "Softplus",
                         "Softsign",
                         "ThresholdedRelu",
                         "Clip",
                         "Softmax",
                         "LogSoftmax",
                         "Hardmax",
                         "Conv",
                         "ConvTranspose",
                         "ConvInteger",
                         "QLinearConv",
                         "MaxPool",
                         "AveragePool",
                         "GlobalAveragePool",
                         "GlobalMaxPool",
                         "LpPool",
                         "GlobalLpPool",
                         "MaxRoiPool",
                         "RoiAlign",
                         "MaxUnpool",
                         "BatchNormalization",
                         "InstanceNormalization",
                         "LayerNormalization",
                         "LpNormalization",
                         "LRN",
                         "MeanVarianceNormalization",
                         "MatMul",
                         "Gemm",
                         "MatMulInteger",
                         "QLinearMatMul",
                         "Einsum",
                         "QuantizeLinear",
                         "DequantizeLinear",
                         "DynamicQuantizeLinear"}) {
    INFO(op);
    const OpSchema* s = r.find("", op);
    REQUIRE(s);
    CHECK(s->infer);
    CHECK(r.find("ai.onnx", op) == s);
  }
}

// Malformed graphs (missing inputs, scalars, empty or huge dims, unknown
// ranks, odd attributes) must give errors, never crashes.
TEST_CASE("inference of these families survives malformed graphs", "[ops][robustness]") {
  const std::vector<TensorType> variants = {
      {DType::Float32, Shape()},
      f32({}),
      f32({0}),
      f32({1, 1, 1, 1}),
      f32({sym("N"), 3, sym("H"), sym("W")}),
      f32({INT64_MAX, int64_t{1} << 62, int64_t{1} << 40, 7}),
      f32({5, 5, 5, 5, 5, 5}),
      {DType::Int8, Shape({2, 3})},
  };
  std::vector<std::vector<Attribute>> attrSets = {
      {},
      {Attribute::ofInts("kernel_shape", {3, 3}), Attribute::ofInts("strides", {2, 2}),
       Attribute::ofInts("pads", {1, 1, 1, 1}), Attribute::ofString("equation", "ij,jk->ik"),
       Attribute::ofInt("size", 3), Attribute::ofInts("pooled_shape", {2, 2})},
      {Attribute::ofInts("kernel_shape", {INT64_MAX}), Attribute::ofInts("strides", {0}),
       Attribute::ofInts("dilations", {-1}), Attribute::ofInt("group", 0),
       Attribute::ofInt("axis", INT64_MIN), Attribute::ofString("equation", "...,..."),
       Attribute::ofInt("size", -1), Attribute::ofInts("output_shape", {-5}),
       Attribute::ofInt("stash_type", 99)},
      {Attribute::ofInts("kernel_shape", {1, 1}), Attribute::ofInt("group", INT64_MAX),
       Attribute::ofString("auto_pad", "SAME_LOWER"), Attribute::ofInt("axis", 3),
       Attribute::ofString("equation", "i...i->...")},
  };
  size_t runs = 0;
  for (const OpSchema* s : OpRegistry::instance().all()) {
    static const std::vector<std::string> mine = {"Relu",
                                                  "PRelu",
                                                  "Clip",
                                                  "Softmax",
                                                  "Hardmax",
                                                  "Conv",
                                                  "ConvTranspose",
                                                  "ConvInteger",
                                                  "QLinearConv",
                                                  "MaxPool",
                                                  "AveragePool",
                                                  "LpPool",
                                                  "GlobalAveragePool",
                                                  "MaxRoiPool",
                                                  "RoiAlign",
                                                  "MaxUnpool",
                                                  "BatchNormalization",
                                                  "InstanceNormalization",
                                                  "LayerNormalization",
                                                  "LpNormalization",
                                                  "LRN",
                                                  "MeanVarianceNormalization",
                                                  "MatMul",
                                                  "Gemm",
                                                  "MatMulInteger",
                                                  "QLinearMatMul",
                                                  "Einsum",
                                                  "QuantizeLinear",
                                                  "DequantizeLinear",
                                                  "DynamicQuantizeLinear"};
    if (std::find(mine.begin(), mine.end(), s->name) == mine.end()) continue;
    const size_t maxIn = std::min<size_t>(s->maxInputs(), 9);
    for (size_t nIn = 0; nIn <= maxIn; ++nIn)
      for (size_t v = 0; v < variants.size(); ++v)
        for (const auto& attrs : attrSets) {
          Graph g;
          std::vector<Value*> ins;
          for (size_t i = 0; i < nIn; ++i)
            ins.push_back(
                g.addInput("in" + std::to_string(i), variants[(v + i * 3) % variants.size()]));
          std::vector<std::string> outs;
          for (size_t i = 0; i < s->outputs.size(); ++i) outs.push_back("out" + std::to_string(i));
          Node* n = g.addNode(s->name, "", ins, outs, "n");
          for (const auto& a : attrs) n->attrs.set(a);
          for (int64_t opset : {7, 11, 17}) {
            (void)inferShapes(g, {{"", opset}}, {true});
            (void)inferShapes(g, {{"", opset}}, {false});
          }
          if (s->macs) (void)s->macs(*n);
          ++runs;
        }
  }
  CHECK(runs > 1000);
}
