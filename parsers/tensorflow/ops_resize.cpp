// ResizeBilinear / ResizeNearestNeighbor -> NCHW Resize between Transposes,
// with output sizes (not scales, whose float rounding can change the output
// size). TF's source coordinate for output cell x, scale = in/out:
//   align_corners:      x * (in-1)/(out-1)          -> "align_corners"
//   half_pixel_centers: (x + 0.5) * scale - 0.5     -> "half_pixel"
//   neither:            x * scale                   -> "asymmetric"
// Nearest picks floor(x * scale) ("asymmetric" + floor), round-half-up of
// the align_corners coordinate (+ round_prefer_ceil), and with half pixel
// centers floor((x + 0.5) * scale), which is the half_pixel coordinate
// rounded half up (+ round_prefer_ceil). Bilinear clamps at the borders as
// ONNX does.
#include "ir/ops/infer_util.h"
#include "parsers/tensorflow/tf_builder.h"

namespace nnport::tf {
namespace {

struct Mode {
  std::string transform, nearest;
};

Expected<Mode> modeOf(const NodeContext& ctx, bool nearest) {
  const bool align = ctx.attrBool("align_corners", false);
  const bool half = ctx.attrBool("half_pixel_centers", false);
  if (align && half) return ctx.invalid("align_corners and half_pixel_centers are both set");
  if (align) return Mode{"align_corners", "round_prefer_ceil"};
  if (half) return Mode{"half_pixel", "round_prefer_ceil"};
  return Mode{"asymmetric", nearest ? "floor" : "round_prefer_floor"};
}

// [N, C, h, w] as an int64 value: a constant when N is static, else N
// taken from the input's shape.
Expected<Value*> outputSizes(NodeContext& ctx, Value* xc, int64_t n, int64_t c,
                             const std::vector<int64_t>& hw) {
  TfBuilder& b = ctx.b;
  if (n >= 0) return b.int64s(ctx.name("sizes"), {n, c, hw[0], hw[1]});
  NNP_ASSIGN_OR_RETURN(Value * s, b.op("Shape", {xc}, ctx.name("in_shape")));
  NNP_ASSIGN_OR_RETURN(
      Value * nc,
      b.op("Slice", {s, b.int64s(ctx.name("zero"), {0}), b.int64s(ctx.name("two"), {2})},
           ctx.name("batch_channels")));
  return b.op("Concat", {nc, b.int64s(ctx.name("out_hw"), hw)}, ctx.name("sizes"),
              {Attribute::ofInt("axis", 0)});
}

Expected<Outputs> resize(NodeContext& ctx, bool nearest) {
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> in, ctx.staticDims(0, 4));
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> hw, ctx.constInts(1, "size"));
  if (hw.size() != 2) return ctx.invalid("size must hold 2 values, holds {}", hw.size());
  for (int64_t v : hw) NNP_RETURN_IF_ERROR(ctx.checkRange("output size", v, 1, kMaxWindowDim));
  if (in[3] < 0) return ctx.unsupported("the channel count is unknown");
  NNP_ASSIGN_OR_RETURN(Mode mode, modeOf(ctx, nearest));
  NNP_ASSIGN_OR_RETURN(Value * xc, ctx.b.transpose(ctx.inputs[0], kToNchw, ctx.name("to_nchw")));
  NNP_ASSIGN_OR_RETURN(Value * sizes, outputSizes(ctx, xc, in[0], in[3], hw));
  std::vector<Attribute> attrs = {
      Attribute::ofString("mode", nearest ? "nearest" : "linear"),
      Attribute::ofString("coordinate_transformation_mode", mode.transform)};
  if (nearest) attrs.push_back(Attribute::ofString("nearest_mode", mode.nearest));
  NNP_ASSIGN_OR_RETURN(Value * y, ctx.b.op("Resize", {xc, nullptr, nullptr, sizes},
                                           ctx.name("Resize"), std::move(attrs)));
  NNP_ASSIGN_OR_RETURN(Value * out, ctx.b.transpose(y, kToNhwc, ctx.name("to_nhwc")));
  return Outputs{out};
}

Expected<Outputs> bilinear(NodeContext& ctx) {
  return resize(ctx, false);
}
Expected<Outputs> nearestNeighbor(NodeContext& ctx) {
  return resize(ctx, true);
}

}  // namespace

std::vector<OpKind> resizeOpKinds() {
  return {{"ResizeBilinear", bilinear}, {"ResizeNearestNeighbor", nearestNeighbor}};
}

}  // namespace nnport::tf
