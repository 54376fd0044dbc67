// StridedSlice with all five masks. The sparse spec (one entry per begin
// value) is walked against the input's dims: an ellipsis entry covers the
// dims no later entry names, a new_axis entry adds a 1-dim to the output
// without reading a dim, a shrink entry takes one index and drops the dim,
// begin/end masks take the whole range in the stride's direction. That
// becomes Slice (the ranged dims), Squeeze (shrunk dims, input numbering)
// and Unsqueeze (new axes, output numbering), in that order.
#include <climits>

#include "parsers/tensorflow/tf_builder.h"

namespace nnport::tf {
namespace {

struct SliceSpec {
  std::vector<int64_t> starts, ends, axes, steps;
  std::vector<int64_t> squeezeAxes, unsqueezeAxes;
};

struct Masks {
  int64_t begin, end, ellipsis, newAxis, shrink;
  // Masks have 64 bits; entries past them have no flag set.
  bool has(int64_t mask, size_t i) const {
    return i < 64 && ((static_cast<uint64_t>(mask) >> i) & 1);
  }
};

Expected<SliceSpec> denseSpec(const NodeContext& ctx, int64_t rank, const std::vector<int64_t>& b,
                              const std::vector<int64_t>& e, const std::vector<int64_t>& s,
                              const Masks& m) {
  if (b.size() != e.size() || b.size() != s.size())
    return ctx.invalid("begin, end and strides have {}, {} and {} values", b.size(), e.size(),
                       s.size());
  SliceSpec spec;
  int64_t d = 0, out = 0;
  bool seenEllipsis = false;
  for (size_t i = 0; i < b.size(); ++i) {
    if (m.has(m.ellipsis, i)) {
      if (seenEllipsis) return ctx.invalid("more than one ellipsis");
      seenEllipsis = true;
      int64_t later = 0;
      for (size_t j = i + 1; j < b.size(); ++j) later += !m.has(m.newAxis, j);
      const int64_t covered = rank - d - later;
      if (covered < 0) return ctx.invalid("the slice names more dims than the input's {}", rank);
      d += covered;
      out += covered;
      continue;
    }
    if (m.has(m.newAxis, i)) {
      spec.unsqueezeAxes.push_back(out++);
      continue;
    }
    if (d >= rank) return ctx.invalid("the slice names more dims than the input's {}", rank);
    if (s[i] == 0) return ctx.invalid("stride {} is 0", i);
    if (m.has(m.shrink, i)) {
      const int64_t start = m.has(m.begin, i) ? 0 : b[i];
      spec.starts.push_back(start);
      // -1 (the last index) has no end index one past it: slice to the end.
      spec.ends.push_back(start == -1 || start == INT64_MAX ? INT64_MAX : start + 1);
      spec.axes.push_back(d);
      spec.steps.push_back(1);
      spec.squeezeAxes.push_back(d++);
      continue;
    }
    const int64_t start = m.has(m.begin, i) ? (s[i] > 0 ? 0 : INT64_MAX) : b[i];
    const int64_t end = m.has(m.end, i) ? (s[i] > 0 ? INT64_MAX : INT64_MIN) : e[i];
    if (!(start == 0 && end == INT64_MAX && s[i] == 1)) {
      spec.starts.push_back(start);
      spec.ends.push_back(end);
      spec.axes.push_back(d);
      spec.steps.push_back(s[i]);
    }
    ++d;
    ++out;
  }
  return spec;
}

Expected<Outputs> stridedSlice(NodeContext& ctx) {
  NNP_ASSIGN_OR_RETURN(int64_t rank, ctx.rank(0));
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> b, ctx.constInts(1, "begin"));
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> e, ctx.constInts(2, "end"));
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> s, ctx.constInts(3, "strides"));
  const Masks m{ctx.attrInt("begin_mask", 0), ctx.attrInt("end_mask", 0),
                ctx.attrInt("ellipsis_mask", 0), ctx.attrInt("new_axis_mask", 0),
                ctx.attrInt("shrink_axis_mask", 0)};
  NNP_ASSIGN_OR_RETURN(SliceSpec spec, denseSpec(ctx, rank, b, e, s, m));
  TfBuilder& tb = ctx.b;
  Value* y = ctx.inputs[0];
  if (!spec.axes.empty()) {
    NNP_ASSIGN_OR_RETURN(
        y, tb.op("Slice",
                 {y, tb.int64s(ctx.name("starts"), spec.starts),
                  tb.int64s(ctx.name("ends"), spec.ends), tb.int64s(ctx.name("axes"), spec.axes),
                  tb.int64s(ctx.name("steps"), spec.steps)},
                 ctx.name("Slice")));
  }
  if (!spec.squeezeAxes.empty()) {
    NNP_ASSIGN_OR_RETURN(
        y, tb.op("Squeeze", {y, tb.int64s(ctx.name("squeeze_axes"), spec.squeezeAxes)},
                 ctx.name("Squeeze")));
  }
  if (!spec.unsqueezeAxes.empty()) {
    NNP_ASSIGN_OR_RETURN(
        y, tb.op("Unsqueeze", {y, tb.int64s(ctx.name("new_axes"), spec.unsqueezeAxes)},
                 ctx.name("Unsqueeze")));
  }
  return Outputs{y};
}

}  // namespace

std::vector<OpKind> sliceOpKinds() {
  return {{"StridedSlice", stridedSlice}};
}

}  // namespace nnport::tf
