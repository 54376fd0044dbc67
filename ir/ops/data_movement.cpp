// Data movement: Split, Slice, Pad, Compress, OneHot, CumSum, Trilu and
// ReverseSequence (Concat: concat.cpp). Slice also propagates shape values
// (see InferenceContext::shapeValue).
#include <algorithm>

#include "ir/ops/infer_util.h"

namespace nnport {
namespace {

// Slice ends at or past this reach the end of any real dimension (exporters
// write INT64_MAX or INT32_MAX); a symbolic dim sliced [0:end:1] keeps its symbol.
constexpr int64_t kSliceToEnd = INT32_MAX;

Status inferSplit(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  const size_t n = ctx.numOutputs();
  if (n == 0) return ctx.error("has no outputs");
  if (!in->shape.rankKnown()) {
    for (size_t i = 0; i < n; ++i) ctx.setOutput(i, in->dtype, Shape());
    return Status::ok();
  }
  NNP_ASSIGN_OR_RETURN(int64_t axis, axisAttr(ctx, "axis", static_cast<int64_t>(in->shape.rank())));
  const Dim d = in->shape[axis];
  auto setAll = [&](auto dimOf) {
    for (size_t i = 0; i < n; ++i) {
      std::vector<Dim> dims = in->shape.dims();
      dims[axis] = dimOf(i);
      ctx.setOutput(i, in->dtype, Shape(std::move(dims)));
    }
  };
  std::optional<std::vector<int64_t>> split;
  // Split-1 and Split-13 take the sizes as input 1; Split-2/11 as an attribute.
  if ((opsetOf(ctx) < 2 || opsetOf(ctx) >= 13) && ctx.hasInput(1)) {
    split = literalInts(ctx, 1);
    if (!split) {
      setAll([](size_t) { return Dim(); });
      return Status::ok();
    }
  } else if (opsetOf(ctx) >= 2 && opsetOf(ctx) < 13 && ctx.hasAttr("split")) {
    split = ctx.attrInts("split");
  }
  if (split) {
    if (split->size() != n)
      return ctx.error("split has {} entries for {} outputs", split->size(), n);
    int64_t sum = 0;
    for (int64_t s : *split)
      if (s < 0 || __builtin_add_overflow(sum, s, &sum))
        return ctx.error("invalid split size {}", s);
    if (d.isStatic() && sum != d.value)
      return ctx.error("split sizes add up to {}, the axis has size {}", sum, d.value);
    setAll([&](size_t i) { return Dim((*split)[i]); });
    return Status::ok();
  }
  if (d.isStatic() && d.value % static_cast<int64_t>(n) != 0)
    return ctx.error("axis of size {} does not split evenly into {} outputs", d.value, n);
  setAll([&](size_t) { return d.isStatic() ? Dim(d.value / static_cast<int64_t>(n)) : Dim(); });
  return Status::ok();
}

// Elements selected by start:end:step (step != 0) along a dimension of size
// n, with ONNX's clamping; *first is the first selected index.
int64_t sliceLength(int64_t n, int64_t start, int64_t end, int64_t step, int64_t* first) {
  if (n == 0) return 0;
  if (start < 0) start += n;
  if (end < 0) end += n;
  int64_t span;
  uint64_t stride;
  if (step > 0) {
    start = std::clamp(start, int64_t{0}, n);
    end = std::clamp(end, int64_t{0}, n);
    span = end - start;
    stride = static_cast<uint64_t>(step);
  } else {
    start = std::clamp(start, int64_t{0}, n - 1);
    end = std::clamp(end, int64_t{-1}, n - 1);
    span = start - end;
    stride = static_cast<uint64_t>(-(step + 1)) + 1;
  }
  *first = start;
  return span <= 0 ? 0 : static_cast<int64_t>((static_cast<uint64_t>(span) - 1) / stride + 1);
}

Status inferSlice(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  if (!in->shape.rankKnown()) return sameRankUnknownDims(ctx, *in);
  const auto rank = static_cast<int64_t>(in->shape.rank());
  std::optional<std::vector<int64_t>> starts, ends, axes, steps;
  bool axesGiven = false, stepsGiven = false;
  if (opsetOf(ctx) < 10) {
    if (!ctx.hasAttr("starts") || !ctx.hasAttr("ends")) return ctx.error("missing starts or ends");
    starts = ctx.attrInts("starts");
    ends = ctx.attrInts("ends");
    if ((axesGiven = ctx.hasAttr("axes"))) axes = ctx.attrInts("axes");
  } else {
    if (!ctx.hasInput(1) || !ctx.hasInput(2)) return ctx.error("missing input starts or ends");
    starts = literalInts(ctx, 1);
    ends = literalInts(ctx, 2);
    if ((axesGiven = ctx.hasInput(3))) axes = literalInts(ctx, 3);
    if ((stepsGiven = ctx.hasInput(4))) steps = literalInts(ctx, 4);
  }
  std::vector<Dim> out = in->shape.dims();
  if (!starts || !ends || (axesGiven && !axes) || (stepsGiven && !steps)) {
    // Only the sliced axes lose their sizes; without known axes, all do.
    std::vector<bool> sliced(out.size(), !axes);
    for (int64_t a : axes.value_or(std::vector<int64_t>{}))
      if (auto n = normalizeAxis(a, rank)) sliced[*n] = true;
    for (size_t i = 0; i < out.size(); ++i)
      if (sliced[i]) out[i] = Dim();
    ctx.setOutput(0, in->dtype, Shape(std::move(out)));
    return Status::ok();
  }
  const size_t k = starts->size();
  if (!axesGiven) {
    axes.emplace();
    for (size_t i = 0; i < k; ++i) axes->push_back(static_cast<int64_t>(i));
  }
  if (!stepsGiven) steps = std::vector<int64_t>(k, 1);
  if (ends->size() != k || axes->size() != k || steps->size() != k)
    return ctx.error("starts, ends, axes and steps have different lengths");
  std::vector<bool> seen(out.size(), false);
  std::optional<std::vector<Dim>> value = rank == 1 ? ctx.shapeValue(0) : std::nullopt;
  for (size_t i = 0; i < k; ++i) {
    auto a = normalizeAxis((*axes)[i], rank);
    if (!a || seen[*a]) return ctx.error("axis {} is out of range or repeated", (*axes)[i]);
    seen[*a] = true;
    const int64_t s = (*starts)[i], e = (*ends)[i], st = (*steps)[i];
    if (st == 0) return ctx.error("step is zero");
    const Dim d = out[*a];
    if (!d.isStatic()) {
      out[*a] = s == 0 && e >= kSliceToEnd && st == 1 ? d : Dim();
      value.reset();
      continue;
    }
    int64_t first = 0;
    const int64_t len = sliceLength(d.value, s, e, st, &first);
    out[*a] = Dim(len);
    if (value && static_cast<int64_t>(value->size()) == d.value) {
      std::vector<Dim> picked;
      for (int64_t j = 0; j < len; ++j) picked.push_back((*value)[first + j * st]);
      value = std::move(picked);
    } else {
      value.reset();
    }
  }
  if (value) ctx.setOutputShapeValue(0, std::move(*value));
  ctx.setOutput(0, in->dtype, Shape(std::move(out)));
  return Status::ok();
}

Status inferPad(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  const std::string mode = ctx.attrString("mode");
  if (mode != "constant" && mode != "reflect" && mode != "edge" && mode != "wrap")
    return ctx.error("unknown mode '{}'", mode);
  std::optional<std::vector<int64_t>> pads;
  if (opsetOf(ctx) < 11) {
    const char* name = opsetOf(ctx) < 2 ? "paddings" : "pads";
    if (!ctx.hasAttr(name)) return ctx.error("missing attribute '{}'", name);
    pads = ctx.attrInts(name);
  } else {
    if (!ctx.hasInput(1)) return ctx.error("missing input 'pads'");
    pads = literalInts(ctx, 1);
  }
  if (!pads || !in->shape.rankKnown()) return sameRankUnknownDims(ctx, *in);
  const auto rank = static_cast<int64_t>(in->shape.rank());
  std::vector<int64_t> axes;
  if (opsetOf(ctx) >= 18 && ctx.hasInput(3)) {  // Pad-18 pads only the listed axes
    auto a = literalInts(ctx, 3);
    if (!a) return sameRankUnknownDims(ctx, *in);
    axes = *a;
  } else {
    for (int64_t i = 0; i < rank; ++i) axes.push_back(i);
  }
  const size_t k = axes.size();
  if (pads->size() != 2 * k)
    return ctx.error("pads has {} entries, expected {}", pads->size(), 2 * k);
  std::vector<Dim> out = in->shape.dims();
  for (size_t i = 0; i < k; ++i) {
    auto a = normalizeAxis(axes[i], rank);
    if (!a) return ctx.error("axis {} is out of range for rank {}", axes[i], rank);
    const int64_t before = (*pads)[i], after = (*pads)[i + k];
    Dim& d = out[*a];
    int64_t size = 0;
    if (!d.isStatic()) {
      if (before != 0 || after != 0) d = Dim();
    } else if (__builtin_add_overflow(d.value, before, &size) ||
               __builtin_add_overflow(size, after, &size) || size < 0) {
      return ctx.error("padding {}+{} of a dimension of size {} is invalid", before, after,
                       d.value);
    } else {
      d = Dim(size);
    }
  }
  ctx.setOutput(0, in->dtype, Shape(std::move(out)));
  return Status::ok();
}

Status inferCompress(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  Dim selected;
  if (TensorPtr c = constantTensor(ctx, 1)) {
    int64_t n = 0;
    for (int64_t i = 0; i < c->numElements(); ++i) n += c->intAt(i) != 0;
    selected = Dim(n);
  }
  if (!ctx.hasAttr("axis")) {
    ctx.setOutput(0, in->dtype, Shape({in->shape.numElements() == 0 ? Dim(0) : selected}));
    return Status::ok();
  }
  if (!in->shape.rankKnown()) return sameRankUnknownDims(ctx, *in);
  NNP_ASSIGN_OR_RETURN(int64_t axis, axisAttr(ctx, "axis", static_cast<int64_t>(in->shape.rank())));
  std::vector<Dim> out = in->shape.dims();
  // A condition longer than the axis only counts its first entries.
  out[axis] = selected.isStatic() && out[axis].isStatic()
                  ? Dim(std::min(selected.value, out[axis].value))
                  : Dim();
  ctx.setOutput(0, in->dtype, Shape(std::move(out)));
  return Status::ok();
}

Status inferOneHot(InferenceContext& ctx) {
  const TensorType* indices = ctx.inputType(0);
  const TensorType* values = ctx.inputType(2);
  if (!indices || !values) return Status::ok();
  if (!indices->shape.rankKnown()) {
    ctx.setOutput(0, values->dtype, Shape());
    return Status::ok();
  }
  const auto rank = static_cast<int64_t>(indices->shape.rank()) + 1;
  NNP_ASSIGN_OR_RETURN(int64_t axis, axisAttr(ctx, "axis", rank));
  Dim depth;
  std::optional<double> v;
  if (TensorPtr d = constantTensor(ctx, 1); d && d->numElements() == 1)
    v = d->floatAt(0);
  else if (auto i = literalInts(ctx, 1); i && i->size() == 1)
    v = static_cast<double>((*i)[0]);
  if (v && !(*v >= 0 && *v < 4.0e18)) return ctx.error("invalid depth {}", *v);
  if (v) depth = Dim(static_cast<int64_t>(*v));
  std::vector<Dim> out = indices->shape.dims();
  out.insert(out.begin() + axis, depth);
  ctx.setOutput(0, values->dtype, Shape(std::move(out)));
  return Status::ok();
}

Status inferReverseSequence(InferenceContext& ctx) {
  const int64_t b = ctx.attrInt("batch_axis"), t = ctx.attrInt("time_axis");
  if ((b != 0 && b != 1) || (t != 0 && t != 1) || b == t)
    return ctx.error("batch_axis {} and time_axis {} must be 0 and 1", b, t);
  return inferSameAsInput0(ctx);
}

}  // namespace

void registerDataMovementOps(OpRegistry& r) {
  r.add("Split")
      .input("input")
      .optionalInput("split")
      .variadicOutput("outputs")
      .attr("axis", int64_t{0})
      .optionalAttr("split", AttrKind::Ints)
      .range(0)
      .traits(kShapeOp)
      .infer(inferSplit);
  // Slice-1 takes starts/ends/axes as attributes; Slice-10 as inputs.
  r.add("Slice")
      .input("data")
      .optionalInput("starts")
      .optionalInput("ends")
      .optionalInput("axes")
      .optionalInput("steps")
      .output("output")
      .optionalAttr("starts", AttrKind::Ints)
      .optionalAttr("ends", AttrKind::Ints)
      .optionalAttr("axes", AttrKind::Ints)
      .traits(kShapeOp)
      .transposeRule(TransposeRule::Slice)
      .infer(inferSlice);
  // Pad-1 names its attribute `paddings`, Pad-2 `pads`; Pad-11 takes inputs.
  r.add("Pad")
      .input("data")
      .optionalInput("pads")
      .optionalInput("constant_value")
      .optionalInput("axes")
      .output("output")
      .attr("mode", "constant")
      .optionalAttr("pads", AttrKind::Ints)
      .optionalAttr("paddings", AttrKind::Ints)
      .attr("value", 0.0f)
      .traits(kShapeOp)
      .transposeRule(TransposeRule::Pad)
      .infer(inferPad);
  r.add("Compress")
      .input("input")
      .input("condition")
      .output("output")
      .optionalAttr("axis", AttrKind::Int)
      .traits(kShapeOp)
      .infer(inferCompress);
  r.add("OneHot")
      .input("indices")
      .input("depth")
      .input("values")
      .output("output")
      .attr("axis", int64_t{-1})
      .infer(inferOneHot);
  r.add("CumSum")
      .input("x")
      .input("axis")
      .output("y")
      .attr("exclusive", int64_t{0})
      .attr("reverse", int64_t{0})
      .infer(inferSameAsInput0);
  r.add("Trilu")
      .input("input")
      .optionalInput("k")
      .output("output")
      .attr("upper", int64_t{1})
      .infer(inferSameAsInput0);
  r.add("ReverseSequence")
      .input("input")
      .input("sequence_lens")
      .output("Y")
      .attr("batch_axis", int64_t{1})
      .attr("time_axis", int64_t{0})
      .traits(kShapeOp)
      .infer(inferReverseSequence);
}

}  // namespace nnport
