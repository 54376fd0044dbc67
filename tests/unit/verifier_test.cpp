// The IR verifier catches each kind of broken graph it promises to.
#include <catch2/catch.hpp>

#include "tests/unit/test_graphs.h"

#include "ir/graph.h"
#include "ir/verifier.h"

using namespace nnport;
using namespace nnport::testing;

namespace {
const std::unordered_map<std::string, int64_t> kOpsets = {{"", 17}};

struct ReluChain {
  Graph g;
  Value* x;
  Node* a;
  Node* b;
  ReluChain() {
    x = g.addInput("x", f32({1, 8}));
    a = g.addNode("Relu", "", {x}, {"a"}, "relu_a");
    b = g.addNode("Relu", "", {a->output()}, {"b"}, "relu_b");
    a->output()->type = f32({1, 8});
    b->output()->type = f32({1, 8});
    g.addOutput(b->output());
  }
};
}  // namespace

TEST_CASE("a well-formed graph verifies", "[verifier]") {
  ReluChain c;
  CHECK(verifyGraph(c.g, kOpsets).isOk());
}

TEST_CASE("a cycle is reported", "[verifier]") {
  ReluChain c;
  c.a->setInput(0, c.b->output());
  Status st = verifyGraph(c.g, kOpsets);
  REQUIRE_FALSE(st.isOk());
  CHECK(st.message().find("cycle") != std::string::npos);
}

TEST_CASE("a dangling input is reported", "[verifier]") {
  ReluChain c;
  Value* ghost = c.g.addDetachedValue("ghost");
  c.b->setInput(0, ghost);
  Status st = verifyGraph(c.g, kOpsets);
  REQUIRE_FALSE(st.isOk());
  CHECK(st.message().find("dangling") != std::string::npos);
  CHECK(st.message().find("relu_b") != std::string::npos);
}

TEST_CASE("a recorded shape that contradicts inference is reported", "[verifier]") {
  ReluChain c;
  c.b->output()->type = f32({1, 9});
  Status st = verifyGraph(c.g, kOpsets);
  REQUIRE_FALSE(st.isOk());
  CHECK(st.message().find("node 'relu_b' (Relu)") != std::string::npos);
  CHECK(verifyGraph(c.g, kOpsets, {true, false}).isOk());
}

TEST_CASE("a recorded dtype that contradicts inference is reported", "[verifier]") {
  ReluChain c;
  c.a->output()->type.dtype = DType::Int32;
  Status st = verifyGraph(c.g, kOpsets);
  REQUIRE_FALSE(st.isOk());
  CHECK(st.message() ==
        "node 'relu_a' (Relu): output 'a' is recorded as i32 but the op produces f32");
}

TEST_CASE("a missing required input and a wrong attribute kind are reported", "[verifier]") {
  Graph g;
  Value* x = g.addInput("x", f32({1, 3, 8, 8}));
  Node* conv = g.addNode("Conv", "", {x, nullptr}, {"y"}, "conv");
  g.addOutput(conv->output());
  Status st = verifyGraph(g, kOpsets);
  REQUIRE_FALSE(st.isOk());
  CHECK(st.message().find("required input") != std::string::npos);

  Graph h;
  Value* y = h.addInput("y", f32({2, 3}));
  Node* sm = h.addNode("Softmax", "", {y}, {"z"}, "sm");
  sm->attrs.set(Attribute::ofFloat("axis", 1.f));
  h.addOutput(sm->output());
  Status st2 = verifyGraph(h, kOpsets);
  REQUIRE_FALSE(st2.isOk());
  CHECK(st2.message().find("attribute 'axis'") != std::string::npos);
}

TEST_CASE("an initializer whose bytes do not match its dims is reported", "[verifier]") {
  Graph g;
  auto bad = std::make_shared<Tensor>(DType::Float32, std::vector<int64_t>{4},
                                      makeOwnedBuffer(std::vector<uint8_t>(12)));
  Value* w = g.addInitializer("w", bad);
  Node* n = g.addNode("Relu", "", {w}, {"r"}, "r");
  g.addOutput(n->output());
  Status st = verifyGraph(g, kOpsets);
  REQUIRE_FALSE(st.isOk());
  CHECK(st.message().find("initializer 'w'") != std::string::npos);
}

TEST_CASE("a graph output nothing produces is reported", "[verifier]") {
  ReluChain c;
  c.g.addOutput(c.g.addDetachedValue("nowhere"));
  Status st = verifyGraph(c.g, kOpsets);
  REQUIRE_FALSE(st.isOk());
  CHECK(st.message() == "graph output 'nowhere' is not produced by anything");
}
