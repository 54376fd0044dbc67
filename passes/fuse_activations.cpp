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
#include <unordered_set>

#include "exec/fusion.h"
#include "ir/fused_activation.h"
#include "ir/ops/registry.h"
#include "ir/shape_inference.h"
#include "passes/pass.h"
#include "passes/rewire.h"

namespace nnport {

namespace {

// The record says whether the node may carry a fused activation.
bool fusableProducer(const Node& n) {
  const bool onnx = n.domain().empty() || n.domain() == "ai.onnx";
  return onnx && n.schema() && n.schema()->has(kFusedActivation);
}

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

}  // namespace

Expected<PassResult> fuseActivations(Model& m) {
  PassResult res;
  Graph& g = m.graph;
  NNP_RETURN_IF_ERROR(inferShapes(m).status());  // imported models often lack intermediate types
  std::unordered_set<const Node*> gone;
  for (Node* n : g.nodes()) {
    if (gone.count(n) || !fusableProducer(*n) || !n->output(0)) continue;
    auto match = exec::matchActivation(*n);
    if (!match) continue;
    const std::string why = refusal(*n);
    if (!why.empty()) {
      res.notes.push_back(fmt::format("{} not fused into {}: {}",
                                      match->absorbed.back()->describe(), n->describe(), why));
      continue;
    }
    Value* result = const_cast<Value*>(match->result);
    if (!canBypass(*result, *n->output(0))) continue;
    setFusedActivation(*n, match->act);
    bypass(g, result, n->output(0));  // erases the node producing `result`
    for (const Node* a : match->absorbed) {
      gone.insert(a);
      if (a != match->absorbed.back()) g.eraseNode(const_cast<Node*>(a));
    }
    ++res.changes;
  }
  return res;
}

}  // namespace nnport
