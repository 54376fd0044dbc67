// merge-slices: Slice(Slice(x)) as text-IR rewrites (disjoint axes, shared
// axes with negative indices, INT64_MAX ends, steps > 1 and < 0, the
// opset-9 attribute form), each also compared through the interpreter on
// x = 0, 1, 2, ... (so an index off by one shows). INT64_MAX operands are
// Constant nodes' value_ints: the text reader takes those exactly (tensor
// literals go through double).
#include <catch2/catch.hpp>

#include "tests/unit/pass_test_util.h"

using namespace nnport;
using namespace nnport::testing;

namespace {

void requireMerged(const std::string& before, const std::string& expected,
                   std::vector<int64_t> dims) {
  requireRewrite(before, "merge-slices,dce", expected);
  requireSameOutputs(before, "merge-slices,dce", std::move(dims));
}

}  // namespace

TEST_CASE("merge-slices takes the union of disjoint axes, Constant operands included", "[passes]") {
  const char* text = R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[4,6]) -> (%y: f32[2,3]) {
  %s1 = const i64[1] [1]
  %e1 = const i64[1] [3]
  %a1 = const i64[1] [0]
  %s2 = Constant() {value=tensor i64[1] [2]}
  %e2 = Constant() {value=tensor i64[1] [5]}
  %a2 = Constant() {value=tensor i64[1] [1]}
  %a = Slice(%x, %s1, %e1, %a1)  # rows
  %y = Slice(%a, %s2, %e2, %a2)  # cols
}
)";
  requireMerged(text, R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[4,6]) -> (%y: f32[2,3]) {
  %y_starts = const i64[2] [1,2]
  %y_ends = const i64[2] [3,5]
  %y_axes = const i64[2] [0,1]
  %y = Slice(%x, %y_starts, %y_ends, %y_axes)  # rows
}
)",
                {4, 6});
}

TEST_CASE("merge-slices composes a shared axis and keeps the others", "[passes]") {
  // Axis 1: x[1:5] picks 1..4, then [1:3] of those picks 2..3 = x[2:4].
  const char* text = R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[4,6,5]) -> (%y: f32[2,2,2]) {
  %s1 = const i64[2] [1,1]
  %e1 = const i64[2] [3,5]
  %a1 = const i64[2] [0,1]
  %s2 = const i64[2] [1,2]
  %e2 = const i64[2] [3,4]
  %a2 = const i64[2] [1,2]
  %a = Slice(%x, %s1, %e1, %a1)  # s1
  %y = Slice(%a, %s2, %e2, %a2)  # s2
}
)";
  requireMerged(text, R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[4,6,5]) -> (%y: f32[2,2,2]) {
  %y_starts = const i64[3] [1,2,2]
  %y_ends = const i64[3] [3,4,4]
  %y_axes = const i64[3] [0,1,2]
  %y = Slice(%x, %y_starts, %y_ends, %y_axes)  # s1
}
)",
                {4, 6, 5});
}

TEST_CASE("merge-slices normalizes negative starts, ends and axes", "[passes]") {
  // x[:, -8:-1] picks 2..8 (7); [-5:-2] of those is 2..4, so x[:, 4:7].
  const char* text = R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[3,10]) -> (%y: f32[3,3]) {
  %s1 = const i64[1] [-8]
  %e1 = const i64[1] [-1]
  %a1 = const i64[1] [-1]
  %s2 = const i64[1] [-5]
  %e2 = const i64[1] [-2]
  %a2 = const i64[1] [1]
  %a = Slice(%x, %s1, %e1, %a1)  # s1
  %y = Slice(%a, %s2, %e2, %a2)  # s2
}
)";
  requireMerged(text, R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[3,10]) -> (%y: f32[3,3]) {
  %y_starts = const i64[1] [4]
  %y_ends = const i64[1] [7]
  %y_axes = const i64[1] [1]
  %y = Slice(%x, %y_starts, %y_ends, %y_axes)  # s1
}
)",
                {3, 10});
}

TEST_CASE("merge-slices clamps INT64_MAX and too-large ends to the dim", "[passes]") {
  // x[:, 2:] picks 2..9 (8); [3:100] of those is 3..7, so x[:, 5:10].
  const char* text = R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[2,10]) -> (%y: f32[2,5]) {
  %s1 = const i64[1] [2]
  %e1 = Constant() {value_ints=[9223372036854775807]}
  %a1 = const i64[1] [1]
  %s2 = const i64[1] [3]
  %e2 = const i64[1] [100]
  %a = Slice(%x, %s1, %e1, %a1)  # s1
  %y = Slice(%a, %s2, %e2, %a1)  # s2
}
)";
  requireMerged(text, R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[2,10]) -> (%y: f32[2,5]) {
  %y_starts = const i64[1] [5]
  %y_ends = const i64[1] [10]
  %y_axes = const i64[1] [1]
  %y = Slice(%x, %y_starts, %y_ends, %y_axes)  # s1
}
)",
                {2, 10});
}

TEST_CASE("merge-slices multiplies steps greater than 1", "[passes]") {
  // x[:, 1::2] picks 1,3,5,7,9; [1::2] of those picks 3,7 = x[:, 3:8:4].
  const char* text = R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[2,10]) -> (%y: f32[2,2]) {
  %s1 = const i64[1] [1]
  %e1 = const i64[1] [10]
  %a1 = const i64[1] [1]
  %st = const i64[1] [2]
  %e2 = Constant() {value_ints=[9223372036854775807]}
  %a = Slice(%x, %s1, %e1, %a1, %st)  # s1
  %y = Slice(%a, %s1, %e2, %a1, %st)  # s2
}
)";
  requireMerged(text, R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[2,10]) -> (%y: f32[2,2]) {
  %y_starts = const i64[1] [3]
  %y_ends = const i64[1] [8]
  %y_axes = const i64[1] [1]
  %y_steps = const i64[1] [4]
  %y = Slice(%x, %y_starts, %y_ends, %y_axes, %y_steps)  # s1
}
)",
                {2, 10});
}

TEST_CASE("merge-slices composes negative steps exactly", "[passes]") {
  SECTION("reversed, then a tail that reaches index 0") {
    // x[:, ::-1] picks 9..0; [3:] of those picks 6..0: end before index 0.
    const char* text = R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[2,10]) -> (%y: f32[2,7]) {
  %s1 = const i64[1] [-1]
  %e1 = const i64[1] [-9223372036854775808]
  %a1 = const i64[1] [1]
  %st1 = const i64[1] [-1]
  %s2 = const i64[1] [3]
  %e2 = Constant() {value_ints=[9223372036854775807]}
  %a = Slice(%x, %s1, %e1, %a1, %st1)  # s1
  %y = Slice(%a, %s2, %e2, %a1)  # s2
}
)";
    requireMerged(text, R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[2,10]) -> (%y: f32[2,7]) {
  %y_starts = const i64[1] [6]
  %y_ends = const i64[1] [-9223372036854775808]
  %y_axes = const i64[1] [1]
  %y_steps = const i64[1] [-1]
  %y = Slice(%x, %y_starts, %y_ends, %y_axes, %y_steps)  # s1
}
)",
                  {2, 10});
  }
  SECTION("backwards inner, forwards outer with step 3") {
    // x[:, 8:0:-1] picks 8..1; [1:7:3] of those picks 7,4 = x[:, 7:3:-3].
    const char* text = R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[2,10]) -> (%y: f32[2,2]) {
  %s1 = const i64[1] [8]
  %e1 = const i64[1] [0]
  %a1 = const i64[1] [1]
  %st1 = const i64[1] [-1]
  %s2 = const i64[1] [1]
  %e2 = const i64[1] [7]
  %st2 = const i64[1] [3]
  %a = Slice(%x, %s1, %e1, %a1, %st1)  # s1
  %y = Slice(%a, %s2, %e2, %a1, %st2)  # s2
}
)";
    requireMerged(text, R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[2,10]) -> (%y: f32[2,2]) {
  %y_starts = const i64[1] [7]
  %y_ends = const i64[1] [3]
  %y_axes = const i64[1] [1]
  %y_steps = const i64[1] [-3]
  %y = Slice(%x, %y_starts, %y_ends, %y_axes, %y_steps)  # s1
}
)",
                  {2, 10});
  }
  SECTION("forwards inner, backwards outer with step -2") {
    // x[:, 2:9] picks 2..8; [5:0:-2] of those picks 7,5,3 = x[:, 7:2:-2].
    const char* text = R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[2,10]) -> (%y: f32[2,3]) {
  %s1 = const i64[1] [2]
  %e1 = const i64[1] [9]
  %a1 = const i64[1] [1]
  %s2 = const i64[1] [5]
  %e2 = const i64[1] [0]
  %st2 = const i64[1] [-2]
  %a = Slice(%x, %s1, %e1, %a1)  # s1
  %y = Slice(%a, %s2, %e2, %a1, %st2)  # s2
}
)";
    requireMerged(text, R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[2,10]) -> (%y: f32[2,3]) {
  %y_starts = const i64[1] [7]
  %y_ends = const i64[1] [2]
  %y_axes = const i64[1] [1]
  %y_steps = const i64[1] [-2]
  %y = Slice(%x, %y_starts, %y_ends, %y_axes, %y_steps)  # s1
}
)",
                  {2, 10});
  }
}

TEST_CASE("merge-slices merges the opset-9 attribute form", "[passes]") {
  // Axis 0: x[1:9] (axes omitted: the first axis) then [2:5] = x[3:6];
  // axis 1 only in the outer Slice.
  const char* text = R"(
model opsets=[ai.onnx:9]
graph g (%x: f32[10,4]) -> (%y: f32[3,2]) {
  %a = Slice(%x) {starts=[1], ends=[9]}  # s1
  %y = Slice(%a) {starts=[0,2], ends=[2,5], axes=[1,0]}  # s2
}
)";
  requireMerged(text, R"(
model opsets=[ai.onnx:9]
graph g (%x: f32[10,4]) -> (%y: f32[3,2]) {
  %y = Slice(%x) {starts=[3,0], ends=[6,2], axes=[0,1]}  # s1
}
)",
                {10, 4});
}
