// Graph, use lists, replace-all-uses and topological order.
#include <catch2/catch.hpp>

#include "tests/unit/test_graphs.h"

#include "ir/constant.h"
#include "ir/graph.h"
#include "ir/ops/registry.h"
#include "ir/shape_inference.h"

using namespace nnport;
using namespace nnport::testing;

namespace {}  // namespace

TEST_CASE("use lists follow setInput and replaceAllUsesWith", "[ir]") {
  Graph g;
  Value* x = g.addInput("x", f32({1, 4}));
  Value* y = g.addInput("y", f32({1, 4}));
  Node* add = g.addNode("Add", "", {x, x}, {"s"}, "add");
  Node* relu = g.addNode("Relu", "", {add->output()}, {"r"}, "relu");
  g.addOutput(relu->output());
  REQUIRE(x->uses().size() == 2);
  g.replaceAllUsesWith(x, y);
  CHECK(x->uses().empty());
  CHECK(y->uses().size() == 2);
  CHECK(add->input(0) == y);
  CHECK(add->input(1) == y);
  g.replaceAllUsesWith(relu->output(), add->output());
  CHECK(g.outputs()[0] == add->output());
  g.eraseNode(relu);
  CHECK(add->output()->uses().empty());
  CHECK(g.numNodes() == 1);
}

TEST_CASE("topological order is stable and detects cycles", "[ir]") {
  Graph g;
  Value* x = g.addInput("x", f32({2}));
  Node* a = g.addNode("Neg", "", {nullptr}, {"a"}, "a");
  Node* b = g.addNode("Neg", "", {x}, {"b"}, "b");
  a->setInput(0, b->output());
  auto order = g.topologicalOrder();
  REQUIRE(order);
  CHECK(order.value()[0] == b);
  CHECK(order.value()[1] == a);
  b->setInput(0, a->output());
  auto cyclic = g.topologicalOrder();
  REQUIRE_FALSE(cyclic);
  CHECK(cyclic.status().message().find("cycle") != std::string::npos);
}

TEST_CASE("broadcast inference keeps symbolic dims", "[ir][infer]") {
  Graph g;
  Value* x = g.addInput("x", f32({Dim::symbolic("N"), 3, 1}));
  Value* y = g.addInput("y", f32({1, 5}));
  Node* add = g.addNode("Add", "", {x, y}, {"z"}, "add");
  g.addOutput(add->output());
  auto r = inferShapes(g, {{"", 17}}, {true});
  REQUIRE(r);
  CHECK(add->output()->type.str() == "f32[N,3,5]");
}

TEST_CASE("incompatible broadcast is an error naming the node", "[ir][infer]") {
  Graph g;
  Value* x = g.addInput("x", f32({2, 3}));
  Value* y = g.addInput("y", f32({4}));
  g.addNode("Mul", "", {x, y}, {"z"}, "mul7");
  auto r = inferShapes(g, {{"", 17}}, {true});
  REQUIRE_FALSE(r);
  CHECK(r.status().message().find("node 'mul7' (Mul)") != std::string::npos);
}

TEST_CASE("attribute reads take the op record's default and refuse what it does not declare",
          "[ir]") {
  Graph g;
  Value* a = g.addInput("a", f32({2, 3}));
  Value* b = g.addInput("b", f32({3, 4}));
  Node* gemm = g.addNode("Gemm", "", {a, b}, {"y"}, "gemm");
  CHECK(gemm->attrFloat("alpha") == 1.0f);  // the record's default
  gemm->attrs.set(Attribute::ofFloat("alpha", 2.5f));
  CHECK(gemm->attrFloat("alpha") == 2.5f);
  try {
    (void)gemm->attrInt("transposeA");  // misspelt: not in Gemm's record
    FAIL("no InternalError for an undeclared attribute");
  } catch (const InternalError& e) {
    CHECK(e.status().code() == ErrorCode::Internal);
    CHECK(e.status().message() ==
          "node 'gemm' (Gemm): reads attribute 'transposeA', which its op record does not declare");
  }
  try {
    (void)gemm->attrFloat("beta", 0.5f);  // a literal that could disagree with the record
    FAIL("no InternalError for a fallback that shadows the record's default");
  } catch (const InternalError& e) {
    CHECK(e.status().message() ==
          "node 'gemm' (Gemm): reads attribute 'beta' with a fallback, but its op record has a "
          "default");
  }
  // Declared without a default: the fallback applies. No record: likewise.
  Node* c = g.addNode("Constant", "", {}, {"k"}, "k");
  CHECK(c->attrInt("value_int", 7) == 7);
  Node* custom = g.addNode("MyOp", "com.example", {a}, {"z"}, "custom");
  CHECK(custom->schema() == nullptr);
  CHECK(custom->attrInt("anything", 3) == 3);
  CHECK(custom->attrString("mode") == "");
}

TEST_CASE("constant operands: initializers and Constant nodes, read one way", "[ir]") {
  Graph g;
  Value* i32 = g.addInitializer("i32", std::make_shared<const Tensor>(Tensor::fromVector(
                                           DType::Int32, {2}, std::vector<int32_t>{3, -4})));
  Value* f = g.addInitializer("f", std::make_shared<const Tensor>(Tensor::fromVector(
                                       DType::Float32, {1}, std::vector<float>{0.5f})));
  Node* ints = g.addNode("Constant", "", {}, {"ints"}, "c1");
  ints->attrs.set(Attribute::ofInts("value_ints", {1, 2, 3}));
  Node* one = g.addNode("Constant", "", {}, {"one"}, "c2");
  one->attrs.set(Attribute::ofInt("value_int", 7));
  Node* custom = g.addNode("Constant", "com.example", {}, {"custom"}, "c3");
  custom->attrs.set(Attribute::ofInt("value_int", 7));
  Value* in = g.addInput("x", TensorType{DType::Int64, Shape::ofSizes({2})});

  CHECK(constantInts(i32) == std::vector<int64_t>{3, -4});
  CHECK(constantInts(ints->output(0)) == std::vector<int64_t>{1, 2, 3});
  CHECK(constantInts(one->output(0)) == std::vector<int64_t>{7});
  REQUIRE(constantTensor(one->output(0)));
  CHECK(constantTensor(one->output(0))->dims().empty());
  CHECK_FALSE(constantInts(f));  // a float constant has no integers
  REQUIRE(constantTensor(f));
  CHECK_FALSE(constantInts(custom->output(0)));  // not the ONNX Constant
  CHECK_FALSE(constantInts(in));
  CHECK_FALSE(constantInts(nullptr));
}
