// Resizing layers of Caffe forks (not in BVLC Caffe; their parameters are
// read from the prototxt, see caffe_subset.proto):
//  - Interp (DeepLab, PSPNet): crop by pad_beg/pad_end (both <= 0), then
//    bilinear resize with aligned corners to a size given by zoom_factor,
//    shrink_factor or height + width. ONNX: Slice, then Resize (linear,
//    align_corners, sizes).
//  - Upsample with one bottom (YOLOv3 ports): nearest neighbour by an
//    integer factor, out[h][w] = in[h / s][w / s]. ONNX: Resize (nearest,
//    asymmetric, floor), which picks exactly that cell.
//  - Upsample with two bottoms (SegNet): max-unpooling. Bottom 1 is the mask
//    top of a MAX Pooling layer, the index of each value inside its
//    (batch, channel) plane of the output; the rest of the output is zero.
//    ONNX MaxUnpool takes indices over the whole tensor, so each plane's
//    offset is added to the mask first.
#include <algorithm>

#include "ir/dtype_codes.h"
#include "parsers/caffe/caffe_builder.h"
#include "support/checked_math.h"

namespace nnport::caffe {
namespace {

// Interp's output size along one axis (DeepLab's rules, checked in this
// order): shrink only, zoom only, explicit height/width, shrink then zoom.
struct InterpSize {
  int64_t h = 0, w = 0;
};

// n + (n - 1) * (f - 1), the size zoom_factor f makes of n.
Expected<int64_t> zoomed(const LayerContext& ctx, int64_t n, int64_t f) {
  NNP_ASSIGN_OR_RETURN(int64_t grown, ctx.mul(n - 1, f - 1, "the zoomed size"));
  return ctx.add(n, grown, "the zoomed size");
}

Expected<InterpSize> interpSize(const LayerContext& ctx, int64_t effH, int64_t effW) {
  const caffepb::InterpParameter& p = ctx.layer.interp_param();
  auto shrink = [](int64_t n, int64_t f) { return (n - 1) / f + 1; };
  if (p.has_shrink_factor() && p.shrink_factor() < 1)
    return Status::invalid("{}: shrink_factor {} is below 1", ctx.where(), p.shrink_factor());
  if (p.has_zoom_factor() && p.zoom_factor() < 1)
    return Status::invalid("{}: zoom_factor {} is below 1", ctx.where(), p.zoom_factor());
  InterpSize s;
  if (p.has_shrink_factor() && !p.has_zoom_factor()) {
    s = {shrink(effH, p.shrink_factor()), shrink(effW, p.shrink_factor())};
  } else if (p.has_zoom_factor() && !p.has_shrink_factor()) {
    NNP_ASSIGN_OR_RETURN(s.h, zoomed(ctx, effH, p.zoom_factor()));
    NNP_ASSIGN_OR_RETURN(s.w, zoomed(ctx, effW, p.zoom_factor()));
  } else if (p.has_height() && p.has_width()) {
    s = {p.height(), p.width()};
  } else if (p.has_shrink_factor() && p.has_zoom_factor()) {
    NNP_ASSIGN_OR_RETURN(s.h, zoomed(ctx, shrink(effH, p.shrink_factor()), p.zoom_factor()));
    NNP_ASSIGN_OR_RETURN(s.w, zoomed(ctx, shrink(effW, p.shrink_factor()), p.zoom_factor()));
  } else {
    return Status::invalid("{}: interp_param needs zoom_factor, shrink_factor or height and width",
                           ctx.where());
  }
  if (s.h < 1 || s.w < 1)
    return Status::invalid("{}: output size {}x{} is empty", ctx.where(), s.h, s.w);
  return s;
}

Status buildInterp(LayerContext& ctx) {
  const caffepb::InterpParameter& p = ctx.layer.interp_param();
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> in, ctx.dims(ctx.bottoms[0]));
  if (in.size() != 4)
    return Status::unsupported("{}: Interp of a rank-{} input", ctx.where(), in.size());
  if (p.pad_beg() > 0 || p.pad_end() > 0)
    return Status::invalid("{}: pad_beg and pad_end crop and must be <= 0", ctx.where());
  const int64_t effH = in[2] + p.pad_beg() + p.pad_end(), effW = in[3] + p.pad_beg() + p.pad_end();
  if (effH < 1 || effW < 1)
    return Status::invalid("{}: pad_beg {} and pad_end {} crop away a {}x{} input", ctx.where(),
                           p.pad_beg(), p.pad_end(), in[2], in[3]);
  NNP_ASSIGN_OR_RETURN(InterpSize out, interpSize(ctx, effH, effW));
  Value* x = ctx.bottoms[0];
  if (p.pad_beg() != 0 || p.pad_end() != 0) {
    const int64_t b = -p.pad_beg();
    NetBuilder& net = ctx.net;
    NNP_ASSIGN_OR_RETURN(x, ctx.helper("Slice", "crop",
                                       {x, net.int64s(ctx.name("starts"), {b, b}),
                                        net.int64s(ctx.name("ends"), {b + effH, b + effW}),
                                        net.int64s(ctx.name("axes"), {2, 3})}));
  }
  Value* sizes = ctx.net.int64s(ctx.name("sizes"), {in[0], in[1], out.h, out.w});
  return ctx
      .result("Resize", {x, nullptr, nullptr, sizes},
              {Attribute::ofString("mode", "linear"),
               Attribute::ofString("coordinate_transformation_mode", "align_corners")})
      .status();
}

// Upsample's factors: scale_h and scale_w together, else scale.
struct UpsampleScale {
  int64_t h = 0, w = 0;
};

Expected<UpsampleScale> upsampleScale(const LayerContext& ctx) {
  const caffepb::UpsampleParameter& p = ctx.layer.upsample_param();
  if (p.has_scale_h() != p.has_scale_w())
    return Status::invalid("{}: give scale_h and scale_w together", ctx.where());
  UpsampleScale s{p.scale(), p.scale()};
  if (p.has_scale_h()) s = {p.scale_h(), p.scale_w()};
  NNP_RETURN_IF_ERROR(ctx.checkRange("scale_h", s.h, 1, kMaxWindowAttr));
  NNP_RETURN_IF_ERROR(ctx.checkRange("scale_w", s.w, 1, kMaxWindowAttr));
  return s;
}

Status buildNearestUpsample(LayerContext& ctx, const std::vector<int64_t>& in) {
  const caffepb::UpsampleParameter& p = ctx.layer.upsample_param();
  if (p.has_upsample_h() || p.has_upsample_w() || p.pad_out_h() || p.pad_out_w())
    return Status::unsupported(
        "{}: upsample_h/upsample_w and pad_out_h/pad_out_w need the mask "
        "bottom of SegNet's Upsample; one bottom upsamples by scale",
        ctx.where());
  NNP_ASSIGN_OR_RETURN(UpsampleScale s, upsampleScale(ctx));
  NNP_ASSIGN_OR_RETURN(int64_t h, ctx.mul(in[2], s.h, "the output height"));
  NNP_ASSIGN_OR_RETURN(int64_t w, ctx.mul(in[3], s.w, "the output width"));
  Value* sizes = ctx.net.int64s(ctx.name("sizes"), {in[0], in[1], h, w});
  return ctx
      .result("Resize", {ctx.bottoms[0], nullptr, nullptr, sizes},
              {Attribute::ofString("mode", "nearest"),
               Attribute::ofString("coordinate_transformation_mode", "asymmetric"),
               Attribute::ofString("nearest_mode", "floor")})
      .status();
}

// SegNet: the output is upsample_h x upsample_w when both are given, else
// the input size times the scale, one less where pad_out_h/pad_out_w is set.
Expected<std::vector<int64_t>> unpoolDims(const LayerContext& ctx, const std::vector<int64_t>& in) {
  const caffepb::UpsampleParameter& p = ctx.layer.upsample_param();
  if (p.has_upsample_h() != p.has_upsample_w())
    return Status::invalid("{}: give upsample_h and upsample_w together", ctx.where());
  if (p.has_upsample_h()) {
    if (p.upsample_h() < 1 || p.upsample_w() < 1)
      return Status::invalid("{}: upsample_h and upsample_w must be positive", ctx.where());
    return std::vector<int64_t>{in[0], in[1], p.upsample_h(), p.upsample_w()};
  }
  NNP_ASSIGN_OR_RETURN(UpsampleScale s, upsampleScale(ctx));
  NNP_ASSIGN_OR_RETURN(int64_t h, ctx.mul(in[2], s.h, "the output height"));
  NNP_ASSIGN_OR_RETURN(int64_t w, ctx.mul(in[3], s.w, "the output width"));
  h -= p.pad_out_h() ? 1 : 0;
  w -= p.pad_out_w() ? 1 : 0;
  if (h < 1 || w < 1)
    return Status::invalid("{}: pad_out_h/pad_out_w leave an empty {}x{} output", ctx.where(), h,
                           w);
  return std::vector<int64_t>{in[0], in[1], h, w};
}

// Each (batch, channel) plane's first index in the flattened output: a
// constant of N * C int64s, N and C from the input, so its bytes are taken
// from the memory budget before it is made.
Expected<Value*> planeOffsets(LayerContext& ctx, const std::vector<int64_t>& out) {
  NNP_ASSIGN_OR_RETURN(int64_t planes, ctx.mul(out[0], out[1], "the number of planes"));
  NNP_ASSIGN_OR_RETURN(int64_t plane, ctx.mul(out[2], out[3], "the plane size"));
  NNP_RETURN_IF_ERROR(ctx.mul(planes, plane, "the output size").status());
  const auto bytes = checkedBytes(planes, 64);
  NNP_RETURN_IF_ERROR(
      ctx.net.reserve(bytes ? *bytes : UINT64_MAX,
                      fmt::format("{}: the plane offsets of {} planes", ctx.where(), planes)));
  auto buffer = std::make_shared<WritableBuffer>(*bytes);
  auto* base = reinterpret_cast<int64_t*>(buffer->mutableData());
  for (int64_t i = 0; i < planes; ++i) base[i] = i * plane;
  return ctx.net.constant(ctx.name("plane_offsets"),
                          std::make_shared<const Tensor>(
                              DType::Int64, std::vector<int64_t>{out[0], out[1], 1, 1}, buffer));
}

Status buildUnpool(LayerContext& ctx, const std::vector<int64_t>& in) {
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> mask, ctx.dims(ctx.bottoms[1]));
  if (mask != in)
    return Status::invalid("{}: the mask bottom's shape differs from the data's", ctx.where());
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> out, unpoolDims(ctx, in));
  NNP_ASSIGN_OR_RETURN(Value * offsets, planeOffsets(ctx, out));
  NetBuilder& net = ctx.net;
  NNP_ASSIGN_OR_RETURN(Value * idx,
                       ctx.helper("Cast", "mask_int", {ctx.bottoms[1]},
                                  {Attribute::ofInt("to", dtypeToOnnx(DType::Int64))}));
  NNP_ASSIGN_OR_RETURN(idx, ctx.helper("Add", "indices", {idx, offsets}));
  // output_shape gives the size; the window attributes only have to imply
  // a size no larger (ONNX Runtime checks that): 1x1, stride 1, end pads
  // where the output is smaller than the input.
  const std::vector<int64_t> pads = {0, 0, std::max<int64_t>(0, in[2] - out[2]),
                                     std::max<int64_t>(0, in[3] - out[3])};
  return ctx
      .result("MaxUnpool", {ctx.bottoms[0], idx, net.int64s(ctx.name("output_shape"), out)},
              {Attribute::ofInts("kernel_shape", {1, 1}), Attribute::ofInts("strides", {1, 1}),
               Attribute::ofInts("pads", pads)})
      .status();
}

Status buildUpsample(LayerContext& ctx) {
  if (ctx.bottoms.size() > 2)
    return Status::invalid(
        "{}: has {} bottoms, the layer reads one (nearest) or two (values and "
        "SegNet's pooling mask)",
        ctx.where(), ctx.bottoms.size());
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> in, ctx.dims(ctx.bottoms[0]));
  if (in.size() != 4)
    return Status::unsupported("{}: Upsample of a rank-{} input", ctx.where(), in.size());
  return ctx.bottoms.size() == 1 ? buildNearestUpsample(ctx, in) : buildUnpool(ctx, in);
}

}  // namespace

std::vector<LayerKind> resizeLayerKinds() {
  return {{"Interp", buildInterp, 1}, {"Upsample", buildUpsample, -1}};
}

}  // namespace nnport::caffe
