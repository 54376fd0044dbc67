// Shared inference helpers: axes, broadcasting, sliding windows.
#include "ir/ops/infer_util.h"

#include <algorithm>

namespace nnport {

std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) return std::nullopt;
  return axis < 0 ? axis + rank : axis;
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
