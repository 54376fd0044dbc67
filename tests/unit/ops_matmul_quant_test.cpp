// MatMul, Gemm, the integer/quantized products, Einsum and the
// quantize/dequantize ops: shapes, types, MACs and errors.
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

Expected<InferReport> infer(Graph& g) {
  return inferShapes(g, {{"", 17}}, {true});
}

Node* op(Graph& g, const std::string& type, const std::string& name, std::vector<Value*> ins,
         std::vector<Attribute> attrs = {}, size_t numOutputs = 1) {
  std::vector<std::string> outs;
  for (size_t i = 0; i < numOutputs; ++i) outs.push_back(name + "_out" + std::to_string(i));
  Node* n = g.addNode(type, "", ins, outs, name);
  for (auto& a : attrs) n->attrs.set(std::move(a));
  return n;
}

// Infers one Einsum over inputs of the given shapes; returns the output type.
std::string einsum(const std::string& equation, std::vector<std::vector<Dim>> shapes) {
  Graph g;
  std::vector<Value*> ins;
  for (size_t i = 0; i < shapes.size(); ++i)
    ins.push_back(g.addInput("in" + std::to_string(i), f32(shapes[i])));
  Node* n = op(g, "Einsum", "es", ins, {Attribute::ofString("equation", equation)});
  auto r = infer(g);
  if (!r) return "error: " + r.status().message();
  return n->output()->type.str();
}

}  // namespace

TEST_CASE("MatMul broadcasts batch dims and counts MACs", "[ops][matmul]") {
  Graph g;
  Node* batched =
      op(g, "MatMul", "bm", {g.addInput("a", f32({2, 1, 4, 8})), g.addInput("b", f32({3, 8, 5}))});
  Node* proj =
      op(g, "MatMul", "proj",
         {g.addInput("x", f32({sym("B"), sym("S"), 768})), g.addInput("w", f32({768, 3072}))});
  REQUIRE(infer(g));
  CHECK(batched->output()->type.str() == "f32[2,3,4,5]");
  CHECK(macs(batched) == 2 * 3 * 4 * 5 * 8);
  CHECK(proj->output()->type.str() == "f32[B,S,3072]");
  CHECK(macs(proj) == 768LL * 3072);
  CHECK(proj->schema()->has(kQuantizable));
}

TEST_CASE("MatMul with 1-D operands drops the added dim", "[ops][matmul]") {
  Graph g;
  Value* v = g.addInput("v", f32({8}));
  Node* vm = op(g, "MatMul", "vm", {v, g.addInput("m", f32({8, 5}))});
  Node* mv = op(g, "MatMul", "mv", {g.addInput("m2", f32({3, 4, 8})), v});
  Node* vv = op(g, "MatMul", "vv", {v, v});
  REQUIRE(infer(g));
  CHECK(vm->output()->type.str() == "f32[5]");
  CHECK(mv->output()->type.str() == "f32[3,4]");
  CHECK(vv->output()->type.str() == "f32[]");
  CHECK(macs(vm) == 40);
  CHECK(macs(mv) == 96);
  CHECK(macs(vv) == 8);
}

TEST_CASE("MatMul errors name the node", "[ops][matmul]") {
  SECTION("inner dims") {
    Graph g;
    op(g, "MatMul", "mm", {g.addInput("a", f32({2, 3})), g.addInput("b", f32({4, 5}))});
    requireErrorNaming(g, "node 'mm' (MatMul)", "inner");
  }
  SECTION("batch dims") {
    Graph g;
    op(g, "MatMul", "mb", {g.addInput("a", f32({2, 2, 3})), g.addInput("b", f32({3, 3, 5}))});
    requireErrorNaming(g, "node 'mb' (MatMul)", "broadcast");
  }
  SECTION("scalar operand") {
    Graph g;
    op(g, "MatMul", "ms", {g.addInput("a", f32({})), g.addInput("b", f32({3}))});
    requireErrorNaming(g, "node 'ms' (MatMul)", "rank");
  }
}

TEST_CASE("Gemm: transposes, bias broadcast, MACs", "[ops][matmul]") {
  Graph g;
  Value* a = g.addInput("a", f32({sym("N"), 512}));
  Value* w = g.addInput("w", f32({1000, 512}));
  Value* c = g.addInput("c", f32({1000}));
  Node* fc = op(g, "Gemm", "fc", {a, w, c}, {Attribute::ofInt("transB", 1)});
  Node* ta = op(g, "Gemm", "ta", {g.addInput("at", f32({7, 3})), g.addInput("b", f32({7, 4}))},
                {Attribute::ofInt("transA", 1)});
  REQUIRE(infer(g));
  CHECK(fc->output()->type.str() == "f32[N,1000]");
  CHECK(macs(fc) == 512000);
  CHECK(ta->output()->type.str() == "f32[3,4]");
  CHECK(macs(ta) == 3 * 4 * 7);
  CHECK(fc->attrFloat("alpha") == 1.0f);
  CHECK(fc->attrFloat("beta") == 1.0f);

  Graph bad;
  op(bad, "Gemm", "g1",
     {bad.addInput("a", f32({2, 512})), bad.addInput("w", f32({1000, 512})),
      bad.addInput("c", f32({999}))},
     {Attribute::ofInt("transB", 1)});
  requireErrorNaming(bad, "node 'g1' (Gemm)", "C shape");
  Graph bad2;
  op(bad2, "Gemm", "g2", {bad2.addInput("a", f32({2, 3, 4})), bad2.addInput("w", f32({4, 5}))});
  requireErrorNaming(bad2, "node 'g2' (Gemm)", "2-D");
}

TEST_CASE("MatMulInteger and QLinearMatMul output types", "[ops][matmul]") {
  Graph g;
  Value* a = g.addInput("a", tt(DType::UInt8, {4, 16}));
  Value* b = g.addInput("b", tt(DType::Int8, {16, 8}));
  Node* mi = op(g, "MatMulInteger", "mi", {a, b});
  Value* s = g.addInput("s", f32({}));
  Value* za = g.addInput("za", tt(DType::UInt8, {}));
  Value* zb = g.addInput("zb", tt(DType::Int8, {}));
  Node* q = op(g, "QLinearMatMul", "q", {a, s, za, b, s, zb, s, za});
  REQUIRE(infer(g));
  CHECK(mi->output()->type.str() == "i32[4,8]");
  CHECK(q->output()->type.str() == "u8[4,8]");
  CHECK(macs(mi) == 4 * 8 * 16);
  CHECK(macs(q) == 4 * 8 * 16);
}

TEST_CASE("Einsum explicit, implicit and ellipsis shapes", "[ops][matmul]") {
  CHECK(einsum("bij,bjk->bik", {{sym("B"), 3, 4}, {sym("B"), 4, 5}}) == "f32[B,3,5]");
  CHECK(einsum("ij,jk", {{3, 4}, {4, 5}}) == "f32[3,5]");
  CHECK(einsum("ba", {{3, 4}}) == "f32[4,3]");
  CHECK(einsum("ii", {{3, 3}}) == "f32[]");
  CHECK(einsum("ii->i", {{3, 3}}) == "f32[3]");
  CHECK(einsum("i,j->ij", {{3}, {4}}) == "f32[3,4]");
  CHECK(einsum("...ij,...jk->...ik", {{2, 1, 3, 4}, {5, 4, 6}}) == "f32[2,5,3,6]");
  CHECK(einsum("...ij,...jk", {{7, 3, 4}, {4, 6}}) == "f32[7,3,6]");
  CHECK(einsum("i...j->j...i", {{2, 3, 4, 5}}) == "f32[5,3,4,2]");
  CHECK(einsum(" bhqd , bhkd -> bhqk ", {{1, 8, 10, 64}, {1, 8, 12, 64}}) == "f32[1,8,10,12]");
  CHECK(einsum("ij,jk->ik", {{3, 4}, {5, 6}}).find("label 'j'") != std::string::npos);
  CHECK(einsum("ij,jk->ik", {{3, 4}}).find("node 'es' (Einsum)") != std::string::npos);
  CHECK(einsum("ijk->i", {{3, 4}}).find("rank") != std::string::npos);
  CHECK(einsum("ij->ix", {{3, 4}}).find("'x'") != std::string::npos);
  CHECK(einsum("i#j", {{3, 4}}).find("bad einsum") != std::string::npos);
  CHECK(einsum("ij->ii", {{3, 4}}).find("repeats") != std::string::npos);
}

TEST_CASE("QuantizeLinear types follow the zero point", "[ops][quant]") {
  Graph g;
  Value* x = g.addInput("x", f32({sym("N"), 3, 4, 4}));
  Value* s = g.addInput("s", f32({}));
  Value* zi8 = g.addInput("zi8", tt(DType::Int8, {}));
  Node* q8 = op(g, "QuantizeLinear", "q8", {x, s, zi8});
  Node* qu = op(g, "QuantizeLinear", "qu", {x, s});
  Value* sAxis = g.addInput("sa", f32({3}));
  Value* zAxis = g.addInput("za", tt(DType::UInt8, {3}));
  Node* perAxis = op(g, "QuantizeLinear", "pa", {x, sAxis, zAxis});
  Node* dq = op(g, "DequantizeLinear", "dq", {q8->output(), s, zi8});
  Node* dyn = op(g, "DynamicQuantizeLinear", "dyn", {x}, {}, 3);
  REQUIRE(infer(g));
  CHECK(q8->output()->type.str() == "i8[N,3,4,4]");
  CHECK(qu->output()->type.str() == "u8[N,3,4,4]");
  CHECK(perAxis->output()->type.str() == "u8[N,3,4,4]");
  CHECK(dq->output()->type.str() == "f32[N,3,4,4]");
  CHECK(dyn->output(0)->type.str() == "u8[N,3,4,4]");
  CHECK(dyn->output(1)->type.str() == "f32[]");
  CHECK(dyn->output(2)->type.str() == "u8[]");
  CHECK(q8->attrInt("axis") == 1);
  CHECK(q8->schema()->has(kQuantizable));

  Graph bad;
  op(bad, "QuantizeLinear", "qbad",
     {bad.addInput("x", f32({1, 3, 4, 4})), bad.addInput("s", f32({5}))});
  requireErrorNaming(bad, "node 'qbad' (QuantizeLinear)", "axis");
  Graph bad2;
  op(bad2, "DequantizeLinear", "dqbad",
     {bad2.addInput("x", tt(DType::Int8, {1, 3})), bad2.addInput("s", f32({3, 1}))});
  requireErrorNaming(bad2, "node 'dqbad' (DequantizeLinear)", "scale");
}

TEST_CASE("the quantization rule on the record names the weight, bias and channel axis",
          "[ops][quant]") {
  Graph g;
  Value* x = g.addInput("x", f32({2, 8}));
  Node* gemm = op(g, "Gemm", "g", {x, g.addInput("w", f32({8, 5})), g.addInput("b", f32({5}))});
  Node* gemmT =
      op(g, "Gemm", "gt", {x, g.addInput("wt", f32({5, 8}))}, {Attribute::ofInt("transB", 1)});
  Node* mm =
      op(g, "MatMul", "mm", {g.addInput("a", f32({2, 3, 8})), g.addInput("b3", f32({4, 8, 6}))});
  Node* conv = op(g, "Conv", "c",
                  {g.addInput("img", f32({1, 3, 8, 8})), g.addInput("k", f32({4, 3, 3, 3}))});
  Node* convT = op(g, "ConvTranspose", "ct",
                   {g.addInput("img2", f32({1, 4, 8, 8})), g.addInput("k2", f32({4, 2, 3, 3}))});
  auto rule = [](const Node* n) -> const QuantizationRule& {
    REQUIRE(n->schema()->quantization);
    return *n->schema()->quantization;
  };
  CHECK(rule(gemm).weight == 1);
  CHECK(rule(gemm).bias == 2);
  CHECK(rule(gemm).activations == std::vector<int>{0});
  CHECK(rule(gemm).weightAxis(*gemm) == 1);
  CHECK(rule(gemmT).weightAxis(*gemmT) == 0);
  CHECK(rule(mm).weightAxis(*mm) == 2);
  CHECK(rule(mm).bias == -1);
  CHECK(rule(conv).weightAxis(*conv) == 0);
  CHECK(rule(convT).weightAxis(*convT) == 1);
  Node* relu = op(g, "Relu", "r", {x});
  CHECK(relu->schema()->has(kQuantizable));
  CHECK(rule(relu).weight == -1);  // activations only
  CHECK(rule(relu).activations == std::vector<int>{0});
  Node* add = op(g, "Add", "add", {x, x});
  CHECK(rule(add).activations == std::vector<int>{0, 1});
  Node* cat = op(g, "Concat", "cat", {x, x, x}, {Attribute::ofInt("axis", 0)});
  CHECK(rule(cat).allInputs);
  Node* tanh = op(g, "Tanh", "t", {x});
  CHECK_FALSE(tanh->schema()->quantization);  // no quantized form: stays float
}
