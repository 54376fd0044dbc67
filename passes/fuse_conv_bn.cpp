// fuse-conv-bn: an inference BatchNormalization that alone reads a Conv's
// output folds into the Conv's weights and bias:
//   W'[m] = W[m] * s[m],  b'[m] = (b[m] - mean[m]) * s[m] + beta[m],
//   s = gamma / sqrt(var + epsilon).
// Refused (and said so in --stats) when the Conv output has other readers,
// when a weight or BN parameter is not a constant, or for non-float types.
#include <cmath>

#include "passes/pass.h"
#include "passes/rewire.h"

namespace nnport {

namespace {

std::vector<double> values(const Value* v) {
  const TensorPtr& t = v->initializer();
  const size_t n = static_cast<size_t>(t->numElements());
  if (t->dtype() == DType::Float32) return std::vector<double>(t->data<float>(), t->data<float>() + n);
  if (t->dtype() == DType::Float64) return std::vector<double>(t->data<double>(), t->data<double>() + n);
  std::vector<double> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = t->floatAt(static_cast<int64_t>(i));
  return out;
}

Value* constantLike(Graph& g, const Value& like, const std::string& base, std::vector<int64_t> dims,
                    const std::vector<double>& v) {
  TensorPtr t;
  if (like.initializer()->dtype() == DType::Float64) {
    t = std::make_shared<Tensor>(Tensor::fromVector(DType::Float64, std::move(dims), v));
  } else {
    std::vector<float> f(v.begin(), v.end());
    t = std::make_shared<Tensor>(Tensor::fromVector(DType::Float32, std::move(dims), f));
  }
  return g.addInitializer(g.uniqueName(base), t);
}

// Why the pair cannot fuse, or empty.
std::string refusal(const Node& conv, const Node& bn) {
  if (conv.output(0)->uses().size() != 1 || conv.output(0)->isGraphOutput())
    return "its input has other consumers";
  if (bn.attrInt("training_mode", 0) != 0) return "it is in training mode";
  for (size_t i = 1; i < bn.numOutputs(); ++i)
    if (bn.output(i) && (bn.output(i)->hasUses() || bn.output(i)->isGraphOutput()))
      return "its running statistics outputs are used";
  for (size_t i = 1; i < 5; ++i)
    if (!bn.input(i) || !bn.input(i)->isConstant()) return "a BatchNormalization parameter is not constant";
  const Value* w = conv.input(1);
  if (!w || !w->isConstant()) return "the Conv weight is not constant";
  if (conv.input(2) && !conv.input(2)->isConstant()) return "the Conv bias is not constant";
  const DType d = w->initializer()->dtype();
  if (d != DType::Float32 && d != DType::Float64) return "the weight is not float32/float64";
  const int64_t m = w->initializer()->dims().empty() ? 0 : w->initializer()->dims()[0];
  for (size_t i = 1; i < 5; ++i)
    if (bn.input(i)->initializer()->numElements() != m) return "BatchNormalization parameters do not match the Conv's output channels";
  return "";
}

void fold(Graph& g, Node& conv, Node& bn) {
  const Value* w = conv.input(1);
  const std::vector<int64_t> wDims = w->initializer()->dims();
  const auto gamma = values(bn.input(1)), beta = values(bn.input(2));
  const auto mean = values(bn.input(3)), var = values(bn.input(4));
  const double eps = bn.attrFloat("epsilon", 1e-5f);
  const size_t m = gamma.size();
  std::vector<double> weights = values(w);
  std::vector<double> bias = conv.input(2) ? values(conv.input(2)) : std::vector<double>(m, 0.0);
  const size_t per = weights.size() / m;
  for (size_t c = 0; c < m; ++c) {
    const double s = gamma[c] / std::sqrt(var[c] + eps);
    for (size_t k = 0; k < per; ++k) weights[c * per + k] *= s;
    bias[c] = (bias[c] - mean[c]) * s + beta[c];
  }
  Value* nw = constantLike(g, *w, w->name() + "_bn", wDims, weights);
  Value* nb = constantLike(g, *w, bn.name().empty() ? "bn_bias" : bn.name() + "_bias",
                           {static_cast<int64_t>(m)}, bias);
  conv.setInput(1, nw);
  if (conv.numInputs() > 2) conv.setInput(2, nb);
  else conv.addInput(nb);
  bypass(g, bn.output(0), conv.output(0));
}

Expected<PassResult> fuseConvBn(Model& m) {
  PassResult res;
  Graph& g = m.graph;
  for (Node* bn : g.nodes()) {
    if (!isOp(*bn, "BatchNormalization") || !bn->input(0) || !bn->output(0)) continue;
    Node* conv = bn->input(0)->producer();
    if (!conv || !isOp(*conv, "Conv")) continue;
    const std::string why = refusal(*conv, *bn);
    if (!why.empty()) {
      res.notes.push_back(fmt::format("{} not fused into {}: {}", bn->describe(), conv->describe(), why));
      continue;
    }
    if (!canBypass(*bn->output(0), *conv->output(0))) continue;
    fold(g, *conv, *bn);
    ++res.changes;
  }
  return res;
}

}  // namespace

void registerFuseConvBnPass(PassRegistry& r) {
  r.add({"fuse-conv-bn", "fold an inference BatchNormalization into the Conv before it", fuseConvBn});
}

}  // namespace nnport
