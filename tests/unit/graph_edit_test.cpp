// --dstNodeName / --inNodeName cuts, --inputShape pinning, dead-code removal.
#include <catch2/catch.hpp>

#include "ir/shape_inference.h"
#include "lib/graph_edit.h"
#include "passes/dce.h"

using namespace nnport;

namespace {
// x -> relu1 -> relu2 -> relu3 -> y, plus a dead branch x -> neg
std::unique_ptr<Model> chain() {
  auto m = std::make_unique<Model>();
  m->opsets = {{"", 17}};
  Graph& g = m->graph;
  Value* x = g.addInput("x", {DType::Float32, Shape({Dim::symbolic("batch"), 3})});
  x->declaredType = x->type;
  Value* v = x;
  for (int i = 1; i <= 3; ++i)
    v = g.addNode("Relu", "", {v}, {"r" + std::to_string(i)}, "relu" + std::to_string(i))->output();
  v->declaredType = TensorType{DType::Float32, Shape({Dim::symbolic("batch"), 3})};
  g.addNode("Neg", "", {x}, {"dead"}, "neg");
  g.addOutput(v);
  return m;
}
}  // namespace

TEST_CASE("dead code goes, live code stays", "[graph-edit]") {
  auto m = chain();
  CHECK(eliminateDeadCode(*m) == 1);
  CHECK(m->graph.numNodes() == 3);
  CHECK(m->graph.findNode("neg") == nullptr);
}

TEST_CASE("cutting at outputs keeps only what feeds them", "[graph-edit]") {
  auto m = chain();
  REQUIRE(cutAtOutputs(*m, {"r1"}).isOk());
  CHECK(m->graph.numNodes() == 1);
  CHECK(m->graph.outputs()[0]->name() == "r1");
  REQUIRE(cutAtOutputs(*chain(), {"relu2"}).isOk());  // a node name works too
  Status st = cutAtOutputs(*chain(), {"nope"});
  CHECK(st.code() == ErrorCode::Usage);
  CHECK(st.message().find("'nope'") != std::string::npos);
}

TEST_CASE("cutting at inputs makes the value a graph input", "[graph-edit]") {
  auto m = chain();
  REQUIRE(cutAtInputs(*m, {"r2"}).isOk());
  Graph& g = m->graph;
  REQUIRE(g.inputs().size() == 1);
  CHECK(g.inputs()[0]->name() == "r2");
  CHECK(g.numNodes() == 1);
  CHECK(g.findNode("relu3")->input(0) == g.inputs()[0]);
}

TEST_CASE("option --inputShape pins dims and substitutes the symbol everywhere", "[graph-edit]") {
  auto m = chain();
  auto spec = parseInputShape("x:8,3");
  REQUIRE(spec.hasValue());
  REQUIRE(pinInputShapes(*m, {spec.value()}).isOk());
  REQUIRE(inferShapes(*m, {true}).hasValue());
  CHECK(m->graph.inputs()[0]->type.str() == "f32[8,3]");
  CHECK(m->graph.outputs()[0]->declaredType->str() == "f32[8,3]");
  CHECK(m->graph.findValue("r2")->type.str() == "f32[8,3]");
}

TEST_CASE("option --inputShape errors are usage errors", "[graph-edit]") {
  CHECK(parseInputShape("x:1,a,3").status().code() == ErrorCode::Usage);
  CHECK(parseInputShape("x:1,-3").status().code() == ErrorCode::Usage);
  auto m = chain();
  CHECK(pinInputShapes(*m, {{"x", {1, 3, 4}}}).code() == ErrorCode::Usage);
  CHECK(pinInputShapes(*m, {{"y", {1, 3}}}).code() == ErrorCode::Usage);
  CHECK(pinInputShapes(*m, {{"x", {1, 4}}}).code() == ErrorCode::Usage);  // static 3 != 4
  CHECK(pinInputShapes(*m, {{"", {2, 3}}}).isOk());                       // the only input
}
