// push-transposes: an NHWC model through -O2, compared before and after
// through the interpreter. Each reader family as a rewrite, and the
// refusals with their notes: tests/passes/push-transposes-*.nnir.
#include <catch2/catch.hpp>

#include "tests/unit/pass_test_util.h"

using namespace nnport;
using namespace nnport::testing;

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
