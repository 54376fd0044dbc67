// merge-slices: the outer result's name and readers, eliminate-noop and
// -O2 after it, and numeric equivalence through the interpreter on x = 0,
// 1, 2, ... (so an index off by one shows) over a seeded sweep of starts,
// ends and steps. The rewrites themselves and the pairs it must leave
// alone, with their notes: tests/passes/merge-slices-*.nnir.
#include <catch2/catch.hpp>

#include <climits>
#include <random>

#include "tests/unit/pass_test_util.h"

using namespace nnport;
using namespace nnport::testing;

TEST_CASE("merge-slices keeps the outer result's name and readers", "[passes]") {
  const char* text = R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[10]) -> (%y: f32[3], %z: f32[3]) {
  %s1 = const i64[1] [1]
  %e1 = const i64[1] [9]
  %s2 = const i64[1] [2]
  %e2 = const i64[1] [5]
  %a = Slice(%x, %s1, %e1)  # s1
  %y = Slice(%a, %s2, %e2)  # s2
  %z = Relu(%y)  # relu
}
)";
  auto m = parseModelText(text);
  REQUIRE(m);
  runPasses(**m, "merge-slices,dce");
  const Graph& g = (*m)->graph;
  REQUIRE(g.outputs().size() == 2);
  const Value* y = g.outputs()[0];
  CHECK(y->name() == "y");
  REQUIRE(y->producer());
  CHECK(y->producer()->opType() == "Slice");
  CHECK(y->producer()->input(0) == g.findValue("x"));
  REQUIRE(y->uses().size() == 1);
  CHECK(y->uses()[0].user->opType() == "Relu");
  CHECK(opCounts(**m) == std::map<std::string, size_t>{{"Relu", 1}, {"Slice", 1}});
  requireSameOutputs(text, "merge-slices,dce", {10});
}

TEST_CASE("eliminate-noop drops a merged Slice that picks everything", "[passes]") {
  // Reversing twice: the merged Slice is x[0:6] with step 1.
  const char* text = R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[2,6]) -> (%y: f32[2,6]) {
  %s = const i64[1] [-1]
  %e = const i64[1] [-9223372036854775808]
  %ax = const i64[1] [1]
  %a = Slice(%x, %s, %e, %ax, %s)  # s1
  %b = Slice(%a, %s, %e, %ax, %s)  # s2
  %y = Relu(%b)  # relu
}
)";
  auto m = parseModelText(text);
  REQUIRE(m);
  runPasses(**m, "merge-slices");
  CHECK(opCounts(**m) == std::map<std::string, size_t>{{"Relu", 1}, {"Slice", 1}});
  requireRewrite(text, "merge-slices,eliminate-noop,dce", R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[2,6]) -> (%y: f32[2,6]) {
  %y = Relu(%x)  # relu
}
)");
  requireSameOutputs(text, "merge-slices,eliminate-noop,dce", {2, 6});
}

TEST_CASE("level -O2 merges a chain of three Slices into one", "[passes]") {
  const char* text = R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[4,12]) -> (%y: f32[1,3]) {
  %one = const i64[1] [1]
  %big = Constant() {value_ints=[9223372036854775807]}
  %ax1 = const i64[1] [1]
  %two = const i64[1] [2]
  %a = Slice(%x, %one, %big, %ax1)  # s1
  %b = Slice(%a, %one, %big, %ax1, %two)  # s2
  %c = Slice(%b, %one, %two)  # s3
  %y = Slice(%c, %two, %big, %ax1)  # s4
}
)";
  auto pipeline = levelPipeline("O2");
  REQUIRE(pipeline);
  auto m = parseModelText(text);
  REQUIRE(m);
  runPasses(**m, *pipeline);
  CHECK(opCounts(**m) == std::map<std::string, size_t>{{"Slice", 1}});
  requireSameOutputs(text, *pipeline, {4, 12});
}

TEST_CASE("merge-slices matches the interpreter on a sweep of starts, ends and steps", "[passes]") {
  // One axis of x: f32[2,n], both Slices on it; empty results are refused,
  // every other pair must merge and give the same elements.
  const std::vector<int64_t> bounds{INT64_MIN, -INT64_MAX, -9, -7, -4, -2, -1,       0,
                                    1,         2,          3,  5,  7,  9,  INT64_MAX};
  const std::vector<int64_t> steps{INT64_MIN, -3, -2, -1, 1, 2, 3, INT64_MAX};
  std::mt19937 rng(7);
  auto any = [&](const std::vector<int64_t>& v) { return v[rng() % v.size()]; };
  size_t merged = 0, backwards = 0;
  for (int c = 0; c < 2000; ++c) {
    const int64_t n = 1 + static_cast<int64_t>(rng() % 7);
    const int64_t s1 = any(bounds), e1 = any(bounds), st1 = any(steps);
    const int64_t s2 = any(bounds), e2 = any(bounds), st2 = any(steps);
    const std::string text = fmt::format(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[2,{}]) -> (%y: f32[2,?]) {{
  %s1 = Constant() {{value_ints=[{}]}}
  %e1 = Constant() {{value_ints=[{}]}}
  %st1 = Constant() {{value_ints=[{}]}}
  %s2 = Constant() {{value_ints=[{}]}}
  %e2 = Constant() {{value_ints=[{}]}}
  %st2 = Constant() {{value_ints=[{}]}}
  %ax = Constant() {{value_ints=[-1]}}
  %a = Slice(%x, %s1, %e1, %ax, %st1)
  %y = Slice(%a, %s2, %e2, %ax, %st2)
}}
)",
                                         n, s1, e1, st1, s2, e2, st2);
    INFO(text);
    auto m = parseModelText(text);
    REQUIRE(m);
    const exec::RtTensor before = outputOnRamp(**m, {2, n});
    runPasses(**m, "merge-slices");
    const exec::RtTensor after = outputOnRamp(**m, {2, n});
    REQUIRE(after.dims() == before.dims());
    for (int64_t i = 0; i < before.numElements(); ++i) CHECK(after.floatAt(i) == before.floatAt(i));
    const bool wasMerged = opCounts(**m)["Slice"] == 1;
    CHECK(wasMerged == (before.numElements() > 0));  // only empty results are left alone
    merged += wasMerged;
    backwards += wasMerged && (st1 < 0 || st2 < 0);
  }
  // The sweep must exercise the composition, not only the refusals.
  CHECK(merged > 200);
  CHECK(backwards > 100);
}
