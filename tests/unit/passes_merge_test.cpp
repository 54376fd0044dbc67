// merge-transposes and merge-reshapes, stated as text-IR rewrites, plus
// numeric equivalence through the interpreter.
#include <catch2/catch.hpp>

#include "tests/unit/pass_test_util.h"

using namespace nnport;
using namespace nnport::testing;

namespace {

const char* kTransposes = R"(
graph g (%x: f32[2,3,4,5]) -> (%y: f32[2,5,3,4]) {
  %a = Transpose(%x) {perm=[0,2,3,1]}  # to_nhwc
  %b = Transpose(%a) {perm=[0,3,1,2]}  # to_nchw
  %c = Transpose(%b) {perm=[0,3,1,2]}  # t3
  %y = Relu(%c)  # relu
}
)";

}  // namespace

TEST_CASE("merge-transposes cancels NHWC round trips and composes the rest", "[passes]") {
  requireRewrite(kTransposes, "merge-transposes", R"(
graph g (%x: f32[2,3,4,5]) -> (%y: f32[2,5,3,4]) {
  %c = Transpose(%x) {perm=[0,3,1,2]}  # t3
  %y = Relu(%c)  # relu
}
)");
  requireSameOutputs(kTransposes, "merge-transposes", {2, 3, 4, 5});
}

TEST_CASE("merge-transposes leaves a Transpose whose result is read twice", "[passes]") {
  const char* text = R"(
graph g (%x: f32[2,3]) -> (%y: f32[2,3], %z: f32[3,2]) {
  %a = Transpose(%x) {perm=[1,0]}  # t1
  %y = Transpose(%a) {perm=[1,0]}  # t2
  %z = Relu(%a)  # relu
}
)";
  requireRewrite(text, "merge-transposes", text);
}

TEST_CASE("merge-reshapes collapses Reshape chains and undone Squeeze/Unsqueeze", "[passes]") {
  const char* text = R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[2,3,4]) -> (%y: f32[4,6]) {
  %s1 = const i64[2] [6,4]
  %s2 = const i64[2] [4,6]
  %axes = const i64[1] [0]
  %u = Unsqueeze(%x, %axes)  # unsq
  %q = Squeeze(%u, %axes)  # sq
  %a = Reshape(%q, %s1)  # r1
  %y = Reshape(%a, %s2)  # r2
}
)";
  requireRewrite(text, "merge-reshapes,dce", R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[2,3,4]) -> (%y: f32[4,6]) {
  %s2 = const i64[2] [4,6]
  %y = Reshape(%x, %s2)  # r2
}
)");
  requireSameOutputs(text, "merge-reshapes,dce", {2, 3, 4});
}

TEST_CASE("merge-reshapes keeps a Reshape whose shape copies a dim with 0", "[passes]") {
  const char* text = R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[2,3,4]) -> (%y: f32[6,4]) {
  %s1 = const i64[2] [6,4]
  %s2 = const i64[2] [0,-1]
  %a = Reshape(%x, %s1)  # r1
  %y = Reshape(%a, %s2)  # r2
}
)";
  requireRewrite(text, "merge-reshapes", text);
}

TEST_CASE("merge-transposes composes two permutations into one", "[passes]") {
  const char* text = R"(
graph g (%x: f32[2,3,4]) -> (%y: f32[3,4,2]) {
  %a = Transpose(%x) {perm=[1,0,2]}  # t1
  %y = Transpose(%a) {perm=[0,2,1]}  # t2
}
)";
  requireRewrite(text, "merge-transposes", R"(
graph g (%x: f32[2,3,4]) -> (%y: f32[3,4,2]) {
  %y = Transpose(%x) {perm=[1,2,0]}  # t1
}
)");
  requireSameOutputs(text, "merge-transposes", {2, 3, 4});
}
