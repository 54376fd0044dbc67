// fuse-pad: a constant-mode Pad with constant, non-negative pads on the
// spatial dims only (N and C pads zero), read only by one Conv, MaxPool or
// AveragePool (auto_pad NOTSET, ceil_mode 0), is dropped and its pads are
// added to the consumer's `pads`, when that is exact:
//   Conv: the pad value is 0 (Conv's own padding reads zeros);
//   AveragePool: the pad value is 0 and the padded cells count in the
//     divisor: count_include_pad = 1, or the pool has no pads of its own,
//     then count_include_pad is set to 1 (every divisor is still the full
//     kernel, as each window lies in the padded tensor);
//   MaxPool: the pad value is -inf, since MaxPool's padding is ignored,
//     i.e. acts as -inf. Zero padding is refused: it differs wherever a
//     window's real values are all negative, and knowing the input is
//     non-negative (after Relu) would still leave windows that lie wholly
//     in the padding. The Indices output must be unused (its coordinates
//     would shift).
// ceil_mode is refused for pools: which trailing windows exist depends on
// whether the cells they start in are input or padding.
#include <cmath>

#include "ir/constant.h"
#include "passes/fusion_util.h"
#include "passes/pass.h"
#include "passes/rewire.h"
#include "passes/rewrite.h"

namespace nnport {

namespace {

using Ints = std::vector<int64_t>;

// The consumer's rank (the Conv weight's, or pool kernel dims + 2), or 0.
size_t consumerRank(const Node& q) {
  if (isOp(q, "Conv")) {
    const Value* w = q.input(1);
    if (w && w->type.shape.rankKnown()) return w->type.shape.rank();
    return w && w->isConstant() ? w->initializer()->dims().size() : 0;
  }
  return q.attrInts("kernel_shape").size() + 2;
}

// The Pad's pads over all `rank` dims ([begin..., end...]), or the reason.
std::string padsOf(const Node& pad, int64_t opset, size_t rank, Ints& full) {
  Ints pads, axes;
  if (opset >= 11) {
    auto given = constantInts(pad.input(1));
    if (!given) return "the pads are not constant";
    pads = *given;
  } else {
    auto a = pad.attrs.getInts(opset < 2 ? "paddings" : "pads");
    if (!a) return "the pads are missing";
    pads = *a;
  }
  if (pad.input(3)) {
    auto given = constantInts(pad.input(3));
    if (!given) return "the axes are not constant";
    axes = *given;
  }
  if (axes.empty())
    for (size_t i = 0; i < rank; ++i) axes.push_back(static_cast<int64_t>(i));
  const size_t k = axes.size();
  if (pads.size() != 2 * k) return "the pads do not match the consumer's rank";
  full.assign(2 * rank, 0);
  for (size_t i = 0; i < k; ++i) {
    const int64_t a = axes[i] < 0 ? axes[i] + static_cast<int64_t>(rank) : axes[i];
    if (a < 0 || a >= static_cast<int64_t>(rank)) return "an axis is out of range";
    full[static_cast<size_t>(a)] = pads[i];
    full[static_cast<size_t>(a) + rank] = pads[i + k];
  }
  for (int64_t p : full)
    if (p < 0) return "negative pads crop";
  if (full[0] || full[1] || full[rank] || full[rank + 1]) return "it pads the batch or channel dim";
  return "";
}

// The constant pad value, or nullopt with the reason.
std::optional<double> padValue(const Node& pad, int64_t opset, std::string& why) {
  if (pad.attrString("mode") != "constant")
    why = "its mode is not constant";
  else if (opset < 11)
    return pad.attrFloat("value");
  else if (!pad.input(2))
    return 0.0;
  else if (!pad.input(2)->isConstant())
    why = "the pad value is not constant";
  else if (pad.input(2)->initializer()->numElements() == 0)
    return 0.0;
  else
    return pad.input(2)->initializer()->floatAt(0);
  return std::nullopt;
}

// What the consumer needs of the pad value and its own attributes, or the
// reason it cannot take the pads.
std::string consumerRefusal(const Node& q, double value, bool& setIncludePad) {
  if (q.attrString("auto_pad") != "NOTSET") return "the consumer's auto_pad is not NOTSET";
  if (isOp(q, "Conv")) return value == 0.0 ? "" : "the pad value is not 0";
  if (q.attrInt("ceil_mode") != 0) return "the pool uses ceil_mode";
  if (isOp(q, "MaxPool")) {
    if (q.output(1) && (q.output(1)->hasUses() || q.output(1)->isGraphOutput()))
      return "MaxPool's Indices are used";
    return std::isinf(value) && value < 0
               ? ""
               : "MaxPool ignores its padding (-inf); the pad value is not -inf";
  }
  if (value != 0.0) return "the pad value is not 0";
  if (q.attrInt("count_include_pad") != 0) return "";
  for (int64_t p : q.attrInts("pads"))
    if (p != 0) return "count_include_pad is 0 and the pool has pads of its own";
  setIncludePad = true;
  return "";
}

std::string refusal(const Node& pad, const Node& q, int64_t opset, Ints& full,
                    bool& setIncludePad) {
  if (!hasSoleReader(*pad.output(0))) return "its output has other consumers";
  const size_t rank = consumerRank(q);
  if (rank < 3) return "the consumer's rank is unknown";
  std::string why;
  const std::optional<double> value = padValue(pad, opset, why);
  if (!value) return why;
  why = padsOf(pad, opset, rank, full);
  return why.empty() ? consumerRefusal(q, *value, setIncludePad) : why;
}

void fold(Graph& g, Node& pad, Node& q, const Ints& full, bool setIncludePad) {
  const size_t rank = full.size() / 2, spatial = rank - 2;
  Ints pads = q.attrInts("pads");
  pads.resize(2 * spatial, 0);
  for (size_t i = 0; i < spatial; ++i) {
    pads[i] += full[i + 2];
    pads[spatial + i] += full[rank + i + 2];
  }
  q.attrs.set(Attribute::ofInts("pads", pads));
  if (setIncludePad) q.attrs.set(Attribute::ofInt("count_include_pad", 1));
  q.setInput(0, pad.input(0));
  g.eraseNode(&pad);
}

// q = Conv/MaxPool/AveragePool reading Pad(x): q reads x with the pads.
bool foldPadInto(Node& q, RewriteContext& ctx) {
  if (!q.input(0)) return false;
  Node* pad = q.input(0)->producer();
  if (!pad || !isOp(*pad, "Pad")) return false;
  Ints full;
  bool setIncludePad = false;
  const std::string why = refusal(*pad, q, ctx.model.opsetFor(""), full, setIncludePad);
  if (!why.empty()) {
    ctx.note("{} not fused into {}: {}", pad->describe(), q.describe(), why);
    return false;
  }
  fold(ctx.graph, *pad, q, full, setIncludePad);
  return true;
}

}  // namespace

Expected<PassResult> fusePad(Model& m) {
  return runRewrite(m, {{"Conv", "MaxPool", "AveragePool"}, 0, foldPadInto});
}

}  // namespace nnport
