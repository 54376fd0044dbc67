// Pooling: windowed (MaxPool, AveragePool, LpPool), global pools, the
// region-of-interest pools (MaxRoiPool, RoiAlign) and MaxUnpool. Windowed
// pools take the kernel from the required kernel_shape attribute and work
// for any number of spatial dims.
#include "ir/ops/infer_util.h"

namespace nnport {
namespace {

// The window attributes of a pool: the kernel from the required
// kernel_shape attribute, strides, dilations, pads, auto_pad and ceil_mode.
Status readPoolWindow(const InferenceContext& ctx, size_t rank, WindowAttrs& w) {
  w.kernel = ctx.attrInts("kernel_shape");
  if (w.kernel.empty()) return ctx.error("kernel_shape is required");
  if (w.kernel.size() != rank)
    return ctx.error("kernel_shape has {} values for {} spatial dims", w.kernel.size(), rank);
  w.ceilMode = ctx.node().declaresAttr("ceil_mode") && ctx.attrInt("ceil_mode") != 0;
  NNP_RETURN_IF_ERROR(readWindowAttrs(ctx, rank, w));
  // A window made only of padding has nothing to pool; ONNX Runtime refuses it too.
  for (size_t i = 0; i < w.pads.size(); ++i)
    if (w.pads[i] >= w.kernel[i % rank])
      return ctx.error("pad {} is not smaller than the kernel size {}", w.pads[i],
                       w.kernel[i % rank]);
  return Status::ok();
}

// MaxPool, AveragePool, LpPool. MaxPool's optional Indices output is int64
// with Y's shape.
Status inferWindowPool(InferenceContext& ctx) {
  const TensorType* x = ctx.inputType(0);
  if (!x) return Status::ok();
  if (!x->shape.rankKnown()) {
    ctx.setOutput(0, x->dtype, Shape::unknownRank());
    return Status::ok();
  }
  const Shape& xs = x->shape;
  if (xs.rank() < 3) return ctx.error("input rank {} is below 3 (N, C, spatial...)", xs.rank());
  const size_t rank = xs.rank() - 2;
  WindowAttrs w;
  NNP_RETURN_IF_ERROR(readPoolWindow(ctx, rank, w));
  std::vector<Dim> out{xs[0], xs[1]};
  for (size_t i = 0; i < rank; ++i) {
    NNP_ASSIGN_OR_RETURN(Dim d, windowOutDim(ctx, w, i, xs[2 + i], "window"));
    out.push_back(std::move(d));
  }
  Shape s(std::move(out));
  if (ctx.numOutputs() > 1) ctx.setOutput(1, DType::Int64, s);
  ctx.setOutput(0, x->dtype, std::move(s));
  return Status::ok();
}

Status inferGlobalPool(InferenceContext& ctx) {
  const TensorType* x = ctx.inputType(0);
  if (!x) return Status::ok();
  if (!x->shape.rankKnown()) {
    ctx.setOutput(0, x->dtype, Shape::unknownRank());
    return Status::ok();
  }
  if (x->shape.rank() < 2) return ctx.error("input rank {} is below 2 (N, C...)", x->shape.rank());
  std::vector<Dim> out(x->shape.rank(), Dim(1));
  out[0] = x->shape[0];
  out[1] = x->shape[1];
  ctx.setOutput(0, x->dtype, Shape(std::move(out)));
  return Status::ok();
}

// Checks rank and, when static, size of dim `axis` of input i; returns that dim.
Expected<Dim> checkedDim(const InferenceContext& ctx, size_t i, size_t rank, size_t axis,
                         int64_t expected, const char* what) {
  const TensorType* t = ctx.inputType(i);
  if (!t || !t->shape.rankKnown()) return Dim();
  if (t->shape.rank() != rank)
    return ctx.error("{} must have rank {}, got {}", what, rank, t->shape.rank());
  const Dim& d = t->shape[axis];
  if (expected >= 0 && d.isStatic() && d.value != expected)
    return ctx.error("{} dim {} must be {}, got {}", what, axis, expected, d.value);
  return d;
}

// Y: [num_rois, C, pooled_h, pooled_w]; rois: [num_rois, 5].
Status inferMaxRoiPool(InferenceContext& ctx) {
  const TensorType* x = ctx.inputType(0);
  if (!x || !ctx.inputType(1)) return Status::ok();
  std::vector<int64_t> pooled = ctx.attrInts("pooled_shape");
  if (pooled.size() != 2)
    return ctx.error("pooled_shape must have 2 values, got {}", pooled.size());
  if (pooled[0] <= 0 || pooled[1] <= 0) return ctx.error("pooled_shape values must be positive");
  NNP_ASSIGN_OR_RETURN(Dim channels, checkedDim(ctx, 0, 4, 1, -1, "X"));
  NNP_ASSIGN_OR_RETURN(Dim rois, checkedDim(ctx, 1, 2, 0, -1, "rois"));
  NNP_RETURN_IF_ERROR(checkedDim(ctx, 1, 2, 1, 5, "rois").status());
  ctx.setOutput(0, x->dtype, Shape({rois, channels, pooled[0], pooled[1]}));
  return Status::ok();
}

// Y: [num_rois, C, output_height, output_width]; rois: [num_rois, 4],
// batch_indices: [num_rois].
Status inferRoiAlign(InferenceContext& ctx) {
  const TensorType* x = ctx.inputType(0);
  if (!x) return Status::ok();
  const int64_t oh = ctx.attrInt("output_height"), ow = ctx.attrInt("output_width");
  if (oh <= 0 || ow <= 0) return ctx.error("output size {}x{} must be positive", oh, ow);
  const std::string mode = ctx.attrString("mode");
  if (mode != "avg" && mode != "max") return ctx.error("unknown mode '{}'", mode);
  NNP_ASSIGN_OR_RETURN(Dim channels, checkedDim(ctx, 0, 4, 1, -1, "X"));
  NNP_ASSIGN_OR_RETURN(Dim rois, checkedDim(ctx, 1, 2, 0, -1, "rois"));
  NNP_RETURN_IF_ERROR(checkedDim(ctx, 1, 2, 1, 4, "rois").status());
  NNP_ASSIGN_OR_RETURN(Dim indices, checkedDim(ctx, 2, 1, 0, -1, "batch_indices"));
  if (rois.isStatic() && indices.isStatic() && rois.value != indices.value)
    return ctx.error("{} rois but {} batch indices", rois.value, indices.value);
  if (!rois.isStatic() && rois.symbol.empty()) rois = indices;
  ctx.setOutput(0, x->dtype, Shape({rois, channels, oh, ow}));
  return Status::ok();
}

// Output from the optional output_shape input, else per spatial dim
// (in - 1) * stride + kernel - pad_begin - pad_end.
Status inferMaxUnpool(InferenceContext& ctx) {
  const TensorType* x = ctx.inputType(0);
  if (!x) return Status::ok();
  if (!x->shape.rankKnown()) {
    ctx.setOutput(0, x->dtype, Shape::unknownRank());
    return Status::ok();
  }
  const Shape& xs = x->shape;
  if (xs.rank() < 3) return ctx.error("input rank {} is below 3 (N, C, spatial...)", xs.rank());
  const size_t rank = xs.rank() - 2;
  if (ctx.hasInput(2)) {
    std::vector<Dim> out(xs.rank());
    if (auto v = ctx.shapeValue(2)) {
      if (v->size() != xs.rank())
        return ctx.error("output_shape has {} values for an input of rank {}", v->size(),
                         xs.rank());
      for (size_t i = 0; i < v->size(); ++i) out[i] = shapeValueToDim((*v)[i]);
    }
    ctx.setOutput(0, x->dtype, Shape(std::move(out)));
    return Status::ok();
  }
  WindowAttrs w;
  NNP_RETURN_IF_ERROR(readPoolWindow(ctx, rank, w));
  std::vector<Dim> out{xs[0], xs[1]};
  for (size_t i = 0; i < rank; ++i) {
    const Dim& in = xs[2 + i];
    if (!in.isStatic() || in.value > kMaxWindowDim) {
      out.emplace_back();
      continue;
    }
    const int64_t size = (in.value - 1) * w.strides[i] + w.kernel[i] - w.pads[i] - w.pads[i + rank];
    if (size <= 0) return ctx.error("spatial dim {} has non-positive output size {}", i, size);
    out.emplace_back(size);
  }
  ctx.setOutput(0, x->dtype, Shape(std::move(out)));
  return Status::ok();
}

}  // namespace

// One attribute per line, its range beside it.
// clang-format off
void registerPoolOps(OpRegistry& r) {
  constexpr int64_t W = kMaxWindowAttr;
  r.add("MaxPool").input("X").output("Y").optionalOutput("Indices")
      .attr("auto_pad", "NOTSET")
      .attr("ceil_mode", int64_t{0})
      .optionalAttr("dilations", AttrKind::Ints).range(1, W)
      .requiredAttr("kernel_shape", AttrKind::Ints).range(1, W)
      .optionalAttr("pads", AttrKind::Ints).range(0, W)
      .attr("storage_order", int64_t{0})
      .optionalAttr("strides", AttrKind::Ints).range(1, W)
      .traits(kLayoutSensitive).quantization(activationQuantization()).infer(inferWindowPool);
  r.add("AveragePool").input("X").output("Y")
      .attr("auto_pad", "NOTSET")
      .attr("ceil_mode", int64_t{0})
      .attr("count_include_pad", int64_t{0})
      .optionalAttr("dilations", AttrKind::Ints).range(1, W)  // since opset 19
      .requiredAttr("kernel_shape", AttrKind::Ints).range(1, W)
      .optionalAttr("pads", AttrKind::Ints).range(0, W)
      .optionalAttr("strides", AttrKind::Ints).range(1, W)
      .traits(kLayoutSensitive).quantization(activationQuantization()).infer(inferWindowPool);
  r.add("LpPool").input("X").output("Y")
      .attr("auto_pad", "NOTSET")
      .attr("ceil_mode", int64_t{0})                           // since opset 18
      .optionalAttr("dilations", AttrKind::Ints).range(1, W)  // since opset 18
      .requiredAttr("kernel_shape", AttrKind::Ints).range(1, W)
      .attr("p", int64_t{2}).range(1)
      .optionalAttr("pads", AttrKind::Ints).range(0, W)
      .optionalAttr("strides", AttrKind::Ints).range(1, W)
      .traits(kLayoutSensitive).infer(inferWindowPool);

  r.add("GlobalAveragePool").input("X").output("Y")
      .traits(kLayoutSensitive)
      .quantization(activationQuantization().integerForm("QLinearGlobalAveragePool",
                                                         kMicrosoftDomain))
      .infer(inferGlobalPool);
  r.add("GlobalMaxPool").input("X").output("Y")
      .traits(kLayoutSensitive).quantization(activationQuantization()).infer(inferGlobalPool);
  r.add("GlobalLpPool").since(2).input("X").output("Y")
      .attr("p", int64_t{2}).range(1)
      .traits(kLayoutSensitive).infer(inferGlobalPool);

  r.add("MaxRoiPool").input("X").input("rois").output("Y")
      .requiredAttr("pooled_shape", AttrKind::Ints).range(1, W)
      .attr("spatial_scale", 1.0f)
      .traits(kLayoutSensitive).infer(inferMaxRoiPool);
  r.add("RoiAlign").since(10).input("X").input("rois").input("batch_indices").output("Y")
      .attr("coordinate_transformation_mode", "half_pixel")
      .attr("mode", "avg")
      .attr("output_height", int64_t{1}).range(1, W)
      .attr("output_width", int64_t{1}).range(1, W)
      .attr("sampling_ratio", int64_t{0}).range(0, W)
      .attr("spatial_scale", 1.0f)
      .traits(kLayoutSensitive).infer(inferRoiAlign);
  r.add("MaxUnpool").since(9).input("X").input("I").optionalInput("output_shape").output("output")
      .requiredAttr("kernel_shape", AttrKind::Ints).range(1, W)
      .optionalAttr("pads", AttrKind::Ints).range(0, W)
      .optionalAttr("strides", AttrKind::Ints).range(1, W)
      .traits(kLayoutSensitive).infer(inferMaxUnpool);
}
// clang-format on

}  // namespace nnport
