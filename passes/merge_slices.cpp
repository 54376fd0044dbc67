// merge-slices: Slice(Slice(x)) whose inner result has no other reader
// becomes one Slice of x. Both Slices must have the model opset's form:
// attributes starts/ends/axes before opset 10, constant inputs (initializers
// or Constant nodes) starts/ends/axes/steps from opset 10.
// - An axis only one of the two cuts keeps that entry unchanged (the other
//   leaves the axis alone), so disjoint axes merge into their union.
// - A shared axis needs its static size n in x. Each slice is normalized to
//   the indices it picks, first + j*step for j < count, with ONNX's
//   clamping; the inner picks i1(j) = f1 + j*s1 (j < c1) and the outer
//   picks positions f2 + k*s2 (k < c2) of those, so together they pick
//   i1(f2 + k*s2) = (f1 + f2*s1) + k*(s1*s2) for k < c2. That is written
//   back exactly: start f, step s, end just past the last index (or
//   INT64_MIN, ONNX's "through the beginning", when a backwards walk ends
//   at index 0).
// Refused: an empty result on a shared axis (left for other passes), an
// unknown size of a shared axis, non-constant operands, negative axes with
// unknown rank, invalid operands (zero steps, repeated or out-of-range axes).
#include <algorithm>
#include <climits>
#include <unordered_set>

#include "ir/builder.h"
#include "ir/constant.h"
#include "ir/slice_range.h"
#include "passes/fusion_util.h"
#include "passes/pass.h"
#include "passes/rewire.h"
#include "passes/rewrite.h"

namespace nnport {

namespace {

using Ints = std::vector<int64_t>;

// A Slice's operands, one entry per sliced axis.
struct SliceSpec {
  Ints starts, ends, axes, steps;
};

// The operands of `n` in the form the opset prescribes, or a refusal in
// *why. Axes come back non-negative when the rank is known.
std::optional<SliceSpec> readSlice(const Node& n, bool attrForm, std::optional<size_t> rank,
                                   std::string* why) {
  SliceSpec s;
  const bool hasAttrs = n.attrs.find("starts") || n.attrs.find("ends") || n.attrs.find("axes");
  if (attrForm) {
    if (n.numInputs() > 1 || !n.attrs.find("starts") || !n.attrs.find("ends")) {
      *why = "its operands are not attributes, as Slice before opset 10 has them";
      return std::nullopt;
    }
    s.starts = n.attrInts("starts");
    s.ends = n.attrInts("ends");
    s.axes = n.attrInts("axes");
  } else {
    if (hasAttrs || !n.input(1) || !n.input(2)) {
      *why = "its operands are not inputs, as Slice from opset 10 has them";
      return std::nullopt;
    }
    for (size_t i = 1; i < n.numInputs() && i <= 4; ++i) {
      if (!n.input(i)) continue;
      auto v = constantInts(n.input(i));
      if (!v) {
        *why = fmt::format("its operand '{}' is not an integer constant", n.input(i)->name());
        return std::nullopt;
      }
      (i == 1 ? s.starts : i == 2 ? s.ends : i == 3 ? s.axes : s.steps) = std::move(*v);
    }
  }
  const size_t k = s.starts.size();
  if (s.axes.empty())
    for (size_t i = 0; i < k; ++i) s.axes.push_back(static_cast<int64_t>(i));
  if (s.steps.empty()) s.steps.assign(k, 1);
  if (s.ends.size() != k || s.axes.size() != k || s.steps.size() != k) {
    *why = "its starts, ends, axes and steps differ in length";
    return std::nullopt;
  }
  std::unordered_set<int64_t> seen;
  for (size_t i = 0; i < k; ++i) {
    int64_t& a = s.axes[i];
    if (a < 0 && !rank) {
      *why = "it has negative axes and the rank of its input is unknown";
      return std::nullopt;
    }
    if (rank && a < 0) a += static_cast<int64_t>(*rank);
    if ((rank && (a < 0 || a >= static_cast<int64_t>(*rank))) || !seen.insert(a).second ||
        s.steps[i] == 0) {
      *why = "its axes or steps are invalid";
      return std::nullopt;
    }
  }
  return s;
}

// Inner then outer, both non-empty. The products stay below n in magnitude:
// f2 <= c1 - 1 and (c1 - 1)*|s1| <= n - 1, likewise for the steps when
// c2 >= 2 (a single pick needs no step).
SliceRange compose(const SliceRange& inner, const SliceRange& outer) {
  SliceRange p;
  p.first = inner.first + outer.first * inner.step;
  p.count = outer.count;
  p.step = outer.count == 1 ? 1 : inner.step * outer.step;
  return p;
}

// start/end/step picking exactly `p` (count >= 1) on any dim holding it.
void writePick(const SliceRange& p, int64_t* start, int64_t* end, int64_t* step) {
  const int64_t last = p.first + (p.count - 1) * p.step;
  *start = p.first;
  *step = p.step;
  // A negative end counts from the back, so "before index 0" cannot be -1;
  // INT64_MIN is what ONNX recommends for slicing backwards to the start.
  *end = p.step > 0 ? last + 1 : (last == 0 ? INT64_MIN : last - 1);
}

std::optional<int64_t> staticDim(const Value& x, int64_t axis) {
  const auto a = static_cast<size_t>(axis);
  if (x.isConstant()) return x.initializer()->dims().at(a);
  const Shape& s = x.type.shape;
  if (!s.rankKnown() || a >= s.rank() || !s[a].isStatic()) return std::nullopt;
  return s[a].value;
}

// The merged operands, or nullopt with a refusal in *why (empty when the
// pair is silently left alone: an empty slice).
std::optional<SliceSpec> merge(const Value& x, SliceSpec inner, const SliceSpec& outer,
                               std::string* why) {
  for (size_t i = 0; i < outer.axes.size(); ++i) {
    const int64_t axis = outer.axes[i];
    size_t j = 0;
    while (j < inner.axes.size() && inner.axes[j] != axis) ++j;
    if (j == inner.axes.size()) {
      inner.starts.push_back(outer.starts[i]);
      inner.ends.push_back(outer.ends[i]);
      inner.axes.push_back(axis);
      inner.steps.push_back(outer.steps[i]);
      continue;
    }
    const std::optional<int64_t> n = staticDim(x, axis);
    if (!n) {
      *why = fmt::format("both Slices cut axis {} and its size in '{}' is unknown", axis, x.name());
      return std::nullopt;
    }
    const SliceRange p1 = sliceRange(*n, inner.starts[j], inner.ends[j], inner.steps[j]);
    if (p1.count == 0) return std::nullopt;
    const SliceRange p2 = sliceRange(p1.count, outer.starts[i], outer.ends[i], outer.steps[i]);
    if (p2.count == 0) return std::nullopt;
    writePick(compose(p1, p2), &inner.starts[j], &inner.ends[j], &inner.steps[j]);
  }
  return inner;
}

Value* int64Operand(Graph& g, const std::string& base, const Ints& v) {
  return uniqueConstant(g, base, int64Tensor({static_cast<int64_t>(v.size())}, v));
}

void writeMerged(Graph& g, Node* inner, Node* outer, const SliceSpec& s, bool attrForm) {
  Value* x = inner->input(0);
  if (attrForm) {
    Node* n = replaceChain(g, {inner, outer}, "Slice", {x});
    n->attrs.set(Attribute::ofInts("starts", s.starts));
    n->attrs.set(Attribute::ofInts("ends", s.ends));
    n->attrs.set(Attribute::ofInts("axes", s.axes));
    return;
  }
  const std::string base = outer->output(0)->name();
  std::vector<Value*> inputs{x, int64Operand(g, base + "_starts", s.starts),
                             int64Operand(g, base + "_ends", s.ends),
                             int64Operand(g, base + "_axes", s.axes)};
  if (std::any_of(s.steps.begin(), s.steps.end(), [](int64_t v) { return v != 1; }))
    inputs.push_back(int64Operand(g, base + "_steps", s.steps));
  replaceChain(g, {inner, outer}, "Slice", inputs);
}

// outer = Slice(inner = Slice(x)): one Slice.
bool mergeWithInner(Node& outer, RewriteContext& ctx) {
  if (!outer.input(0) || !outer.output(0)) return false;
  Node* inner = outer.input(0)->producer();
  if (!inner || !isOp(*inner, "Slice") || !inner->input(0)) return false;
  auto refuse = [&](const std::string& why) {
    ctx.note("{} not merged into {}: {}", outer.describe(), inner->describe(), why);
    return false;
  };
  if (!hasSoleReader(*inner->output(0)))
    return refuse("the inner Slice's result has other readers or is a graph output");
  const bool attrForm = ctx.model.opsetFor("") < 10;
  Value* x = inner->input(0);
  std::optional<size_t> rank = knownRank(*x);
  if (!rank) rank = knownRank(*outer.output(0));
  std::string why;
  auto a = readSlice(*inner, attrForm, rank, &why);
  auto b = a ? readSlice(outer, attrForm, rank, &why) : std::nullopt;
  auto merged = b ? merge(*x, *a, *b, &why) : std::nullopt;
  if (!merged) return why.empty() ? false : refuse(why);
  writeMerged(ctx.graph, inner, &outer, *merged, attrForm);
  return true;
}

}  // namespace

Expected<PassResult> mergeSlices(Model& m) {
  if (m.opsetFor("") == 0) return PassResult{};  // no default-domain ops to read
  return runRewrite(m, {{"Slice"}, 0, mergeWithInner});
}

}  // namespace nnport
