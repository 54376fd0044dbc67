// Shared inference helpers: limits, axes, broadcasting, constant operands,
// sliding windows.
#include "ir/ops/infer_util.h"

#include <algorithm>

namespace nnport {

Status checkElementCount(const InferenceContext& ctx, const Shape& s) {
  int64_t n = 1;
  for (const Dim& d : s.dims())
    if (d.isStatic() && d.value != 0 && __builtin_mul_overflow(n, d.value, &n))
      return ctx.error("output shape {} has more elements than fit in int64", s.str());
  return Status::ok();
}

int64_t satMul(int64_t a, int64_t b) {
  if (a <= 0 || b <= 0) return 0;
  return a > INT64_MAX / b ? INT64_MAX : a * b;
}

std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

Expected<int64_t> axisAttr(const InferenceContext& ctx, const std::string& name, int64_t rank) {
  auto a = normalizeAxis(ctx.attrInt(name), rank);
  if (!a) return ctx.error("{} {} is out of range for rank {}", name, ctx.attrInt(name), rank);
  return *a;
}

Expected<std::vector<bool>> axisMask(const InferenceContext& ctx, const std::vector<int64_t>& axes,
                                     int64_t rank) {
  std::vector<bool> mask(static_cast<size_t>(rank), false);
  for (int64_t a : axes) {
    auto n = normalizeAxis(a, rank);
    if (!n) return ctx.error("axis {} is out of range for rank {}", a, rank);
    if (mask[*n]) return ctx.error("axis {} is repeated", a);
    mask[*n] = true;
  }
  return mask;
}

Expected<Shape> broadcastShapes(const InferenceContext& ctx,
                                const std::vector<const Shape*>& shapes) {
  size_t rank = 0;
  for (const Shape* s : shapes) {
    if (!s->rankKnown()) return Shape::unknownRank();
    rank = std::max(rank, s->rank());
  }
  std::vector<Dim> out(rank, Dim(1));
  for (const Shape* s : shapes) {
    const size_t off = rank - s->rank();
    for (size_t i = 0; i < s->rank(); ++i) {
      const Dim& d = (*s)[i];
      Dim& o = out[off + i];
      if (d.isStatic() && d.value == 1) continue;
      if (o.isStatic() && o.value == 1) {
        o = d;
      } else if (d.isStatic() && o.isStatic()) {
        if (d.value != o.value)
          return ctx.error("cannot broadcast dimension {} against {}", d.value, o.value);
      } else if (d.isStatic()) {
        o = d;  // a symbolic dim broadcast against a static one must equal it
      } else if (d != o) {
        o = Dim();
      }
    }
  }
  return Shape(std::move(out));
}

Status inferSameAsInput0(InferenceContext& ctx) {
  if (const TensorType* t = ctx.inputType(0)) ctx.setOutput(0, *t);
  return Status::ok();
}

Status inferBroadcast(InferenceContext& ctx, DType outDType) {
  std::vector<const Shape*> shapes;
  DType dtype = outDType;
  for (size_t i = 0; i < ctx.numInputs(); ++i) {
    const TensorType* t = ctx.inputType(i);
    if (!ctx.hasInput(i)) continue;
    if (!t) return Status::ok();  // unknown input: nothing to infer
    shapes.push_back(&t->shape);
    if (dtype == DType::Undefined) dtype = t->dtype;
  }
  if (shapes.empty()) return Status::ok();
  NNP_ASSIGN_OR_RETURN(Shape s, broadcastShapes(ctx, shapes));
  ctx.setOutput(0, dtype, std::move(s));
  return Status::ok();
}

Status sameRankUnknownDims(InferenceContext& ctx, const TensorType& in) {
  ctx.setOutput(0, in.dtype,
                in.shape.rankKnown() ? Shape(std::vector<Dim>(in.shape.rank())) : Shape());
  return Status::ok();
}

const Node* constantProducer(const InferenceContext& ctx, size_t i) {
  const Value* v = ctx.node().input(i);
  const Node* p = v ? v->producer() : nullptr;
  if (!p || p->opType() != "Constant" || (!p->domain().empty() && p->domain() != "ai.onnx"))
    return nullptr;
  return p;
}

TensorPtr constantTensor(const InferenceContext& ctx, size_t i) {
  TensorPtr t = ctx.constantInput(i);
  const Node* p = constantProducer(ctx, i);
  if (!t && p) t = p->attrs.getTensor("value");
  if (!t || !t->validate().isOk() || (t->numElements() > 0 && !t->rawData())) return nullptr;
  return t;
}

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

std::optional<size_t> shapeOperandLength(const InferenceContext& ctx, size_t i) {
  const TensorType* t = ctx.inputType(i);
  if (!t || t->shape.rank() != 1 || !t->shape[0].isStatic() || t->shape[0].value > kMaxRank)
    return std::nullopt;
  return static_cast<size_t>(t->shape[0].value);
}

Expected<Shape> shapeFromValue(const InferenceContext& ctx, const std::vector<Dim>& value,
                               const char* negative) {
  std::vector<Dim> dims;
  for (const Dim& e : value) {
    if (e.symbol.empty() && e.value < 0) return ctx.error("{} {}", negative, e.value);
    dims.push_back(shapeValueToDim(e));
  }
  return Shape(std::move(dims));
}

void forwardShapeValue(InferenceContext& ctx) {
  if (auto v = ctx.shapeValue(0)) ctx.setOutputShapeValue(0, std::move(*v));
}

Status readWindowOperands(const Node& node, size_t rank, WindowAttrs& w) {
  auto orDefault = [&](const char* name, size_t n, int64_t v) {
    std::vector<int64_t> a = node.declaresAttr(name) ? node.attrInts(name) : std::vector<int64_t>{};
    if (a.empty()) a.assign(n, v);
    return a;
  };
  w.strides = orDefault("strides", rank, 1);
  w.dilations = orDefault("dilations", rank, 1);  // MaxUnpool has none
  w.pads = orDefault("pads", 2 * rank, 0);
  w.autoPad = node.declaresAttr("auto_pad") ? node.attrString("auto_pad") : "NOTSET";
  if (w.strides.size() != rank)
    return Status::invalid("strides has {} values for {} spatial dims", w.strides.size(), rank);
  if (w.dilations.size() != rank)
    return Status::invalid("dilations has {} values for {} spatial dims", w.dilations.size(), rank);
  if (w.pads.size() != 2 * rank)
    return Status::invalid("pads has {} values, expected {}", w.pads.size(), 2 * rank);
  auto inRange = [](int64_t v) { return v > 0 && v <= kMaxWindowAttr; };
  for (size_t i = 0; i < rank; ++i) {
    if (!w.kernel.empty() && !inRange(w.kernel[i]))
      return Status::invalid("kernel size {} is out of range", w.kernel[i]);
    if (!inRange(w.strides[i])) return Status::invalid("stride {} is out of range", w.strides[i]);
    if (!inRange(w.dilations[i]))
      return Status::invalid("dilation {} is out of range", w.dilations[i]);
  }
  for (int64_t p : w.pads)
    if (p < 0 || p > kMaxWindowAttr) return Status::invalid("pad {} is out of range", p);
  if (w.autoPad != "NOTSET" && w.autoPad != "SAME_UPPER" && w.autoPad != "SAME_LOWER" &&
      w.autoPad != "VALID")
    return Status::invalid("unknown auto_pad '{}'", w.autoPad);
  if (w.autoPad == "VALID") std::fill(w.pads.begin(), w.pads.end(), 0);
  return Status::ok();
}

Status readWindowAttrs(const InferenceContext& ctx, size_t rank, WindowAttrs& w) {
  const Status s = readWindowOperands(ctx.node(), rank, w);
  return s.isOk() ? s : ctx.error("{}", s.message());
}

Expected<Dim> windowOutDim(const InferenceContext& ctx, const WindowAttrs& w, size_t i,
                           const Dim& in, const char* window) {
  const int64_t stride = w.strides[i];
  if (w.autoPad == "SAME_UPPER" || w.autoPad == "SAME_LOWER") {
    if (!in.isStatic()) return stride == 1 ? in : Dim();
    return in.value > kMaxWindowDim ? Dim() : Dim((in.value + stride - 1) / stride);
  }
  if (w.kernel[i] < 0 || in.value > kMaxWindowDim) return Dim();
  const int64_t begin = w.pads[i], end = w.pads[i + w.kernel.size()];
  const int64_t effective = w.dilations[i] * (w.kernel[i] - 1) + 1;
  if (!in.isStatic()) return effective == 1 && begin == 0 && end == 0 && stride == 1 ? in : Dim();
  // ONNX (and ONNX Runtime) size a window larger than the padded input as
  // 1 + trunc(span / stride): an empty output down to span > -2 * stride.
  const int64_t span = in.value + begin + end - effective;
  if (span < 0 && span > -2 * stride) return Dim(0);
  if (span < 0)
    return ctx.error("spatial dim {} of size {} (padded {}) is smaller than the {} {}", i, in.value,
                     in.value + begin + end, window, effective);
  return windowOutputDim(in, w.kernel[i], stride, w.dilations[i], begin, end, w.ceilMode);
}

Dim windowOutputDim(const Dim& in, int64_t kernel, int64_t stride, int64_t dilation,
                    int64_t padBegin, int64_t padEnd, bool ceilMode) {
  if (!in.isStatic() || stride <= 0) return Dim();
  const int64_t effective = dilation * (kernel - 1) + 1;
  const int64_t span = in.value + padBegin + padEnd - effective;
  if (span < 0) return Dim(0);
  int64_t out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
  // With ceil rounding, a last window that starts inside the end padding is dropped.
  if (ceilMode && (out - 1) * stride >= in.value + padBegin) --out;
  return Dim(out);
}

Dim mulDims(const Dim& a, const Dim& b) {
  if (a.isStatic() && b.isStatic()) return Dim(a.value * b.value);
  return Dim();
}

Dim shapeValueToDim(const Dim& v) {
  if (v.symbol.empty()) return v.value >= 0 ? Dim(v.value) : Dim();
  if (v.symbol == "?") return Dim();
  return v;
}

}  // namespace nnport
