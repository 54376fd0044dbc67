// push-transposes: refusals and their notes (the graph left as it is),
// and an NHWC model through -O2, compared before and after through the
// interpreter. Each reader family as a rewrite:
// passes_layout_rewrites_test.cpp.
#include <catch2/catch.hpp>

#include "tests/unit/pass_test_util.h"

using namespace nnport;
using namespace nnport::testing;

namespace {

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
  SECTION("a Squeeze without axes of an input with a symbolic dim") {
    auto notes = refusals(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[N,3,1,1]) -> (%y: f32[*]) {
  %t = Transpose(%x) {perm=[0,2,3,1]} : f32[N,1,1,3]  # t
  %y = Squeeze(%t) : f32[*]  # squeeze
}
)");
    CHECK(hasNote(notes, "(Squeeze): it has no axes and its input has a symbolic dim"));
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

TEST_CASE("level -O2 leaves an NHWC model with Transposes only at its input and output",
          "[passes]") {
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
