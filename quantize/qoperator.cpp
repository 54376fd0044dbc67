#include "quantize/qoperator.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <unordered_set>

#include "ir/builder.h"
#include "ir/shape_inference.h"
#include "quantize/fuse_activation.h"
#include "quantize/weights.h"

namespace nnport::quant {
namespace {

// A DequantizeLinear's operands: the quantized data, scale and zero point
// (nullptr when omitted), and the axis of a per-axis scale (-1: per tensor).
struct Dequantized {
  Value *data = nullptr, *scale = nullptr, *zero = nullptr;
  int64_t axis = -1;
};

bool isOp(const Node* n, const char* op) {
  return n && n->opType() == op && (n->domain().empty() || n->domain() == "ai.onnx");
}

std::optional<Dequantized> dequantizedFrom(const Value* v) {
  const Node* dq = v ? v->producer() : nullptr;
  if (!isOp(dq, "DequantizeLinear") || !dq->input(1) || !dq->input(1)->isConstant()) return {};
  if (dq->input(2) && !dq->input(2)->isConstant()) return {};
  if (dq->attrInt("block_size") != 0) return {};
  Dequantized d{dq->input(0), dq->input(1), dq->input(2), -1};
  const Tensor& s = *d.scale->initializer();
  if (s.numElements() != 1) {
    const int64_t rank = static_cast<int64_t>(d.data->type.shape.rank());
    if (!d.data->type.shape.rankKnown() || s.dims().size() != 1) return {};
    d.axis = dq->attrInt("axis") < 0 ? dq->attrInt("axis") + rank : dq->attrInt("axis");
  }
  return d;
}

// The operands the rule quantizes, in input order; the bias is apart.
std::vector<size_t> quantizedOperands(const Node& n, const QuantizationRule& r) {
  std::vector<size_t> out;
  for (size_t i = 0; i < n.numInputs(); ++i) {
    const bool act = r.allInputs || std::find(r.activations.begin(), r.activations.end(),
                                              static_cast<int>(i)) != r.activations.end();
    if (n.input(i) && (act || static_cast<int>(i) == r.weight)) out.push_back(i);
  }
  return out;
}

class Converter {
 public:
  explicit Converter(Graph& g) : g_(g) {}

  // Empty when `n` was rewritten, else why not.
  std::string convert(Node* n) {
    const QuantizationRule& rule = *n->schema()->quantization;
    const OpSchema* target = OpRegistry::instance().find(rule.integerDomain, rule.integerOp);
    if (!target) return "no record for " + rule.integerOp;
    AttributeMap attrs;
    for (const Attribute& a : n->attrs.all()) {
      const AttrSpec* own = n->schema()->attr(a.name);
      if (target->attr(a.name))
        attrs.set(a);
      else if (!own || !own->defaultValue || !(*own->defaultValue == a))
        return fmt::format("{} takes no '{}'", rule.integerOp, a.name);
    }
    if (n->opType() == "Gemm" &&
        (n->attrFloat("alpha") != 1 || n->attrFloat("beta") != 1 || n->attrInt("transA") != 0))
      return "QGemm is written for alpha = beta = 1 and an untransposed A";
    // A Relu or Relu6 left between the op and its QuantizeLinear
    // (quantize/fuse_activation.h) is folded in: the output's grid does it.
    Node* act = activationOnGrid(n->output(0));
    Node* q = soleQuantizer(act ? act->output() : n->output(0));
    if (!q || n->numOutputs() != 1) return "its output is not quantized by one QuantizeLinear";
    std::vector<Value*> triples;
    Dequantized first, weight;
    for (size_t i : quantizedOperands(*n, rule)) {
      auto d = dequantizedFrom(n->input(i));
      if (!d) return fmt::format("operand {} is not read through a DequantizeLinear", i);
      const DType t = d->data->type.dtype;
      if (t != DType::Int8 && t != DType::UInt8)
        return fmt::format("operand {} is {}, not int8 or uint8", i, dtypeName(t));
      const bool isWeight = static_cast<int>(i) == rule.weight;
      if (d->axis >= 0 && (!isWeight || !weightAxisFits(*n, rule, *d)))
        return fmt::format("operand {} is quantized per axis {}", i, d->axis);
      if (isWeight) weight = *d;
      if (i == 0) first = *d;
      triples.insert(triples.end(), {d->data, d->scale, zeroOf(*d)});
    }
    std::vector<Value*> bias;
    if (rule.bias >= 0 && n->input(static_cast<size_t>(rule.bias))) {
      Value* b = integerBias(n->input(static_cast<size_t>(rule.bias)), first, weight);
      if (!b) return "its bias is not int32 with scale x_scale * w_scale";
      bias.push_back(b);
    }
    const std::vector<Value*> out{q->input(1), zeroOrDefault(q)};
    std::vector<Value*> ins;
    using Layout = QuantizationRule::IntegerLayout;
    const Layout layout = rule.integerLayout;
    if (layout == Layout::OutputFirst) ins = out;
    ins.insert(ins.end(), triples.begin(), triples.end());
    if (layout == Layout::BiasThenOutput) ins.insert(ins.end(), bias.begin(), bias.end());
    if (layout != Layout::OutputFirst) ins.insert(ins.end(), out.begin(), out.end());
    if (layout != Layout::BiasThenOutput) ins.insert(ins.end(), bias.begin(), bias.end());
    replace(n, q, act, rule, ins, attrs);
    return "";
  }

  bool usedContribOps() const { return contrib_; }
  bool erased(const Node* n) const { return erased_.count(n) != 0; }

 private:
  bool weightAxisFits(const Node& n, const QuantizationRule& r, const Dequantized& d) {
    if (!r.weightAxis || r.weightAxis(n) != d.axis) return false;
    // QLinearMatMul's per-column scale is defined for a 2-D B only.
    return n.opType() != "MatMul" || d.data->type.shape.rank() == 2;
  }

  Value* zeroOf(const Dequantized& d) {
    if (d.zero) return d.zero;
    const size_t count = static_cast<size_t>(d.scale->initializer()->numElements());
    return uniqueConstant(
        g_, d.data->name() + "_zero_point",
        integerTensor(d.data->type.dtype, std::vector<int64_t>(count, 0), d.axis < 0));
  }

  Value* zeroOrDefault(Node* q) {
    if (q->input(2)) return q->input(2);
    return uniqueConstant(g_, q->output()->name() + "_zero_point",
                          integerTensor(DType::UInt8, {0}, true));
  }

  // The bias's int32 data when its DequantizeLinear has scale x_scale *
  // w_scale (per channel) and zero point 0.
  Value* integerBias(Value* b, const Dequantized& x, const Dequantized& w) {
    auto d = dequantizedFrom(b);
    if (!d || !x.scale || !w.scale || !d->data->isConstant()) return nullptr;
    if (d->data->initializer()->dtype() != DType::Int32) return nullptr;
    if (d->zero)
      for (int64_t i = 0; i < d->zero->initializer()->numElements(); ++i)
        if (d->zero->initializer()->intAt(i) != 0) return nullptr;
    const Tensor &bs = *d->scale->initializer(), &ws = *w.scale->initializer();
    const double xs = x.scale->initializer()->floatAt(0);
    const int64_t channels = d->data->initializer()->numElements();
    for (const Tensor* s : {&bs, &ws})
      if (s->numElements() != 1 && s->numElements() != channels) return nullptr;
    for (int64_t c = 0; c < channels; ++c) {
      const double want = xs * ws.floatAt(ws.numElements() == 1 ? 0 : c);
      const double got = bs.floatAt(bs.numElements() == 1 ? 0 : c);
      if (std::fabs(got - want) > 1e-6 * std::fabs(want)) return nullptr;
    }
    return d->data;
  }

  void replace(Node* n, Node* q, Node* act, const QuantizationRule& rule,
               const std::vector<Value*>& ins, const AttributeMap& attrs) {
    Value* result = q->output();
    const std::string name = result->name(), nodeName = n->name();
    g_.renameValue(result, g_.uniqueName(name + "_replaced"));
    Node* k = g_.addNode(rule.integerOp, rule.integerDomain, ins, {name}, nodeName);
    k->attrs = attrs;
    k->output()->type = result->type;
    k->output()->quant = result->quant;
    g_.replaceAllUsesWith(result, k->output());
    for (Node* gone : {q, act, n})
      if (gone) {
        erased_.insert(gone);
        g_.eraseNode(gone);
      }
    contrib_ = contrib_ || !rule.integerDomain.empty();
  }

  Graph& g_;
  bool contrib_ = false;
  std::unordered_set<const Node*> erased_;  // freed: never dereferenced again
};

}  // namespace

Expected<QOperatorResult> toQOperator(Model& m) {
  QOperatorResult r;
  NNP_ASSIGN_OR_RETURN(std::vector<Node*> order, m.graph.topologicalOrder());
  Converter c(m.graph);
  for (Node* n : order) {
    if (c.erased(n)) continue;
    const OpSchema* s = n->schema();
    if (!s || !s->quantization) continue;
    if (!n->domain().empty() && n->domain() != "ai.onnx") continue;
    if (s->quantization->integerOp.empty()) {
      // Quantized but without an integer op: it runs as DQ -> op -> Q.
      if (n->numOutputs() == 1 && soleQuantizer(n->output(0)))
        r.kept.push_back({n->name(), n->opType(), "no integer form: stays DQ -> op -> Q"});
      continue;
    }
    const std::string op = s->quantization->integerOp;
    const std::string why = c.convert(n);
    if (why.empty())
      ++r.converted[op];
    else
      r.kept.push_back({n->name(), n->opType(), why});
  }
  // The DequantizeLinear nodes the integer ops no longer read.
  for (Node* n : m.graph.nodes())
    if (isOp(n, "DequantizeLinear") && !n->output()->hasUses() && !n->output()->isGraphOutput())
      m.graph.eraseNode(n);
  if (c.usedContribOps() && m.opsetFor(kMicrosoftDomain) == 0)
    m.opsets.push_back({kMicrosoftDomain, 1});
  m.graph.removeUnusedValues(false);
  NNP_RETURN_IF_ERROR(inferShapes(m).status());
  return r;
}

}  // namespace nnport::quant
