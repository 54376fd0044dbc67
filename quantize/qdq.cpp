#include "quantize/qdq.h"

#include <algorithm>
#include <map>

#include "ir/builder.h"
#include "ir/shape_inference.h"
#include "quantize/fuse_activation.h"
#include "quantize/weights.h"

namespace nnport::quant {
namespace {

// Every readers of `from` except `except` (and subgraph captures) reads `to`.
void redirectUses(Graph& g, Value* from, Value* to, const Node* except) {
  const std::vector<Use> uses = from->uses();
  for (const Use& u : uses)
    if (!u.capture && u.user != except) u.user->setInput(u.index, to);
  std::vector<Value*> outs = g.outputs();
  for (Value*& o : outs)
    if (o == from) o = to;
  g.setOutputs(std::move(outs));
}

class QdqWriter {
 public:
  QdqWriter(Model& m, const QuantizeOptions& o, QuantizeResult& r)
      : g_(m.graph), o_(o), r_(r), perAxis_(m.opsetFor("") >= 13) {}

  bool perAxis() const { return perAxis_; }

  // The float tensor `v` as read through its Q/DQ pair (made once).
  Value* activation(Value* v, const Affine& a) {
    auto it = activations_.find(v);
    if (it != activations_.end()) return it->second;
    const std::string base = v->name();
    if (v->isGraphOutput()) g_.renameValue(v, g_.uniqueName(base + "_float"));
    const QType t = o_.scheme.activation.type;
    Value* scale = uniqueConstant(g_, base + "_scale", scalarFloat(a.scale));
    Value* zero =
        uniqueConstant(g_, base + "_zero_point", integerTensor(storageOf(t), {a.zeroPoint}, true));
    Node* q = g_.addNode("QuantizeLinear", "", {v, scale, zero},
                         {g_.uniqueName(base + "_quantized")}, g_.uniqueName(base + "_Quantize"));
    q->output()->quant = QuantParams{{a.scale}, {a.zeroPoint}, -1, storageOf(t)};
    const std::string dqName = v->isGraphOutput() ? base : g_.uniqueName(base + "_dequantized");
    Node* dq = g_.addNode("DequantizeLinear", "", {q->output(), scale, zero}, {dqName},
                          g_.uniqueName(base + "_Dequantize"));
    redirectUses(g_, v, dq->output(), q);
    activations_[v] = dq->output();
    return dq->output();
  }

  // A constant stored quantized, read through one DequantizeLinear.
  Value* constant(Value* w, int64_t axis, const TensorScheme& s, QuantizedTensor* out) {
    const auto key = std::make_pair(w, axis);
    auto it = constants_.find(key);
    if (it != constants_.end()) {
      if (out) *out = it->second.second;
      return it->second.first;
    }
    QuantizedTensor q = quantizeWeight(*w->initializer(), axis, s);
    Value* data = uniqueConstant(g_, w->name() + "_quantized", q.data);
    data->quant = QuantParams{q.scales, q.zeroPoints, axis, storageOf(s.type)};
    Value* dq = dequantize(data, q.scales, q.zeroPoints, storageOf(s.type), axis, w->name());
    constants_[key] = {dq, q};
    ++r_.weights;
    if (out) *out = q;
    return dq;
  }

  Value* bias(Value* b, float inputScale, const QuantizedTensor& w) {
    TensorPtr data = quantizeBias(*b->initializer(), inputScale, w.scales);
    std::vector<float> scales;
    for (float s : w.scales) scales.push_back(inputScale * s);
    Value* q = uniqueConstant(g_, b->name() + "_quantized", data);
    q->quant = QuantParams{scales, std::vector<int64_t>(scales.size(), 0), w.axis >= 0 ? 0 : -1,
                           DType::Int32};
    return dequantize(q, scales, {}, DType::Int32, w.axis >= 0 ? 0 : -1, b->name());
  }

 private:
  Value* dequantize(Value* data, const std::vector<float>& scales,
                    const std::vector<int64_t>& zeros, DType storage, int64_t axis,
                    const std::string& base) {
    const bool scalar = axis < 0;
    std::vector<int64_t> dims;
    if (!scalar) dims.push_back(static_cast<int64_t>(scales.size()));
    Value* scale =
        uniqueConstant(g_, base + "_scale",
                       std::make_shared<Tensor>(Tensor::fromVector(DType::Float32, dims, scales)));
    std::vector<Value*> ins{data, scale};
    if (!zeros.empty())
      ins.push_back(
          uniqueConstant(g_, base + "_zero_point", integerTensor(storage, zeros, scalar)));
    std::vector<Attribute> attrs;
    if (!scalar) attrs.push_back(Attribute::ofInt("axis", axis));
    Node* dq = addNodeWith(g_, "DequantizeLinear", ins, {g_.uniqueName(base + "_dequantized")},
                           g_.uniqueName(base + "_Dequantize"), std::move(attrs));
    return dq->output();
  }

  Graph& g_;
  const QuantizeOptions& o_;
  QuantizeResult& r_;
  bool perAxis_;
  std::map<Value*, Value*> activations_;
  std::map<std::pair<Value*, int64_t>, std::pair<Value*, QuantizedTensor>> constants_;
};

// The calibrated affine map of every observed tensor that a sample reached.
std::map<std::string, Affine> chooseParams(const Calibration& cal, const QuantizeOptions& o,
                                           QuantizeResult& r) {
  std::map<std::string, Affine> out;
  for (const auto& [name, st] : cal.tensors) {
    if (st.samples == 0) continue;
    const TensorScheme& s = o.scheme.activation;
    const RealRange range = chooseRange(st, o.method, o.percentile, s);
    const Affine a = affineFor(range.min, range.max, s);
    out[name] = a;
    r.tensors.push_back({name, s.type, a, range, st.min, st.max, clippedFraction(st, range)});
  }
  return out;
}

struct NodeOperands {
  const PlannedNode* plan;
  std::vector<Value*> values;  // per planned operand, before any rewrite
  Value* output;
};

}  // namespace

Expected<QuantizeResult> insertQdq(Model& m, const QuantPlan& plan, const Calibration& cal,
                                   const QuantizeOptions& o) {
  if (m.opsetFor("") < 10)
    return Status::unsupported(
        "quantization needs ONNX opset 10 or later (QuantizeLinear); the "
        "model imports opset {}",
        m.opsetFor(""));
  QuantizeResult r;
  r.kept = plan.kept;
  const std::map<std::string, Affine> params = chooseParams(cal, o, r);
  // Operands as planned, before the rewrite moves readers onto Q/DQ outputs.
  std::vector<NodeOperands> work;
  for (const PlannedNode& p : plan.nodes) {
    NodeOperands w{&p, {}, p.node->output(0)};
    for (const auto& op : p.operands) w.values.push_back(p.node->input(op.index));
    work.push_back(std::move(w));
  }
  QdqWriter writer(m, o, r);
  if (o.scheme.perChannel && !writer.perAxis())
    r.notes.push_back(
        fmt::format("weights quantized per tensor: per-channel needs opset 13, the "
                    "model imports {}",
                    m.opsetFor("")));
  for (const NodeOperands& w : work) {
    Node* n = w.plan->node;
    auto paramsOf = [&](const Value* v) -> const Affine* {
      auto it = params.find(v->name());
      return it == params.end() ? nullptr : &it->second;
    };
    std::string missing;
    for (size_t k = 0; k < w.values.size(); ++k)
      if (w.plan->operands[k].role == OperandRole::Activation && !paramsOf(w.values[k]))
        missing = w.values[k]->name();
    if (missing.empty() && !paramsOf(w.output)) missing = w.output->name();
    if (!missing.empty()) {
      r.kept.push_back(
          {n->name(), n->opType(), fmt::format("'{}' was not reached by calibration", missing)});
      continue;
    }
    const QuantizationRule& rule = *n->schema()->quantization;
    QuantizedTensor weight;
    bool weightDone = false;
    for (size_t k = 0; k < w.values.size(); ++k) {
      Value* v = w.values[k];
      const size_t idx = w.plan->operands[k].index;
      switch (w.plan->operands[k].role) {
        case OperandRole::Activation:
          n->setInput(idx, writer.activation(v, *paramsOf(v)));
          break;
        case OperandRole::Constant:
          n->setInput(idx, writer.constant(v, -1, o.scheme.activation, nullptr));
          break;
        case OperandRole::Weight: {
          int64_t axis = -1;
          if (o.scheme.perChannel && writer.perAxis() && rule.weightAxis)
            axis = rule.weightAxis(*n);
          if (axis >= static_cast<int64_t>(v->initializer()->dims().size())) axis = -1;
          n->setInput(idx, writer.constant(v, axis, o.scheme.weight, &weight));
          weightDone = true;
          break;
        }
        case OperandRole::Bias: {
          const Value* x = w.values[0];
          const bool fits = v->initializer()->dims().size() == 1 &&
                            (weight.axis < 0 || v->initializer()->numElements() ==
                                                    static_cast<int64_t>(weight.scales.size()));
          if (weightDone && fits && paramsOf(x))
            n->setInput(idx, writer.bias(v, paramsOf(x)->scale, weight));
          break;
        }
      }
    }
    r.outputs.push_back(w.output->name());  // before a graph output's rename
    writer.activation(w.output, *paramsOf(w.output));
    r.nodes.push_back(n->name());
  }
  // A fused activation's input is no longer quantized: drop it from the report.
  for (const std::string& name : fuseActivations(m.graph)) {
    auto& t = r.tensors;
    t.erase(std::remove_if(t.begin(), t.end(), [&](const auto& e) { return e.name == name; }),
            t.end());
  }
  m.graph.removeUnusedValues(false);
  NNP_RETURN_IF_ERROR(inferShapes(m).status());
  return r;
}

}  // namespace nnport::quant
