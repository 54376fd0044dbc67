#include "quantize/fuse_activation.h"

#include <optional>

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

// The top of the grid's real range when its zero point is the lowest value of
// its type (the range starts at 0); nullopt otherwise.
std::optional<double> gridTopFromZero(const Node* q) {
  const Value* z = q->input(2);
  const double scale = q->input(1)->initializer()->floatAt(0);
  if (!z) return scale * 255.0;  // uint8, zero point 0
  const Tensor& t = *z->initializer();
  if (t.numElements() != 1) return std::nullopt;
  if (t.dtype() == DType::UInt8 && t.intAt(0) == 0) return scale * 255.0;
  if (t.dtype() == DType::Int8 && t.intAt(0) == -128) return scale * 255.0;
  return std::nullopt;
}

// A constant scalar operand or an attribute (Clip before opset 11).
std::optional<double> clipBound(const Node& clip, size_t input, const char* attr) {
  const Value* v = clip.input(input);
  if (v) {
    if (!v->isConstant() || v->initializer()->numElements() != 1) return std::nullopt;
    return v->initializer()->floatAt(0);
  }
  return clip.attrFloat(attr);
}

// The activation is the identity on a grid [0, top] that saturates.
bool onGrid(const Node& act, double top, double step) {
  if (isOnnxOp(&act, "Relu")) return true;
  if (!isOnnxOp(&act, "Clip")) return false;
  auto lo = clipBound(act, 1, "min"), hi = clipBound(act, 2, "max");
  // A value within half a step above max rounds to the level of max.
  return lo && hi && *lo == 0 && top <= *hi + step / 2;
}

}  // namespace

Node* soleQuantizer(const Value* v) {
  Node* q = const_cast<Node*>(soleUser(v));
  if (!isOnnxOp(q, "QuantizeLinear") || !q->input(1) || !q->input(1)->isConstant()) return nullptr;
  if (q->input(1)->initializer()->numElements() != 1) return nullptr;
  if (q->input(2) && !q->input(2)->isConstant()) return nullptr;
  return q;
}

Node* activationOnGrid(const Value* v) {
  Node* act = const_cast<Node*>(soleUser(v));
  if (!act) return nullptr;
  const Node* q = soleQuantizer(act->output());
  if (!q) return nullptr;
  const auto top = gridTopFromZero(q);
  const double step = q->input(1)->initializer()->floatAt(0);
  return top && onGrid(*act, *top, step) ? act : nullptr;
}

std::vector<std::string> fuseActivations(Graph& g) {
  struct Match {
    Node *producer, *q, *dq;
  };
  std::vector<Match> matches;  // found first: erasing would free nodes still to visit
  for (Node* n : g.nodes()) {
    const OpSchema* s = n->schema();
    if (!s || !s->has(kFusedActivation) || !s->quantization || n->numOutputs() != 1) continue;
    Node* q = soleQuantizer(n->output());
    Node* dq = q ? const_cast<Node*>(soleUser(q->output())) : nullptr;
    if (isOnnxOp(dq, "DequantizeLinear") && activationOnGrid(dq->output()))
      matches.push_back({n, q, dq});
  }
  std::vector<std::string> fused;
  for (const Match& m : matches) {
    m.dq->output()->uses()[0].user->setInput(0, m.producer->output());
    g.eraseNode(m.dq);
    g.eraseNode(m.q);
    fused.push_back(m.producer->output()->name());
  }
  return fused;
}

}  // namespace nnport::quant
