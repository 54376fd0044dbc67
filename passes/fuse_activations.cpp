// fuse-activations: an activation that alone reads the float output of a
// node whose op record has the kFusedActivation trait (Conv, ConvTranspose,
// Gemm, MatMul) becomes an IR-level fused activation of that node
// (ir/fused_activation.h): an op whose record is marked fusable (Relu,
// LeakyRelu, Clip (Relu6) with constant bounds, Sigmoid, Tanh, HardSigmoid,
// HardSwish, Elu), and the Swish/SiLU pattern x * Sigmoid(x). The pattern matcher is the
// interpreter's run-time one (exec/fusion.h), so what the edge
// emitters see fused is exactly what the interpreter fuses.
// Lenient shape inference runs first (output types decide). Refused
// (noted): a node that already has a fused activation (the second one would
// need a chain), a non-float32 output.
#include "exec/fusion.h"
#include "ir/fused_activation.h"
#include "ir/ops/registry.h"
#include "ir/shape_inference.h"
#include "passes/pass.h"
#include "passes/rewire.h"
#include "passes/rewrite.h"

namespace nnport {

namespace {

std::string refusal(const Node& producer) {
  if (hasFusedActivation(producer)) {
    auto act = fusedActivation(producer);
    return fmt::format("it already has the fused activation {}",
                       act && *act ? (*act)->op : std::string("(invalid)"));
  }
  const DType t = producer.output(0)->type.dtype;
  if (t != DType::Float32) return fmt::format("its output is {}, not f32", dtypeName(t));
  return "";
}

bool fuseInto(Node& producer, RewriteContext& ctx) {
  if (!producer.output(0)) return false;
  auto match = exec::matchActivation(producer);
  if (!match) return false;
  const std::string why = refusal(producer);
  if (!why.empty()) {
    ctx.note("{} not fused into {}: {}", match->absorbed.back()->describe(), producer.describe(),
             why);
    return false;
  }
  Value* result = const_cast<Value*>(match->result);
  if (!canBypass(*result, *producer.output(0))) return false;
  setFusedActivation(producer, match->act);
  bypass(ctx.graph, result, producer.output(0));  // erases the node producing `result`
  for (const Node* a : match->absorbed)
    if (a != match->absorbed.back()) ctx.graph.eraseNode(const_cast<Node*>(a));
  return true;
}

}  // namespace

Expected<PassResult> fuseActivations(Model& m) {
  NNP_RETURN_IF_ERROR(inferShapes(m).status());  // imported models often lack intermediate types
  return runRewrite(m, {{}, kFusedActivation, fuseInto});
}

}  // namespace nnport
