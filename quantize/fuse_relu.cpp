#include "quantize/fuse_relu.h"

#include <limits>

#include "ir/ops/registry.h"

namespace nnport::quant {
namespace {

bool isOnnxOp(const Node* n, const char* op) {
  return n && n->opType() == op && (n->domain().empty() || n->domain() == "ai.onnx");
}

const Node* soleUser(const Value* v) {
  if (!v || v->isGraphOutput() || v->uses().size() != 1 || v->uses()[0].capture) return nullptr;
  return v->uses()[0].index == 0 ? v->uses()[0].user : nullptr;
}

bool zeroAtBottom(const Node* q) {
  const Value* z = q->input(2);
  if (!z) return true;  // uint8, zero point 0
  const Tensor& t = *z->initializer();
  if (t.numElements() != 1) return false;
  const int64_t lowest = t.dtype() == DType::Int8    ? std::numeric_limits<int8_t>::lowest()
                         : t.dtype() == DType::UInt8 ? 0
                                                     : 1;
  return t.intAt(0) == lowest;
}

}  // namespace

Node* soleQuantizer(const Value* v) {
  Node* q = const_cast<Node*>(soleUser(v));
  if (!isOnnxOp(q, "QuantizeLinear") || !q->input(1) || !q->input(1)->isConstant()) return nullptr;
  if (q->input(1)->initializer()->numElements() != 1) return nullptr;
  if (q->input(2) && !q->input(2)->isConstant()) return nullptr;
  return q;
}

Node* reluOnGrid(const Value* v) {
  Node* relu = const_cast<Node*>(soleUser(v));
  if (!isOnnxOp(relu, "Relu")) return nullptr;
  const Node* q = soleQuantizer(relu->output());
  return q && zeroAtBottom(q) ? relu : nullptr;
}

std::vector<std::string> fuseRelus(Graph& g) {
  std::vector<std::string> fused;
  for (Node* n : g.nodes()) {
    const OpSchema* s = n->schema();
    if (!s || !s->has(kFusedActivation) || !s->quantization || n->numOutputs() != 1) continue;
    Node* q = soleQuantizer(n->output());
    Node* dq = q ? const_cast<Node*>(soleUser(q->output())) : nullptr;
    if (!isOnnxOp(dq, "DequantizeLinear") || !reluOnGrid(dq->output())) continue;
    Node* relu = dq->output()->uses()[0].user;
    relu->setInput(0, n->output());
    g.eraseNode(dq);
    g.eraseNode(q);
    fused.push_back(n->output()->name());
  }
  return fused;
}

}  // namespace nnport::quant
