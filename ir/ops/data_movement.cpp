// Data movement: Concat, Split, Slice, Gather(Elements/ND), Scatter(ND/
// Elements), Pad, Resize, Upsample, DepthToSpace, SpaceToDepth, Compress,
// OneHot, CumSum, Trilu, ReverseSequence. Concat, Gather and Slice also
// propagate shape values (see InferenceContext::shapeValue).
#include <algorithm>
#include <cmath>

#include "ir/ops/infer_util.h"

namespace nnport {
namespace {

// The ai.onnx opset; a model that does not import it reads as the newest.
int64_t opsetOf(const InferenceContext& ctx) { return ctx.opset() > 0 ? ctx.opset() : INT64_MAX; }

constexpr int64_t kMaxRank = 1024;
// Slice ends at or past this reach the end of any real dimension (exporters
// write INT64_MAX or INT32_MAX); a symbolic dim sliced [0:end:1] keeps its symbol.
constexpr int64_t kSliceToEnd = INT32_MAX;

std::optional<std::vector<int64_t>> literalInts(const InferenceContext& ctx, size_t i) {
  auto v = ctx.shapeValue(i);
  if (!v) return std::nullopt;
  std::vector<int64_t> out;
  for (const Dim& d : *v) {
    if (!d.symbol.empty()) return std::nullopt;
    out.push_back(d.value);
  }
  return out;
}

// The Constant node that produces input i, if any.
const Node* constantProducer(const InferenceContext& ctx, size_t i) {
  const Value* v = ctx.node().input(i);
  const Node* p = v ? v->producer() : nullptr;
  if (!p || p->opType() != "Constant" || (!p->domain().empty() && p->domain() != "ai.onnx"))
    return nullptr;
  return p;
}

// Input i's data when it is an initializer or a Constant node's `value`.
TensorPtr constantTensor(const InferenceContext& ctx, size_t i) {
  TensorPtr t = ctx.constantInput(i);
  const Node* p = constantProducer(ctx, i);
  if (!t && p) t = p->attrs.getTensor("value");
  if (!t || !t->validate().isOk() || (t->numElements() > 0 && !t->rawData())) return nullptr;
  return t;
}

// An omitted input, or one that is known to hold no elements (Resize-11
// passes "" or an empty tensor for unused roi/scales).
bool isEmptyInput(const InferenceContext& ctx, size_t i) {
  if (!ctx.hasInput(i)) return true;
  const TensorType* t = ctx.inputType(i);
  if (t && t->shape.numElements() == 0) return true;
  TensorPtr c = constantTensor(ctx, i);
  return c && c->numElements() == 0;
}

// Output 0 with input 0's dtype and rank but unknown dims (or unknown rank).
Status sameRankUnknownDims(InferenceContext& ctx, const TensorType& in) {
  ctx.setOutput(0, in.dtype,
                in.shape.rankKnown() ? Shape(std::vector<Dim>(in.shape.rank())) : Shape());
  return Status::ok();
}

Status checkElementCount(const InferenceContext& ctx, const Shape& s) {
  int64_t n = 1;
  for (const Dim& d : s.dims())
    if (d.isStatic() && d.value != 0 && __builtin_mul_overflow(n, d.value, &n))
      return ctx.error("output shape {} has more elements than fit in int64", s.str());
  return Status::ok();
}

Expected<int64_t> axisAttr(const InferenceContext& ctx, const std::string& name, int64_t rank) {
  auto a = normalizeAxis(ctx.attrInt(name), rank);
  if (!a) return ctx.error("{} {} is out of range for rank {}", name, ctx.attrInt(name), rank);
  return *a;
}

Status inferConcat(InferenceContext& ctx) {
  if (ctx.numInputs() == 0) return ctx.error("needs at least one input");
  std::vector<const TensorType*> ins;
  for (size_t i = 0; i < ctx.numInputs(); ++i) {
    const TensorType* t = ctx.inputType(i);
    if (!t) return Status::ok();
    if (!ins.empty() && t->dtype != ins[0]->dtype)
      return ctx.error("input {} is {} but input 0 is {}", i, dtypeName(t->dtype),
                       dtypeName(ins[0]->dtype));
    ins.push_back(t);
  }
  // Concat-1 defaulted the axis to 1; it is required from Concat-4 on.
  if (!ctx.hasAttr("axis") && opsetOf(ctx) >= 4) return ctx.error("missing attribute 'axis'");
  const int64_t rawAxis = ctx.hasAttr("axis") ? ctx.attrInt("axis") : 1;
  auto first = std::find_if(ins.begin(), ins.end(), [](auto* t) { return t->shape.rankKnown(); });
  if (first == ins.end()) {
    ctx.setOutput(0, ins[0]->dtype, Shape());
    return Status::ok();
  }
  const size_t rank = (*first)->shape.rank();
  auto axis = normalizeAxis(rawAxis, static_cast<int64_t>(rank));
  if (!axis) return ctx.error("axis {} is out of range for rank {}", rawAxis, rank);
  std::vector<Dim> out = (*first)->shape.dims();
  int64_t sum = 0;
  bool sumKnown = true;
  for (size_t i = 0; i < ins.size(); ++i) {
    const Shape& s = ins[i]->shape;
    if (!s.rankKnown()) {
      sumKnown = false;
      continue;
    }
    if (s.rank() != rank) return ctx.error("input {} has rank {}, input 0 rank {}", i, s.rank(), rank);
    for (size_t j = 0; j < rank; ++j) {
      const Dim& d = s[j];
      if (static_cast<int64_t>(j) == *axis) {
        if (!d.isStatic() || __builtin_add_overflow(sum, d.value, &sum)) sumKnown = false;
      } else if (d.isStatic() && out[j].isStatic() && d.value != out[j].value) {
        return ctx.error("input {} has size {} in dimension {}, expected {}", i, d.value, j,
                         out[j].value);
      } else if (!out[j].isStatic() && (d.isStatic() || out[j].symbol.empty())) {
        out[j] = d;
      }
    }
  }
  out[*axis] = ins.size() == 1 ? (*first)->shape[*axis] : sumKnown ? Dim(sum) : Dim();
  if (rank == 1) {  // concatenated shape values
    std::vector<Dim> value;
    for (size_t i = 0; i < ins.size(); ++i) {
      auto v = ctx.shapeValue(i);
      if (!v) break;
      value.insert(value.end(), v->begin(), v->end());
      if (i + 1 == ins.size()) ctx.setOutputShapeValue(0, std::move(value));
    }
  }
  ctx.setOutput(0, ins[0]->dtype, Shape(std::move(out)));
  return Status::ok();
}

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
      if (s < 0 || __builtin_add_overflow(sum, s, &sum)) return ctx.error("invalid split size {}", s);
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

Status inferGather(InferenceContext& ctx) {
  const TensorType* data = ctx.inputType(0);
  const TensorType* indices = ctx.inputType(1);
  if (!data || !indices) return Status::ok();
  if (!data->shape.rankKnown() || !indices->shape.rankKnown()) {
    ctx.setOutput(0, data->dtype, Shape());
    return Status::ok();
  }
  const auto& dd = data->shape.dims();
  NNP_ASSIGN_OR_RETURN(int64_t axis, axisAttr(ctx, "axis", static_cast<int64_t>(dd.size())));
  std::vector<Dim> out(dd.begin(), dd.begin() + axis);
  out.insert(out.end(), indices->shape.dims().begin(), indices->shape.dims().end());
  out.insert(out.end(), dd.begin() + axis + 1, dd.end());
  auto idx = literalInts(ctx, 1);
  const Dim& n = dd[axis];
  if (idx && n.isStatic()) {
    for (int64_t& i : *idx) {
      if (i < -n.value || i >= n.value)
        return ctx.error("index {} is out of range for a dimension of size {}", i, n.value);
      if (i < 0) i += n.value;
    }
    auto value = ctx.shapeValue(0);
    if (value && dd.size() == 1 && static_cast<int64_t>(value->size()) == n.value) {
      std::vector<Dim> picked;
      for (int64_t i : *idx) picked.push_back((*value)[i]);
      ctx.setOutputShapeValue(0, std::move(picked));
    }
  }
  ctx.setOutput(0, data->dtype, Shape(std::move(out)));
  return Status::ok();
}

Status inferGatherElements(InferenceContext& ctx) {
  const TensorType* data = ctx.inputType(0);
  const TensorType* indices = ctx.inputType(1);
  if (!data || !indices) return Status::ok();
  if (data->shape.rankKnown() && indices->shape.rankKnown()) {
    if (data->shape.rank() != indices->shape.rank())
      return ctx.error("data has rank {} but indices rank {}", data->shape.rank(),
                       indices->shape.rank());
    NNP_RETURN_IF_ERROR(axisAttr(ctx, "axis", static_cast<int64_t>(data->shape.rank())).status());
  }
  ctx.setOutput(0, data->dtype, indices->shape);
  return Status::ok();
}

Status inferGatherND(InferenceContext& ctx) {
  const TensorType* data = ctx.inputType(0);
  const TensorType* indices = ctx.inputType(1);
  if (!data || !indices) return Status::ok();
  const Shape& ds = data->shape;
  const Shape& is = indices->shape;
  if (!ds.rankKnown() || !is.rankKnown() || is.rank() == 0 || !is[is.rank() - 1].isStatic()) {
    ctx.setOutput(0, data->dtype, Shape());
    return Status::ok();
  }
  const int64_t b = ctx.attrInt("batch_dims");
  const auto r = static_cast<int64_t>(ds.rank()), q = static_cast<int64_t>(is.rank());
  const int64_t k = is[q - 1].value;
  if (b < 0 || b >= std::min(r, q)) return ctx.error("batch_dims {} is out of range", b);
  if (k < 1 || k > r - b) return ctx.error("indices' last dimension {} exceeds data rank {}", k, r);
  std::vector<Dim> out(is.dims().begin(), is.dims().end() - 1);
  out.insert(out.end(), ds.dims().begin() + b + k, ds.dims().end());
  ctx.setOutput(0, data->dtype, Shape(std::move(out)));
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
  if (pads->size() != 2 * k) return ctx.error("pads has {} entries, expected {}", pads->size(), 2 * k);
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
      return ctx.error("padding {}+{} of a dimension of size {} is invalid", before, after, d.value);
    } else {
      d = Dim(size);
    }
  }
  ctx.setOutput(0, in->dtype, Shape(std::move(out)));
  return Status::ok();
}

// Output dims floor(in * scale), from a constant scales input or attribute.
Status scaleDims(InferenceContext& ctx, const TensorType& in, const std::vector<double>& scales) {
  if (scales.size() != in.shape.rank())
    return ctx.error("{} scales for an input of rank {}", scales.size(), in.shape.rank());
  std::vector<Dim> out;
  for (size_t i = 0; i < scales.size(); ++i) {
    const double s = scales[i];
    const Dim& d = in.shape[i];
    if (!(s > 0) || !std::isfinite(s)) return ctx.error("invalid scale {}", s);
    if (!d.isStatic()) {
      out.push_back(s == 1.0 ? d : Dim());
      continue;
    }
    const double size = std::floor(static_cast<double>(d.value) * s);
    if (size >= 4.0e18) return ctx.error("scaled size {} is too large", size);
    out.emplace_back(static_cast<int64_t>(size));
  }
  Shape result(std::move(out));
  NNP_RETURN_IF_ERROR(checkElementCount(ctx, result));
  ctx.setOutput(0, in.dtype, std::move(result));
  return Status::ok();
}

std::optional<std::vector<double>> constantFloats(const InferenceContext& ctx, size_t i) {
  TensorPtr t = constantTensor(ctx, i);
  if (const Node* p = constantProducer(ctx, i); !t && p) {
    if (auto f = p->attrs.getFloats("value_floats")) return std::vector<double>(f->begin(), f->end());
  }
  if (!t || t->numElements() > kMaxRank) return std::nullopt;
  std::vector<double> v;
  for (int64_t j = 0; j < t->numElements(); ++j) v.push_back(t->floatAt(j));
  return v;
}

Status inferResize(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  if (!in->shape.rankKnown()) return sameRankUnknownDims(ctx, *in);
  const size_t scalesInput = opsetOf(ctx) < 11 ? 1 : 2;
  if (opsetOf(ctx) >= 11 && !isEmptyInput(ctx, 3)) {
    auto sizes = ctx.shapeValue(3);
    if (!sizes) return sameRankUnknownDims(ctx, *in);
    if (sizes->size() != in->shape.rank())
      return ctx.error("{} sizes for an input of rank {}", sizes->size(), in->shape.rank());
    std::vector<Dim> out;
    for (const Dim& e : *sizes) {
      if (e.symbol.empty() && e.value < 0) return ctx.error("negative size {}", e.value);
      out.push_back(shapeValueToDim(e));
    }
    Shape result(std::move(out));
    NNP_RETURN_IF_ERROR(checkElementCount(ctx, result));
    ctx.setOutput(0, in->dtype, std::move(result));
    return Status::ok();
  }
  if (isEmptyInput(ctx, scalesInput)) return ctx.error("needs scales or sizes");
  auto scales = constantFloats(ctx, scalesInput);
  if (!scales) return sameRankUnknownDims(ctx, *in);
  return scaleDims(ctx, *in, *scales);
}

Status inferUpsample(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  if (!in->shape.rankKnown()) return sameRankUnknownDims(ctx, *in);
  std::optional<std::vector<double>> scales;
  if (opsetOf(ctx) >= 9) {
    if (!ctx.hasInput(1)) return ctx.error("missing input 'scales'");
    scales = constantFloats(ctx, 1);
  } else if (ctx.hasAttr("scales")) {
    const auto f = ctx.attrFloats("scales");
    scales.emplace(f.begin(), f.end());
  } else {
    return ctx.error("missing attribute 'scales'");
  }
  if (!scales) return sameRankUnknownDims(ctx, *in);
  return scaleDims(ctx, *in, *scales);
}

// DepthToSpace (toSpace) and SpaceToDepth on NCHW.
Status inferBlockRearrange(InferenceContext& ctx, bool toSpace) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  const int64_t b = ctx.attrInt("blocksize");
  int64_t bb = 0;
  if (b <= 0 || __builtin_mul_overflow(b, b, &bb)) return ctx.error("invalid blocksize {}", b);
  if (toSpace && ctx.attrString("mode") != "DCR" && ctx.attrString("mode") != "CRD")
    return ctx.error("unknown mode '{}'", ctx.attrString("mode"));
  if (!in->shape.rankKnown()) return sameRankUnknownDims(ctx, *in);
  if (in->shape.rank() != 4) return ctx.error("input must be 4-D, not {}", in->shape.str());
  auto divide = [&](const Dim& d, int64_t by, const char* what) -> Expected<Dim> {
    if (!d.isStatic()) return Dim();
    if (d.value % by != 0) return ctx.error("{} {} is not a multiple of {}", what, d.value, by);
    return Dim(d.value / by);
  };
  auto multiply = [&](const Dim& d, int64_t by) -> Expected<Dim> {
    int64_t n = 0;
    if (!d.isStatic()) return Dim();
    if (__builtin_mul_overflow(d.value, by, &n)) return ctx.error("output size overflows");
    return Dim(n);
  };
  std::vector<Dim> out{in->shape[0]};
  if (toSpace) {
    NNP_ASSIGN_OR_RETURN(Dim c, divide(in->shape[1], bb, "channels"));
    NNP_ASSIGN_OR_RETURN(Dim h, multiply(in->shape[2], b));
    NNP_ASSIGN_OR_RETURN(Dim w, multiply(in->shape[3], b));
    out.insert(out.end(), {c, h, w});
  } else {
    NNP_ASSIGN_OR_RETURN(Dim c, multiply(in->shape[1], bb));
    NNP_ASSIGN_OR_RETURN(Dim h, divide(in->shape[2], b, "height"));
    NNP_ASSIGN_OR_RETURN(Dim w, divide(in->shape[3], b, "width"));
    out.insert(out.end(), {c, h, w});
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
                  ? Dim(std::min(selected.value, out[axis].value)) : Dim();
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
  if (TensorPtr d = constantTensor(ctx, 1); d && d->numElements() == 1) v = d->floatAt(0);
  else if (auto i = literalInts(ctx, 1); i && i->size() == 1) v = static_cast<double>((*i)[0]);
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
  r.add("Concat").variadicInput("inputs").output("concat_result")
      .requiredAttr("axis", AttrKind::Int).traits(kShapeOp).infer(inferConcat);
  r.add("Split").input("input").optionalInput("split").variadicOutput("outputs")
      .attr("axis", int64_t{0}).optionalAttr("split", AttrKind::Ints)
      .traits(kShapeOp).infer(inferSplit);
  // Slice-1 takes starts/ends/axes as attributes; Slice-10 as inputs.
  r.add("Slice").input("data").optionalInput("starts").optionalInput("ends")
      .optionalInput("axes").optionalInput("steps").output("output")
      .optionalAttr("starts", AttrKind::Ints).optionalAttr("ends", AttrKind::Ints)
      .optionalAttr("axes", AttrKind::Ints).traits(kShapeOp).infer(inferSlice);
  r.add("Gather").input("data").input("indices").output("output").attr("axis", int64_t{0})
      .traits(kShapeOp).infer(inferGather);
  r.add("GatherElements").input("data").input("indices").output("output")
      .attr("axis", int64_t{0}).traits(kShapeOp).infer(inferGatherElements);
  r.add("GatherND").input("data").input("indices").output("output")
      .attr("batch_dims", int64_t{0}).traits(kShapeOp).infer(inferGatherND);
  r.add("ScatterND").input("data").input("indices").input("updates").output("output")
      .attr("reduction", "none").traits(kShapeOp).infer(inferSameAsInput0);
  r.add("ScatterElements").input("data").input("indices").input("updates").output("output")
      .attr("axis", int64_t{0}).attr("reduction", "none").traits(kShapeOp)
      .infer(inferSameAsInput0);
  r.add("Scatter").input("data").input("indices").input("updates").output("output")
      .attr("axis", int64_t{0}).traits(kShapeOp).infer(inferSameAsInput0);
  // Pad-1 names its attribute `paddings`, Pad-2 `pads`; Pad-11 takes inputs.
  r.add("Pad").input("data").optionalInput("pads").optionalInput("constant_value")
      .optionalInput("axes").output("output").attr("mode", "constant")
      .optionalAttr("pads", AttrKind::Ints).optionalAttr("paddings", AttrKind::Ints)
      .attr("value", 0.0f).traits(kShapeOp).infer(inferPad);
  // Resize-10: (X, scales); Resize-11+: (X, roi, scales, sizes).
  r.add("Resize").input("X").optionalInput("roi").optionalInput("scales").optionalInput("sizes")
      .output("Y").attr("mode", "nearest").attr("coordinate_transformation_mode", "half_pixel")
      .attr("nearest_mode", "round_prefer_floor").attr("cubic_coeff_a", -0.75f)
      .attr("exclude_outside", int64_t{0}).attr("extrapolation_value", 0.0f)
      .traits(kLayoutSensitive).infer(inferResize);
  r.add("Upsample").input("X").optionalInput("scales").output("Y").attr("mode", "nearest")
      .optionalAttr("scales", AttrKind::Floats).traits(kLayoutSensitive).infer(inferUpsample);
  r.add("DepthToSpace").input("input").output("output").requiredAttr("blocksize", AttrKind::Int)
      .attr("mode", "DCR").traits(kShapeOp | kLayoutSensitive)
      .infer([](InferenceContext& c) { return inferBlockRearrange(c, true); });
  r.add("SpaceToDepth").input("input").output("output").requiredAttr("blocksize", AttrKind::Int)
      .traits(kShapeOp | kLayoutSensitive)
      .infer([](InferenceContext& c) { return inferBlockRearrange(c, false); });
  r.add("Compress").input("input").input("condition").output("output")
      .optionalAttr("axis", AttrKind::Int).traits(kShapeOp).infer(inferCompress);
  r.add("OneHot").input("indices").input("depth").input("values").output("output")
      .attr("axis", int64_t{-1}).infer(inferOneHot);
  r.add("CumSum").input("x").input("axis").output("y").attr("exclusive", int64_t{0})
      .attr("reverse", int64_t{0}).infer(inferSameAsInput0);
  r.add("Trilu").input("input").optionalInput("k").output("output").attr("upper", int64_t{1})
      .infer(inferSameAsInput0);
  r.add("ReverseSequence").input("input").input("sequence_lens").output("Y")
      .attr("batch_axis", int64_t{1}).attr("time_axis", int64_t{0}).traits(kShapeOp)
      .infer(inferReverseSequence);
}

}  // namespace nnport
