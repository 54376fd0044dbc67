// fuse-conv-mul-add: a Mul or Add by a per-output-channel constant k that
// alone reads a Conv's output folds into the Conv (m is the output channel):
//   Mul: W'[m] = W[m] * k[m], b'[m] = b[m] * k[m];
//   Add: b'[m] = b[m] + k[m]   (a zero bias is made when the Conv has none).
// k is per channel when, aligned to the output's trailing dims, it has no
// more dims than the output and every dim is 1 except, at the channel
// axis, M: [M,1,1], [1,M,1,1], a scalar or any all-ones shape.
// Refused (noted): other readers of the Conv output, non-constant or
// non-float weights, bias or k, k of another dtype, k that broadcasts over
// anything but channels (it would change the output shape or vary per
// pixel), legacy Mul/Add with a broadcast attribute.
#include <optional>

#include "ir/builder.h"
#include "passes/fusion_util.h"
#include "passes/pass.h"
#include "passes/rewire.h"
#include "passes/rewrite.h"

namespace nnport {

namespace {

// k as M per-channel factors, or nullopt when it is not per channel for an
// output of `rank` dims and M channels.
std::optional<std::vector<double>> perChannel(const Value& k, size_t rank, int64_t m) {
  const auto& kd = k.initializer()->dims();
  if (kd.size() > rank) return std::nullopt;
  bool channels = false;
  for (size_t i = 0; i < kd.size(); ++i) {
    const bool channelAxis = rank - kd.size() + i == 1;
    if (channelAxis && kd[i] == m)
      channels = true;
    else if (kd[i] != 1)
      return std::nullopt;
  }
  const std::vector<double> v = constantValues(k);
  if (channels) return v;
  return std::vector<double>(static_cast<size_t>(m), v.at(0));
}

std::string convRefusal(const Node& conv) {
  if (!hasSoleReader(*conv.output(0))) return "the Conv output has other consumers";
  if (auto why = fusedActivationRefusal(conv); !why.empty()) return why;
  const Value* w = conv.input(1);
  if (!isFloatConstant(w) || w->initializer()->dims().size() < 3)
    return "the Conv weight is not a float constant";
  if (conv.input(2) && !isFloatConstant(conv.input(2)))
    return "the Conv bias is not a float constant";
  return "";
}

// The per-channel factors of `op`'s constant operand, or the reason.
std::string factors(const Node& op, const Node& conv, std::vector<double>& out) {
  if (op.attrs.find("broadcast")) return "legacy broadcast attribute (opset < 7)";
  const std::string why = convRefusal(conv);
  if (!why.empty()) return why;
  const Value* k = op.input(0) == conv.output(0) ? op.input(1) : op.input(0);
  const TensorPtr& w = conv.input(1)->initializer();
  if (!isFloatConstant(k) || k->initializer()->dtype() != w->dtype())
    return "the constant is not of the weight's dtype";
  auto f = perChannel(*k, w->dims().size(), w->dims()[0]);
  if (!f)
    return fmt::format("the constant of shape {} is not per output channel",
                       Shape::ofSizes(k->initializer()->dims()).str());
  out = std::move(*f);
  return "";
}

void fold(Graph& g, Node& conv, bool mul, const std::vector<double>& k) {
  const Value* w = conv.input(1);
  const DType d = w->initializer()->dtype();
  const size_t m = k.size();
  std::vector<double> bias =
      conv.input(2) ? constantValues(*conv.input(2)) : std::vector<double>(m, 0.0);
  if (mul) {
    std::vector<double> weights = constantValues(*w);
    const size_t per = weights.size() / m;
    for (size_t c = 0; c < m; ++c)
      for (size_t i = 0; i < per; ++i) weights[c * per + i] *= k[c];
    conv.setInput(
        1, uniqueConstant(g, w->name() + "_mul", realTensor(d, w->initializer()->dims(), weights)));
  }
  for (size_t c = 0; c < m; ++c) bias[c] = mul ? bias[c] * k[c] : bias[c] + k[c];
  Value* nb = uniqueConstant(g, w->name() + (mul ? "_mul_bias" : "_add_bias"),
                             realTensor(d, {static_cast<int64_t>(m)}, bias));
  if (conv.numInputs() > 2)
    conv.setInput(2, nb);
  else
    conv.addInput(nb);
}

// The Conv that produces one operand of `op` when the other is a constant
// (the pattern; anything else is not a candidate and gets no note).
Node* convOperand(const Node& op) {
  for (size_t i = 0; i < 2; ++i) {
    Node* p = op.input(i) ? op.input(i)->producer() : nullptr;
    if (p && isOp(*p, "Conv") && op.input(1 - i) && op.input(1 - i)->isConstant()) return p;
  }
  return nullptr;
}

bool foldIntoConv(Node& op, RewriteContext& ctx) {
  if (op.numInputs() != 2 || !op.output(0)) return false;
  Node* conv = convOperand(op);
  if (!conv) return false;
  std::vector<double> k;
  std::string why = factors(op, *conv, k);
  if (why.empty() && !canBypass(*op.output(0), *conv->output(0)))
    why = "its output cannot be renamed";
  if (!why.empty()) {
    ctx.note("{} not fused into {}: {}", op.describe(), conv->describe(), why);
    return false;
  }
  fold(ctx.graph, *conv, isOp(op, "Mul"), k);
  bypass(ctx.graph, op.output(0), conv->output(0));
  return true;
}

}  // namespace

Expected<PassResult> fuseConvMulAdd(Model& m) {
  return runRewrite(m, {{"Mul", "Add"}, 0, foldIntoConv});
}

}  // namespace nnport
