// merge-transposes: Transpose(Transpose(x, p1), p2) whose inner result has
// no other reader becomes one Transpose(x, c) with c[i] = p1[p2[i]], or
// nothing when c is the identity (the NCHW->NHWC->NCHW pairs converters
// leave behind). A missing perm (reverse the dims) needs the rank: from the
// other perm or the input's type; otherwise the pair is left alone.
#include <numeric>
#include <unordered_set>

#include "ir/permutation.h"
#include "passes/fusion_util.h"
#include "passes/pass.h"
#include "passes/rewire.h"

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

}  // namespace

Expected<PassResult> mergeTransposes(Model& m) {
  PassResult res;
  Graph& g = m.graph;
  std::unordered_set<const Node*> erased;
  for (Node* outer : g.nodes()) {
    if (erased.count(outer) || !isOp(*outer, "Transpose") || !outer->input(0)) continue;
    Node* inner = outer->input(0)->producer();
    if (!inner || !isOp(*inner, "Transpose") || !inner->input(0) ||
        !hasSoleReader(*inner->output(0)))
      continue;
    std::optional<size_t> rank = knownRank(*inner->input(0));
    if (!inner->attrInts("perm").empty()) rank = inner->attrInts("perm").size();
    if (!outer->attrInts("perm").empty()) rank = outer->attrInts("perm").size();
    auto p1 = permOf(*inner, rank), p2 = permOf(*outer, rank);
    if (!p1 || !p2 || p1->size() != p2->size() || !isPermutation(*p1) || !isPermutation(*p2))
      continue;
    const Perm c = composePerms(*p1, *p2);
    Value* x = inner->input(0);
    if (isIdentityPerm(c)) {
      if (!canBypass(*outer->output(0), *x)) continue;
      bypass(g, outer->output(0), x);  // erases outer; inner is now unread
      g.eraseNode(inner);
      erased.insert(inner);
    } else {
      Node* merged = replaceChain(g, {inner, outer}, "Transpose", {x});
      merged->attrs.set(Attribute::ofInts("perm", c));
      erased.insert(inner);
    }
    erased.insert(outer);
    ++res.changes;
  }
  return res;
}

}  // namespace nnport
