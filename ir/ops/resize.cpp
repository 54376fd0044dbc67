// Spatial rearrangement: Resize, Upsample, DepthToSpace and SpaceToDepth.
#include <cmath>

#include "ir/ops/infer_util.h"

namespace nnport {
namespace {

// An omitted input, or one that is known to hold no elements (Resize-11
// passes "" or an empty tensor for unused roi/scales).
bool isEmptyInput(const InferenceContext& ctx, size_t i) {
  if (!ctx.hasInput(i)) return true;
  const TensorType* t = ctx.inputType(i);
  if (t && t->shape.numElements() == 0) return true;
  TensorPtr c = constantTensor(ctx, i);
  return c && c->numElements() == 0;
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
    if (auto f = p->attrs.getFloats("value_floats"))
      return std::vector<double>(f->begin(), f->end());
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
    NNP_ASSIGN_OR_RETURN(Shape result, shapeFromValue(ctx, *sizes, "negative size"));
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

}  // namespace

void registerResizeOps(OpRegistry& r) {
  // Resize-10: (X, scales); Resize-11+: (X, roi, scales, sizes).
  r.add("Resize")
      .input("X")
      .optionalInput("roi")
      .optionalInput("scales")
      .optionalInput("sizes")
      .output("Y")
      .attr("mode", "nearest")
      .attr("coordinate_transformation_mode", "half_pixel")
      .attr("nearest_mode", "round_prefer_floor")
      .attr("cubic_coeff_a", -0.75f)
      .attr("exclude_outside", int64_t{0})
      .attr("extrapolation_value", 0.0f)
      .attr("antialias", int64_t{0})
      .attr("keep_aspect_ratio_policy", "stretch")  // opset 18
      .optionalAttr("axes", AttrKind::Ints)
      .quantization(activationQuantization())
      .traits(kLayoutSensitive)
      .infer(inferResize);
  r.add("Upsample")
      .input("X")
      .optionalInput("scales")
      .output("Y")
      .attr("mode", "nearest")
      .optionalAttr("scales", AttrKind::Floats)
      .traits(kLayoutSensitive)
      .infer(inferUpsample);
  r.add("DepthToSpace")
      .input("input")
      .output("output")
      .requiredAttr("blocksize", AttrKind::Int)
      .range(1, kMaxWindowAttr)
      .attr("mode", "DCR")
      .traits(kShapeOp | kLayoutSensitive)
      .infer([](InferenceContext& c) { return inferBlockRearrange(c, true); });
  r.add("SpaceToDepth")
      .input("input")
      .output("output")
      .requiredAttr("blocksize", AttrKind::Int)
      .range(1, kMaxWindowAttr)
      .traits(kShapeOp | kLayoutSensitive)
      .infer([](InferenceContext& c) { return inferBlockRearrange(c, false); });
}

}  // namespace nnport
