// push-transposes: each reader family as a text-IR rewrite (with
// merge-transposes cancelling the pair it brings together), a graph
// output's name kept, inverse readers cancelled, and outputs before and
// after through the interpreter. Refusals and an NHWC model through -O2:
// passes_layout_test.cpp.
#include <catch2/catch.hpp>

#include "tests/unit/pass_test_util.h"

using namespace nnport;
using namespace nnport::testing;

namespace {

const char* kPushAndMerge = "push-transposes,merge-transposes,dce";

void requirePushed(const std::string& before, const std::string& expected,
                   std::vector<int64_t> dims) {
  requireRewrite(before, kPushAndMerge, expected);
  requireSameOutputs(before, kPushAndMerge, std::move(dims));
}

}  // namespace

TEST_CASE("push-transposes moves a Transpose below unary ops and constant operands", "[passes]") {
  // The [2,1,4] scale's data is reordered: element (h, c) moves to (c, h).
  requirePushed(R"(
graph g (%x: f32[1,4,2,3]) -> (%y: f32[1,4,2,3]) {
  %bias = const f32[4] [0.5,-1.0,2.0,0.25]
  %scale = const f32[2,1,4] [1.0,2.0,3.0,4.0,5.0,6.0,7.0,8.0]
  %two = const f32[] [2.0]
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[1,2,3,4]  # to_nhwc
  %b = Add(%t, %bias) : f32[1,2,3,4]  # add
  %r = Relu(%b) : f32[1,2,3,4]  # relu
  %m = Mul(%r, %scale) : f32[1,2,3,4]  # mul
  %d = Div(%m, %two) : f32[1,2,3,4]  # div
  %y = Transpose(%d) {perm=[0,3,1,2]} : f32[1,4,2,3]  # to_nchw
}
)",
                R"(
graph g (%x: f32[1,4,2,3]) -> (%y: f32[1,4,2,3]) {
  %two = const f32[] [2.0]
  %bias__transposed = const f32[1,4,1,1] [0.5,-1.0,2.0,0.25]
  %scale__transposed = const f32[1,4,2,1] [1.0,5.0,2.0,6.0,3.0,7.0,4.0,8.0]
  %b__pre_transpose = Add(%x, %bias__transposed) : f32[1,4,2,3]  # add
  %r__pre_transpose = Relu(%b__pre_transpose) : f32[1,4,2,3]  # relu
  %m__pre_transpose = Mul(%r__pre_transpose, %scale__transposed) : f32[1,4,2,3]  # mul
  %y = Div(%m__pre_transpose, %two) : f32[1,4,2,3]  # div
}
)",
                {1, 4, 2, 3});
}

TEST_CASE("push-transposes permutes a PRelu slope and leaves Clip's bounds", "[passes]") {
  requirePushed(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,4,2,3]) -> (%y: f32[1,4,2,3]) {
  %twelve = const f32[] [12.0]
  %slope = const f32[1,1,4] [0.5,0.25,-1.0,2.0]
  %lo = const f32[] [-3.0]
  %hi = const f32[] [6.0]
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[1,2,3,4]  # to_nhwc
  %s = Sub(%t, %twelve) : f32[1,2,3,4]  # sub
  %p = PRelu(%s, %slope) : f32[1,2,3,4]  # prelu
  %c = Clip(%p, %lo, %hi) : f32[1,2,3,4]  # clip
  %y = Transpose(%c) {perm=[0,3,1,2]} : f32[1,4,2,3]  # to_nchw
}
)",
                R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,4,2,3]) -> (%y: f32[1,4,2,3]) {
  %twelve = const f32[] [12.0]
  %lo = const f32[] [-3.0]
  %hi = const f32[] [6.0]
  %slope__transposed = const f32[1,4,1,1] [0.5,0.25,-1.0,2.0]
  %s__pre_transpose = Sub(%x, %twelve) : f32[1,4,2,3]  # sub
  %p__pre_transpose = PRelu(%s__pre_transpose, %slope__transposed) : f32[1,4,2,3]  # prelu
  %y = Clip(%p__pre_transpose, %lo, %hi) : f32[1,4,2,3]  # clip
}
)",
                {1, 4, 2, 3});
}

TEST_CASE("push-transposes merges the Transposes of both operands of a binary op", "[passes]") {
  requirePushed(R"(
graph g (%x: f32[1,3,2,2]) -> (%y: f32[1,3,2,2]) {
  %n = Neg(%x) : f32[1,3,2,2]  # neg
  %t1 = Transpose(%x) {perm=[0,2,3,1]} : f32[1,2,2,3]  # t1
  %t2 = Transpose(%n) {perm=[0,2,3,1]} : f32[1,2,2,3]  # t2
  %d = Sub(%t2, %t1) : f32[1,2,2,3]  # sub
  %e = Mul(%d, %d) : f32[1,2,2,3]  # square
  %y = Transpose(%e) {perm=[0,3,1,2]} : f32[1,3,2,2]  # back
}
)",
                R"(
graph g (%x: f32[1,3,2,2]) -> (%y: f32[1,3,2,2]) {
  %n = Neg(%x) : f32[1,3,2,2]  # neg
  %d__pre_transpose = Sub(%n, %x) : f32[1,3,2,2]  # sub
  %y = Mul(%d__pre_transpose, %d__pre_transpose) : f32[1,3,2,2]  # square
}
)",
                {1, 3, 2, 2});
}

TEST_CASE("push-transposes moves Transposes below a Concat of them, remapping the axis",
          "[passes]") {
  requirePushed(R"(
graph g (%x: f32[1,3,2,2]) -> (%y: f32[1,6,2,2]) {
  %n = Neg(%x) : f32[1,3,2,2]  # neg
  %t1 = Transpose(%x) {perm=[0,2,3,1]} : f32[1,2,2,3]  # t1
  %t2 = Transpose(%n) {perm=[0,2,3,1]} : f32[1,2,2,3]  # t2
  %c = Concat(%t1, %t2) {axis=-1} : f32[1,2,2,6]  # concat
  %y = Transpose(%c) {perm=[0,3,1,2]} : f32[1,6,2,2]  # back
}
)",
                R"(
graph g (%x: f32[1,3,2,2]) -> (%y: f32[1,6,2,2]) {
  %n = Neg(%x) : f32[1,3,2,2]  # neg
  %y = Concat(%x, %n) {axis=1} : f32[1,6,2,2]  # concat
}
)",
                {1, 3, 2, 2});
}

TEST_CASE("push-transposes remaps the axes of reductions with keepdims", "[passes]") {
  requirePushed(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,2,4]) -> (%y: f32[1,3,1,1]) {
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[1,2,4,3]  # to_nhwc
  %m = ReduceMean(%t) {axes=[1,2], keepdims=1} : f32[1,1,1,3]  # mean
  %y = Transpose(%m) {perm=[0,3,1,2]} : f32[1,3,1,1]  # back
}
)",
                R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,2,4]) -> (%y: f32[1,3,1,1]) {
  %y = ReduceMean(%x) {axes=[2,3], keepdims=1} : f32[1,3,1,1]  # mean
}
)",
                {1, 3, 2, 4});
  // ReduceSum takes its axes as an input from opset 13.
  requirePushed(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,2,4]) -> (%y: f32[1,3,2,1]) {
  %axes = const i64[1] [-2]
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[1,2,4,3]  # to_nhwc
  %s = ReduceSum(%t, %axes) : f32[1,2,1,3]  # sum
  %y = Transpose(%s) {perm=[0,3,1,2]} : f32[1,3,2,1]  # back
}
)",
                R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,2,4]) -> (%y: f32[1,3,2,1]) {
  %axes__transposed = const i64[1] [3]
  %y = ReduceSum(%x, %axes__transposed) : f32[1,3,2,1]  # sum
}
)",
                {1, 3, 2, 4});
}

TEST_CASE("push-transposes moves a Transpose below readers that drop axes", "[passes]") {
  // Global pooling of an NHWC body: the kept axes are in order, no Transpose is left.
  requirePushed(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,2,4]) -> (%y: f32[1,3]) {
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[1,2,4,3]  # to_nhwc
  %y = ReduceMean(%t) {axes=[1,2], keepdims=0} : f32[1,3]  # mean
}
)",
                R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,2,4]) -> (%y: f32[1,3]) {
  %y = ReduceMean(%x) {axes=[2,3], keepdims=0} : f32[1,3]  # mean
}
)",
                {1, 3, 2, 4});
  requirePushed(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,1,1]) -> (%y: f32[1,3]) {
  %axes = const i64[2] [1,2]
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[1,1,1,3]  # to_nhwc
  %y = Squeeze(%t, %axes) : f32[1,3]  # squeeze
}
)",
                R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,1,1]) -> (%y: f32[1,3]) {
  %axes__transposed = const i64[2] [2,3]
  %y = Squeeze(%x, %axes__transposed) : f32[1,3]  # squeeze
}
)",
                {1, 3, 1, 1});
  requirePushed(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,2,4]) -> (%y: i64[1,2,4]) {
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[1,2,4,3]  # to_nhwc
  %y = ArgMax(%t) {axis=3, keepdims=0} : i64[1,2,4]  # argmax
}
)",
                R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,2,4]) -> (%y: i64[1,2,4]) {
  %y = ArgMax(%x) {axis=1, keepdims=0} : i64[1,2,4]  # argmax
}
)",
                {1, 3, 2, 4});
  // Otherwise a Transpose of the kept rank follows.
  requirePushed(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[2,3,4,5]) -> (%y: f32[4,5,3]) {
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[2,4,5,3]  # to_nhwc
  %y = ReduceMax(%t) {axes=[0], keepdims=0} : f32[4,5,3]  # max
}
)",
                R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[2,3,4,5]) -> (%y: f32[4,5,3]) {
  %y__pre_transpose = ReduceMax(%x) {axes=[0], keepdims=0} : f32[3,4,5]  # max
  %y = Transpose(%y__pre_transpose) {perm=[1,2,0]} : f32[4,5,3]  # to_nhwc
}
)",
                {2, 3, 4, 5});
  requirePushed(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,1,4]) -> (%y: f32[4,3]) {
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[1,1,4,3]  # to_nhwc
  %y = Squeeze(%t) : f32[4,3]  # squeeze
}
)",
                R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,1,4]) -> (%y: f32[4,3]) {
  %y__pre_transpose = Squeeze(%x) : f32[3,4]  # squeeze
  %y = Transpose(%y__pre_transpose) {perm=[1,0]} : f32[4,3]  # to_nhwc
}
)",
                {1, 3, 1, 4});
  // An empty axes input squeezes every 1-dim too.
  requirePushed(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,1,4]) -> (%y: f32[4,3]) {
  %none = const i64[0] []
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[1,1,4,3]  # to_nhwc
  %y = Squeeze(%t, %none) : f32[4,3]  # squeeze
}
)",
                R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,1,4]) -> (%y: f32[4,3]) {
  %none__transposed = const i64[0] []
  %y__pre_transpose = Squeeze(%x, %none__transposed) : f32[3,4]  # squeeze
  %y = Transpose(%y__pre_transpose) {perm=[1,0]} : f32[4,3]  # to_nhwc
}
)",
                {1, 3, 1, 4});
}

TEST_CASE("push-transposes remaps the Softmax and LogSoftmax axis from opset 13", "[passes]") {
  requirePushed(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,2,2]) -> (%y: f32[1,3,2,2]) {
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[1,2,2,3]  # to_nhwc
  %s = Softmax(%t) : f32[1,2,2,3]  # softmax
  %l = LogSoftmax(%s) {axis=2} : f32[1,2,2,3]  # logsoftmax
  %y = Transpose(%l) {perm=[0,3,1,2]} : f32[1,3,2,2]  # back
}
)",
                R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,2,2]) -> (%y: f32[1,3,2,2]) {
  %s__pre_transpose = Softmax(%x) {axis=1} : f32[1,3,2,2]  # softmax
  %y = LogSoftmax(%s__pre_transpose) {axis=3} : f32[1,3,2,2]  # logsoftmax
}
)",
                {1, 3, 2, 2});
}

TEST_CASE("push-transposes moves each dim's pads with it", "[passes]") {
  // NHWC pads: H 1 before 3 after, W 2 before.
  requirePushed(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,2,2]) -> (%y: f32[1,3,6,4]) {
  %pads = const i64[8] [0,1,2,0,0,3,0,0]
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[1,2,2,3]  # to_nhwc
  %p = Pad(%t, %pads) {mode="edge"} : f32[1,6,4,3]  # pad
  %y = Transpose(%p) {perm=[0,3,1,2]} : f32[1,3,6,4]  # back
}
)",
                R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,2,2]) -> (%y: f32[1,3,6,4]) {
  %pads__transposed = const i64[8] [0,0,1,2,0,0,3,0]
  %y = Pad(%x, %pads__transposed) {mode="edge"} : f32[1,3,6,4]  # pad
}
)",
                {1, 3, 2, 2});
}

TEST_CASE("push-transposes remaps Slice axes, given or implied", "[passes]") {
  requirePushed(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,4,2,2]) -> (%y: f32[1,2,2,2]) {
  %starts = const i64[1] [1]
  %ends = const i64[1] [3]
  %axes = const i64[1] [-1]
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[1,2,2,4]  # to_nhwc
  %s = Slice(%t, %starts, %ends, %axes) : f32[1,2,2,2]  # slice
  %y = Transpose(%s) {perm=[0,3,1,2]} : f32[1,2,2,2]  # back
}
)",
                R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,4,2,2]) -> (%y: f32[1,2,2,2]) {
  %starts = const i64[1] [1]
  %ends = const i64[1] [3]
  %axes__transposed = const i64[1] [1]
  %y = Slice(%x, %starts, %ends, %axes__transposed) : f32[1,2,2,2]  # slice
}
)",
                {1, 4, 2, 2});
  // Without axes, the starts cover dims 0 and 1 (N and H): x's 0 and 2.
  requirePushed(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,4,2,2]) -> (%y: f32[1,4,1,2]) {
  %starts = const i64[2] [0,1]
  %ends = const i64[2] [1,2]
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[1,2,2,4]  # to_nhwc
  %s = Slice(%t, %starts, %ends) : f32[1,1,2,4]  # slice
  %y = Transpose(%s) {perm=[0,3,1,2]} : f32[1,4,1,2]  # back
}
)",
                R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,4,2,2]) -> (%y: f32[1,4,1,2]) {
  %starts = const i64[2] [0,1]
  %ends = const i64[2] [1,2]
  %s__axes = const i64[2] [0,2]
  %y = Slice(%x, %starts, %ends, %s__axes) : f32[1,4,1,2]  # slice
}
)",
                {1, 4, 2, 2});
}

TEST_CASE("push-transposes keeps a graph output's name on the moved Transpose", "[passes]") {
  const char* text = R"(
graph g (%x: f32[1,3,2,2]) -> (%y: f32[1,2,2,3]) {
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[1,2,2,3]  # t
  %y = Sigmoid(%t) : f32[1,2,2,3]  # sigmoid
}
)";
  requireRewrite(text, "push-transposes", R"(
graph g (%x: f32[1,3,2,2]) -> (%y: f32[1,2,2,3]) {
  %y__pre_transpose = Sigmoid(%x) : f32[1,3,2,2]  # sigmoid
  %y = Transpose(%y__pre_transpose) {perm=[0,2,3,1]} : f32[1,2,2,3]  # t
}
)");
  requireSameOutputs(text, "push-transposes", {1, 3, 2, 2});
}

TEST_CASE("push-transposes cancels inverse readers of a Transpose read elsewhere", "[passes]") {
  // t is read by its inverse and by Relu: the inverse's reader reads x, and
  // the Transpose, then read by Relu alone, moves down to meet `back`.
  requirePushed(R"(
graph g (%x: f32[1,3,2,2]) -> (%y: f32[1,3,2,2]) {
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[1,2,2,3]  # to_nhwc
  %u = Transpose(%t) {perm=[0,3,1,2]} : f32[1,3,2,2]  # to_nchw
  %a = Neg(%u) : f32[1,3,2,2]  # neg
  %r = Relu(%t) : f32[1,2,2,3]  # relu
  %v = Transpose(%r) {perm=[0,3,1,2]} : f32[1,3,2,2]  # back
  %y = Mul(%a, %v) : f32[1,3,2,2]  # mul
}
)",
                R"(
graph g (%x: f32[1,3,2,2]) -> (%y: f32[1,3,2,2]) {
  %a = Neg(%x) : f32[1,3,2,2]  # neg
  %r__pre_transpose = Relu(%x) : f32[1,3,2,2]  # relu
  %y = Mul(%a, %r__pre_transpose) : f32[1,3,2,2]  # mul
}
)",
                {1, 3, 2, 2});
}
