// merge-transposes: Transpose(Transpose(x, p1), p2) whose inner result has
// no other reader becomes one Transpose(x, c) with c[i] = p1[p2[i]], or
// nothing when c is the identity (the NCHW->NHWC->NCHW pairs converters
// leave behind). A missing perm (reverse the dims) needs the rank: from the
// other perm or the input's type; otherwise the pair is left alone.
#include <numeric>

#include "ir/permutation.h"
#include "passes/fusion_util.h"
#include "passes/pass.h"
#include "passes/rewire.h"
#include "passes/rewrite.h"

namespace nnport {

namespace {

std::optional<std::vector<int64_t>> permOf(const Node& t, std::optional<size_t> rank) {
  std::vector<int64_t> p = t.attrInts("perm");
  if (!p.empty()) return p;
  if (!rank) return std::nullopt;
  p.resize(*rank);
  std::iota(p.rbegin(), p.rend(), 0);
  return p;
}

// outer = Transpose(inner = Transpose(x)): one Transpose, or none.
bool mergePair(Node& outer, RewriteContext& ctx) {
  Graph& g = ctx.graph;
  if (!outer.input(0)) return false;
  Node* inner = outer.input(0)->producer();
  if (!inner || !isOp(*inner, "Transpose") || !inner->input(0) || !hasSoleReader(*inner->output(0)))
    return false;
  std::optional<size_t> rank = knownRank(*inner->input(0));
  if (!inner->attrInts("perm").empty()) rank = inner->attrInts("perm").size();
  if (!outer.attrInts("perm").empty()) rank = outer.attrInts("perm").size();
  auto p1 = permOf(*inner, rank), p2 = permOf(outer, rank);
  if (!p1 || !p2 || p1->size() != p2->size() || !isPermutation(*p1) || !isPermutation(*p2))
    return false;
  const Perm c = composePerms(*p1, *p2);
  Value* x = inner->input(0);
  if (isIdentityPerm(c)) {
    if (!canBypass(*outer.output(0), *x)) return false;
    bypass(g, outer.output(0), x);  // erases outer; inner is now unread
    g.eraseNode(inner);
  } else {
    Node* merged = replaceChain(g, {inner, &outer}, "Transpose", {x});
    merged->attrs.set(Attribute::ofInts("perm", c));
  }
  return true;
}

}  // namespace

Expected<PassResult> mergeTransposes(Model& m) {
  return runRewrite(m, {{"Transpose"}, 0, mergePair});
}

}  // namespace nnport
