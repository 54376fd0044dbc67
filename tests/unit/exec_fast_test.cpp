// The fast (oneDNN) kernels against the reference kernels on random data:
// conv variants, pools, Gemm/MatMul, blocked-layout elementwise ops, fused
// activations; plus the executor's arena and observer behaviour.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "exec/executor.h"
#include "tests/unit/test_graphs.h"

using namespace nnport;
using namespace nnport::exec;
using namespace nnport::testing;

namespace {

TensorPtr randomTensor(std::vector<int64_t> dims, uint32_t seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  std::vector<float> v(static_cast<size_t>(n));
  for (float& f : v) f = u(rng);
  return std::make_shared<Tensor>(Tensor::fromVector(DType::Float32, std::move(dims), v));
}

// A model under construction: `cur` is the value the next op reads.
struct Builder {
  Model m;
  Value* cur = nullptr;
  int counter = 0;
  uint32_t seed = 1;

  explicit Builder(std::vector<int64_t> inputDims) {
    m.opsets = {{"", 13}};
    cur = m.graph.addInput("x", f32(std::vector<Dim>(inputDims.begin(), inputDims.end())));
  }
  Value* weight(std::vector<int64_t> dims) {
    return m.graph.addInitializer("w" + std::to_string(counter++), randomTensor(dims, seed++));
  }
  Value* scalar(float v) {
    return m.graph.addInitializer(
        "s" + std::to_string(counter++),
        std::make_shared<Tensor>(Tensor::fromVector(DType::Float32, {}, std::vector<float>{v})));
  }
  Value* op(const std::string& type, std::vector<Value*> ins, std::vector<Attribute> attrs = {}) {
    const std::string name = type + std::to_string(counter++);
    Node* n = m.graph.addNode(type, "", ins, {name + "_out"}, name);
    for (Attribute& a : attrs) n->attrs.set(std::move(a));
    return n->output(0);
  }
  void then(const std::string& type, std::vector<Value*> extra = {},
            std::vector<Attribute> attrs = {}) {
    extra.insert(extra.begin(), cur);
    cur = op(type, extra, std::move(attrs));
  }
  void conv(int64_t cin, int64_t cout, int64_t k, std::vector<Attribute> attrs, int64_t group = 1) {
    attrs.push_back(Attribute::ofInt("group", group));
    then("Conv", {weight({cout, cin / group, k, k}), weight({cout})}, std::move(attrs));
  }
  Model& finish() {
    m.graph.addOutput(cur);
    return m;
  }
};

NamedTensors runWith(const Model& m, KernelSet set, const RtTensor& x) {
  auto e = Executor::create(m, {set, 1});
  REQUIRE(e);
  auto r = (*e)->run({{"x", x}});
  REQUIRE(r);
  return *r;
}

RtTensor randomInput(std::vector<int64_t> dims, uint32_t seed) {
  return RtTensor::copyOf(*randomTensor(std::move(dims), seed));
}

// |fast - reference| <= 1e-4 * max|reference| + 1e-6, elementwise.
void requireClose(const RtTensor& got, const RtTensor& want) {
  REQUIRE(got.dims() == want.dims());
  REQUIRE_FALSE(got.blocked());
  double scale = 0;
  for (int64_t i = 0; i < want.numElements(); ++i)
    scale = std::max(scale, std::fabs(want.floatAt(i)));
  for (int64_t i = 0; i < want.numElements(); ++i) {
    INFO("element " << i);
    REQUIRE(std::fabs(got.floatAt(i) - want.floatAt(i)) <= 1e-4 * scale + 1e-6);
  }
}

void crossCheck(const Model& m, std::vector<int64_t> inputDims) {
  const RtTensor x = randomInput(inputDims, 99);
  const NamedTensors ref = runWith(m, KernelSet::Reference, x);
  const NamedTensors fast = runWith(m, KernelSet::Fast, x);
  REQUIRE(ref.size() == fast.size());
  for (size_t i = 0; i < ref.size(); ++i) requireClose(fast[i].second, ref[i].second);
}

std::vector<Attribute> window(std::vector<int64_t> strides, std::vector<int64_t> pads,
                              std::vector<int64_t> dilations = {1, 1}) {
  return {Attribute::ofInts("strides", strides), Attribute::ofInts("pads", pads),
          Attribute::ofInts("dilations", dilations)};
}

}  // namespace

TEST_CASE("fast Conv matches the reference on grouped, depthwise, dilated and padded cases",
          "[exec][fast]") {
  struct Case {
    int64_t cin, cout, k, group, h;
    std::vector<Attribute> attrs;
  };
  std::vector<Case> cases{
      {3, 16, 7, 1, 23, window({2, 2}, {3, 3, 3, 3})},         // first layer, plain input
      {16, 16, 3, 16, 12, window({1, 1}, {1, 1, 1, 1})},       // depthwise
      {16, 24, 3, 2, 12, window({1, 2}, {0, 1, 2, 0})},        // grouped, asymmetric pads
      {8, 8, 3, 1, 13, window({1, 1}, {2, 2, 2, 2}, {2, 2})},  // dilated
      {12, 20, 1, 1, 9, window({2, 2}, {0, 0, 0, 0})},         // channels not a multiple of 8
      {8,
       16,
       3,
       1,
       10,
       {Attribute::ofString("auto_pad", "SAME_UPPER"), Attribute::ofInts("strides", {2, 2})}},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    DYNAMIC_SECTION("case " << i) {
      Case& c = cases[i];
      Builder b({2, c.cin, c.h, c.h + 1});
      b.conv(c.cin, c.cout, c.k, c.attrs, c.group);
      crossCheck(b.finish(), {2, c.cin, c.h, c.h + 1});
    }
  }
}

TEST_CASE("fast ConvTranspose matches the reference", "[exec][fast]") {
  struct Case {
    int64_t cin, cout, group;
    std::vector<Attribute> attrs;
  };
  std::vector<Case> cases{
      {16, 8, 1, window({2, 2}, {1, 1, 1, 1})},
      {8, 16, 2, window({2, 1}, {0, 1, 1, 0})},
      {16, 16, 16, window({1, 1}, {1, 1, 1, 1}, {2, 2})},
      {8,
       8,
       1,
       {Attribute::ofInts("strides", {2, 2}), Attribute::ofInts("output_padding", {1, 1})}},
      {8,
       8,
       1,
       {Attribute::ofInts("strides", {2, 2}), Attribute::ofInts("output_shape", {15, 16})}},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    DYNAMIC_SECTION("case " << i) {
      Case& c = cases[i];
      Builder b({1, c.cin, 7, 8});
      b.then("Conv", {b.weight({c.cin, c.cin, 1, 1})});  // a blocked input
      std::vector<Attribute> attrs = c.attrs;
      attrs.push_back(Attribute::ofInt("group", c.group));
      b.then("ConvTranspose", {b.weight({c.cin, c.cout / c.group, 3, 3}), b.weight({c.cout})},
             attrs);
      b.then("Relu");
      crossCheck(b.finish(), {1, c.cin, 7, 8});
    }
  }
}

TEST_CASE("fast kernels keep blocked activations through a CNN block and fuse activations",
          "[exec][fast]") {
  Builder b({1, 3, 20, 20});
  b.conv(3, 16, 3, window({1, 1}, {1, 1, 1, 1}));
  b.then("Relu");
  b.conv(16, 16, 3, window({2, 2}, {1, 1, 1, 1}), 16);
  b.then("Clip", {b.scalar(-0.2f), b.scalar(0.3f)});
  b.conv(16, 24, 1, window({1, 1}, {0, 0, 0, 0}));
  Value* pre = b.cur;
  Value* sig = b.op("Sigmoid", {pre});
  b.cur = b.op("Mul", {pre, sig});  // Swish
  Value* skip = b.cur;
  b.then("MaxPool", {},
         {Attribute::ofInts("kernel_shape", {3, 3}), Attribute::ofInts("strides", {2, 2}),
          Attribute::ofInt("ceil_mode", 1)});
  b.then("AveragePool", {},
         {Attribute::ofInts("kernel_shape", {2, 2}), Attribute::ofInts("pads", {1, 1, 0, 0})});
  Value* se = b.op("GlobalAveragePool", {skip});
  se = b.op("Sigmoid", {se});
  b.cur = b.op("Mul", {b.op("Relu", {b.op("GlobalMaxPool", {b.cur})}), se});  // [1,24,1,1]
  b.cur = b.op("Add", {skip, b.cur});  // per-channel broadcast over a blocked tensor
  b.then("Relu");
  b.then("GlobalAveragePool");
  b.then("Flatten");
  b.then("Gemm", {b.weight({10, 24}), b.weight({10})}, {Attribute::ofInt("transB", 1)});
  b.then("Relu");
  const Model& m = b.finish();
  crossCheck(m, {1, 3, 20, 20});
  auto e = Executor::create(m, {KernelSet::Fast, 1});
  REQUIRE(e);
  CHECK((*e)->fusedNodes() >= 4);  // conv+relu, conv+clip, conv+swish, add+relu, gemm+relu
}

TEST_CASE("fast Gemm and MatMul match the reference with transposes and broadcasting",
          "[exec][fast]") {
  SECTION("Gemm transA transB with a row bias") {
    Builder b({7, 5});
    b.then("Gemm", {b.weight({9, 7}), b.weight({1, 9})},
           {Attribute::ofInt("transA", 1), Attribute::ofInt("transB", 1)});
    crossCheck(b.finish(), {7, 5});
  }
  SECTION("Gemm with alpha and a full C falls back") {
    Builder b({4, 6});
    b.then("Gemm", {b.weight({6, 3}), b.weight({4, 3})}, {Attribute::ofFloat("alpha", 0.5f)});
    crossCheck(b.finish(), {4, 6});
  }
  SECTION("batched MatMul broadcasting a lower-rank weight") {
    Builder b({2, 1, 4, 5});
    b.then("MatMul", {b.weight({3, 5, 6})});
    crossCheck(b.finish(), {2, 1, 4, 5});
  }
}

TEST_CASE("the observer sees every intermediate in the plain layout, unfused", "[exec][fast]") {
  Builder b({1, 8, 6, 6});
  b.conv(8, 16, 3, window({1, 1}, {1, 1, 1, 1}));
  b.then("Relu");
  b.conv(16, 16, 1, window({1, 1}, {0, 0, 0, 0}));
  const Model& m = b.finish();
  const RtTensor x = randomInput({1, 8, 6, 6}, 5);
  std::map<std::string, RtTensor> seen[2];
  for (int pass = 0; pass < 2; ++pass) {
    auto e = Executor::create(m, {pass ? KernelSet::Fast : KernelSet::Reference, 1});
    REQUIRE(e);
    (*e)->setObserver([&](const Value& v, const RtTensor& t) {
      seen[pass][v.name()] = RtTensor::copyOf(t.toTensor());
    });
    REQUIRE((*e)->run({{"x", x}}));
  }
  REQUIRE(seen[0].size() == 3);
  REQUIRE(seen[1].size() == 3);
  for (const auto& [name, t] : seen[0]) requireClose(seen[1].at(name), t);
}

TEST_CASE("the arena is planned on the second run and outputs survive later runs", "[exec]") {
  Builder b({1, 4, 8, 8});
  b.then("Relu");
  b.then("Reshape", {ints(b.m.graph, "shape", {1, 4, 64})});  // a view: its source must stay alive
  b.then("Sigmoid");
  b.then("Softmax", {}, {Attribute::ofInt("axis", -1)});
  const Model& m = b.finish();
  for (KernelSet set : {KernelSet::Reference, KernelSet::Fast}) {
    auto e = Executor::create(m, {set, 1});
    REQUIRE(e);
    const RtTensor x1 = randomInput({1, 4, 8, 8}, 1), x2 = randomInput({1, 4, 8, 8}, 2);
    auto first = (*e)->run({{"x", x1}});
    REQUIRE(first);
    CHECK((*e)->arenaBytes() > 0);
    const RtTensor keep = RtTensor::copyOf(first->at(0).second.toTensor());
    auto second = (*e)->run({{"x", x2}});
    auto third = (*e)->run({{"x", x1}});
    REQUIRE(second);
    REQUIRE(third);
    requireClose(first->at(0).second, keep);  // not overwritten by the arena
    requireClose(third->at(0).second, keep);
    auto other = (*e)->run({{"x", randomInput({1, 4, 8, 8}, 3)}});
    REQUIRE(other);
  }
}
