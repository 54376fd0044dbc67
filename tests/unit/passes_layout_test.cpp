// push-transposes: each reader family as a text-IR rewrite (with
// merge-transposes cancelling the pair it brings together), refusals and
// their notes, outputs before and after through the interpreter, and an
// NHWC model through -O2.
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

// The notes push-transposes gave when run alone on `text`, which it must
// leave as it is.
std::vector<std::string> refusals(const std::string& text) {
  requireRewrite(text, "push-transposes", text);
  auto m = parseModelText(text);
  REQUIRE(m);
  PassReport r = runPasses(**m, "push-transposes");
  return r.passes.at(0).notes;
}

bool hasNote(const std::vector<std::string>& notes, const std::string& part) {
  for (const std::string& n : notes)
    if (n.find(part) != std::string::npos) return true;
  return false;
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

TEST_CASE("push-transposes refuses what would add Transposes or is not exact", "[passes]") {
  SECTION("a Transpose read by two ops") {
    auto notes = refusals(R"(
graph g (%x: f32[1,3,2,2]) -> (%y: f32[1,2,2,3]) {
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[1,2,2,3]  # t
  %a = Relu(%t) : f32[1,2,2,3]  # relu
  %b = Sigmoid(%t) : f32[1,2,2,3]  # sigmoid
  %y = Add(%a, %b) : f32[1,2,2,3]  # add
}
)");
    CHECK(hasNote(notes, "node 't' (Transpose) not pushed down: its result has 2 readers"));
  }
  SECTION("a Transpose whose result is also a graph output") {
    auto notes = refusals(R"(
graph g (%x: f32[1,3,2,2]) -> (%t: f32[1,2,2,3], %y: f32[1,2,2,3]) {
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[1,2,2,3]  # t
  %y = Relu(%t) : f32[1,2,2,3]  # relu
}
)");
    CHECK(hasNote(notes, "node 't' (Transpose) not pushed down: its result is a graph output"));
  }
  SECTION("a binary op whose other operand is computed") {
    auto notes = refusals(R"(
graph g (%x: f32[1,3,2,2], %z: f32[1,2,2,3]) -> (%y: f32[1,2,2,3]) {
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[1,2,2,3]  # t
  %y = Add(%t, %z) : f32[1,2,2,3]  # add
}
)");
    CHECK(hasNote(
        notes,
        "not pushed below node 'add' (Add): operand 1 is neither a constant nor a Transpose"));
  }
  SECTION("a Concat with an input that is not transposed") {
    auto notes = refusals(R"(
graph g (%x: f32[1,3,2,2], %z: f32[1,2,2,3]) -> (%y: f32[1,2,2,6]) {
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[1,2,2,3]  # t
  %y = Concat(%t, %z) {axis=3} : f32[1,2,2,6]  # concat
}
)");
    CHECK(hasNote(notes, "not pushed below node 'concat' (Concat): operand 1 is not a Transpose"));
  }
  SECTION("a reduction that drops its axes") {
    auto notes = refusals(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,2,2]) -> (%y: f32[1,3]) {
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[1,2,2,3]  # t
  %y = ReduceMax(%t) {axes=[1,2], keepdims=0} : f32[1,3]  # max
}
)");
    CHECK(hasNote(notes, "(ReduceMax): keepdims=0 drops the reduced axes"));
  }
  SECTION("a Softmax before opset 13") {
    auto notes = refusals(R"(
model opsets=[ai.onnx:12]
graph g (%x: f32[1,3,2,2]) -> (%y: f32[1,2,2,3]) {
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[1,2,2,3]  # t
  %y = Softmax(%t) {axis=3} : f32[1,2,2,3]  # softmax
}
)");
    CHECK(hasNote(notes, "(Softmax): before opset 13"));
  }
  SECTION("a Pad with computed pads") {
    auto notes = refusals(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,2,2], %pads: i64[8]) -> (%y: f32[*]) {
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[1,2,2,3]  # t
  %y = Pad(%t, %pads) : f32[*]  # pad
}
)");
    CHECK(hasNote(notes, "(Pad): its pads are not constant"));
  }
}

TEST_CASE("level -O2 leaves an NHWC model with Transposes only at its input and output", "[passes]") {
  // As TensorFlow converters write it: each Conv wrapped in NHWC->NCHW and
  // back, bias Adds, a residual Add and a channel Concat in NHWC.
  const char* text = R"(
model opsets=[ai.onnx:13]
graph tf (%x: f32[1,4,4,3]) -> (%y: f32[1,4,4,8]) {
  %w1 = const f32[4,3,3,3]
  %b1 = const f32[4] [0.1,-0.2,0.3,-0.4]
  %w2 = const f32[4,4,3,3]
  %b2 = const f32[4] [0.5,0.25,-0.5,0.0]
  %w3 = const f32[4,4,1,1]
  %b3 = const f32[4] [-0.1,0.2,-0.3,0.4]
  %x_nchw = Transpose(%x) {perm=[0,3,1,2]}  # in1
  %c1 = Conv(%x_nchw, %w1) {pads=[1,1,1,1]}  # conv1
  %c1_nhwc = Transpose(%c1) {perm=[0,2,3,1]}  # out1
  %a1 = Add(%c1_nhwc, %b1)  # bias1
  %r1 = Relu(%a1)  # relu1
  %r1_nchw = Transpose(%r1) {perm=[0,3,1,2]}  # in2
  %c2 = Conv(%r1_nchw, %w2) {pads=[1,1,1,1]}  # conv2
  %c2_nhwc = Transpose(%c2) {perm=[0,2,3,1]}  # out2
  %a2 = Add(%c2_nhwc, %b2)  # bias2
  %s = Add(%r1, %a2)  # residual
  %r2 = Relu(%s)  # relu2
  %r2_nchw = Transpose(%r2) {perm=[0,3,1,2]}  # in3
  %c3 = Conv(%r2_nchw, %w3)  # conv3
  %c3_nhwc = Transpose(%c3) {perm=[0,2,3,1]}  # out3
  %a3 = Add(%c3_nhwc, %b3)  # bias3
  %g3 = Sigmoid(%a3)  # sigmoid3
  %y = Concat(%r2, %g3) {axis=3}  # concat
}
)";
  auto o2 = levelPipeline("O2");
  REQUIRE(o2);
  auto m = parseModelText(text);
  REQUIRE(m);
  runPasses(**m, *o2);
  const Graph& g = (*m)->graph;
  INFO(printGraph(g));
  size_t transposes = 0;
  for (const Node* n : g.nodes()) {
    if (n->opType() != "Transpose") continue;
    ++transposes;
    const bool atInput = n->input(0)->isGraphInput();
    const bool atOutput = n->output(0)->isGraphOutput();
    CHECK((atInput || atOutput));
  }
  CHECK(transposes == 2);
  CHECK(opCounts(**m)["Add"] == 1);  // the residual; the biases went into the Convs
  CHECK(opCounts(**m)["Conv"] == 3);
  // Moving Transposes is exact; -O2 also folds the biases into the Convs.
  requireSameOutputs(text, "push-transposes,merge-transposes", {1, 4, 4, 3});
  requireSameOutputs(text, *o2, {1, 4, 4, 3}, 1e-5);
}
