// merge-reshapes: shape-only chains collapse.
// - Reshape(Reshape(x, s1), s2) -> Reshape(x, s2) when the inner result has
//   no other reader and s2 is a constant without 0 entries (a 0 would copy
//   a dim of the inner result), or has allowzero=1;
// - Unsqueeze(Squeeze(x, a), a) and Squeeze(Unsqueeze(x, a), a) -> x, with
//   the same constant axes (inputs from opset 13, attributes before), all
//   non-negative or the rank known to normalize them.
#include <algorithm>

#include "ir/constant.h"
#include "passes/fusion_util.h"
#include "passes/pass.h"
#include "passes/rewire.h"
#include "passes/rewrite.h"

namespace nnport {

namespace {

// Squeeze/Unsqueeze axes, sorted and made non-negative against `rank`.
std::optional<std::vector<int64_t>> axesOf(const Node& n, std::optional<size_t> rank) {
  std::optional<std::vector<int64_t>> a =
      n.numInputs() > 1 ? constantInts(n.input(1))
                        : std::optional<std::vector<int64_t>>(n.attrInts("axes"));
  if (!a || a->empty()) return std::nullopt;
  for (int64_t& v : *a) {
    if (v < 0 && !rank) return std::nullopt;
    if (v < 0) v += static_cast<int64_t>(*rank);
  }
  std::sort(a->begin(), a->end());
  return a;
}

bool inversePair(const Node& inner, const Node& outer) {
  const bool sq = isOp(inner, "Squeeze") && isOp(outer, "Unsqueeze");
  const bool unsq = isOp(inner, "Unsqueeze") && isOp(outer, "Squeeze");
  if (!sq && !unsq) return false;
  // Unsqueeze's axes refer to its output rank, Squeeze's to its input rank:
  // in both pairs that is the rank of x plus (Unsqueeze first) the new dims.
  std::optional<size_t> rank = knownRank(*inner.input(0));
  if (rank && unsq) *rank += axesOf(inner, std::nullopt).value_or(std::vector<int64_t>{}).size();
  auto a = axesOf(inner, rank), b = axesOf(outer, rank);
  return a && b && *a == *b;
}

bool mergeableReshape(const Node& inner, const Node& outer) {
  if (!isOp(inner, "Reshape") || !isOp(outer, "Reshape")) return false;
  auto shape = constantInts(outer.input(1));
  if (!shape) return false;
  return outer.attrInt("allowzero") != 0 ||
         std::find(shape->begin(), shape->end(), 0) == shape->end();
}

// outer reading inner's sole result: one Reshape, or none for an undone
// Squeeze/Unsqueeze pair.
bool mergeWithProducer(Node& outer, RewriteContext& ctx) {
  if (!outer.input(0)) return false;
  Node* inner = outer.input(0)->producer();
  if (!inner || !inner->input(0) || !hasSoleReader(*inner->output(0))) return false;
  Value* x = inner->input(0);
  if (mergeableReshape(*inner, outer)) {
    outer.setInput(0, x);
    ctx.graph.eraseNode(inner);
    return true;
  }
  if (inversePair(*inner, outer) && canBypass(*outer.output(0), *x)) {
    bypass(ctx.graph, outer.output(0), x);
    ctx.graph.eraseNode(inner);
    return true;
  }
  return false;
}

}  // namespace

Expected<PassResult> mergeReshapes(Model& m) {
  return runRewrite(m, {{"Reshape", "Squeeze", "Unsqueeze"}, 0, mergeWithProducer});
}

}  // namespace nnport
