// fuse-conv-bn: an inference BatchNormalization that alone reads a Conv's
// output folds into the Conv's weights and bias:
//   W'[m] = W[m] * s[m],  b'[m] = (b[m] - mean[m]) * s[m] + beta[m],
//   s = gamma / sqrt(var + epsilon).
// Refused (and said so in --stats) when the Conv output has other readers,
// when a weight or BN parameter is not a constant, or for non-float types.
#include "ir/builder.h"
#include "passes/fusion_util.h"
#include "passes/pass.h"
#include "passes/rewire.h"
#include "passes/rewrite.h"

namespace nnport {

namespace {

// Why the pair cannot fuse, or empty.
std::string refusal(const Node& conv, const Node& bn) {
  if (!hasSoleReader(*conv.output(0))) return "its input has other consumers";
  if (auto why = fusedActivationRefusal(conv); !why.empty()) return why;
  const Value* w = conv.input(1);
  if (!w || !w->isConstant()) return "the Conv weight is not constant";
  if (!isFloatConstant(w)) return "the weight is not float32/float64";
  if (conv.input(2) && !isFloatConstant(conv.input(2)))
    return "the Conv bias is not a float constant";
  const auto& dims = w->initializer()->dims();
  return bnRefusal(bn, dims.empty() ? 0 : dims[0]);
}

// W' = W * scale (per output channel), b' = b * scale + shift.
void fold(Graph& g, Node& conv, Node& bn) {
  Value* w = conv.input(1);
  const BnAffine a = bnAffine(bn);
  std::vector<double> bias =
      conv.input(2) ? constantValues(*conv.input(2)) : std::vector<double>(a.scale.size(), 0.0);
  for (size_t c = 0; c < bias.size(); ++c) bias[c] = bias[c] * a.scale[c] + a.shift[c];
  const DType dtype = w->initializer()->dtype();
  Value* nw = scaleConstantRows(g, w, a.scale, w->name() + "_bn");
  Value* nb = uniqueConstant(g, bn.name().empty() ? "bn_bias" : bn.name() + "_bias",
                             realTensor(dtype, {static_cast<int64_t>(bias.size())}, bias));
  conv.setInput(1, nw);
  if (conv.numInputs() > 2)
    conv.setInput(2, nb);
  else
    conv.addInput(nb);
  bypass(g, bn.output(0), conv.output(0));
}

bool foldIntoConv(Node& bn, RewriteContext& ctx) {
  if (!bn.input(0) || !bn.output(0)) return false;
  Node* conv = bn.input(0)->producer();
  if (!conv || !isOp(*conv, "Conv")) return false;
  const std::string why = refusal(*conv, bn);
  if (!why.empty()) {
    ctx.note("{} not fused into {}: {}", bn.describe(), conv->describe(), why);
    return false;
  }
  if (!canBypass(*bn.output(0), *conv->output(0))) return false;
  fold(ctx.graph, *conv, bn);
  return true;
}

}  // namespace

Expected<PassResult> fuseConvBn(Model& m) {
  return runRewrite(m, {{"BatchNormalization"}, 0, foldIntoConv});
}

}  // namespace nnport
