// Layers that combine, split or rearrange blobs: Concat, Eltwise, Flatten,
// Reshape, Permute (from SSD), Slice and Crop.
#include "parsers/caffe/caffe_builder.h"
#include "support/checked_math.h"

namespace nnport::caffe {
namespace {

Expected<size_t> rankOf(const LayerContext& ctx, size_t bottom) {
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> d, ctx.dims(ctx.bottoms[bottom]));
  return d.size();
}

Status buildConcat(LayerContext& ctx) {
  const auto& p = ctx.layer.concat_param();
  NNP_ASSIGN_OR_RETURN(size_t rank, rankOf(ctx, 0));
  NNP_ASSIGN_OR_RETURN(int64_t axis,
                       ctx.axis(p.has_concat_dim() ? p.concat_dim() : p.axis(), rank, "axis"));
  return ctx.result("Concat", ctx.bottoms, {Attribute::ofInt("axis", axis)}).status();
}

// SUM (with optional coefficients), PROD or MAX over all bottoms.
Status buildEltwise(LayerContext& ctx) {
  using EP = caffepb::EltwiseParameter;
  const auto& p = ctx.layer.eltwise_param();
  if (p.coeff_size() > 0 &&
      (p.operation() != EP::SUM || p.coeff_size() != static_cast<int>(ctx.bottoms.size())))
    return Status::invalid("{}: coeff needs operation SUM and one value per bottom", ctx.where());
  std::vector<Value*> terms = ctx.bottoms;
  for (int i = 0; i < p.coeff_size(); ++i) {
    if (p.coeff(i) == 1.f) continue;
    Value* c = ctx.net.floats(ctx.name(fmt::format("coeff{}", i)), {}, {p.coeff(i)});
    NNP_ASSIGN_OR_RETURN(
        terms[static_cast<size_t>(i)],
        ctx.helper("Mul", fmt::format("scaled{}", i), {terms[static_cast<size_t>(i)], c}));
  }
  if (terms.size() == 1) return ctx.result("Identity", terms).status();
  if (p.operation() == EP::MAX) return ctx.result("Max", terms).status();
  if (p.operation() == EP::SUM)
    return ctx.result(terms.size() == 2 ? "Add" : "Sum", terms).status();
  Value* acc = terms[0];
  for (size_t i = 1; i + 1 < terms.size(); ++i) {
    NNP_ASSIGN_OR_RETURN(acc, ctx.helper("Mul", fmt::format("prod{}", i), {acc, terms[i]}));
  }
  return ctx.result("Mul", {acc, terms.back()}).status();
}

// A Reshape to the static `dims` (the batch is static too, see caffe.md).
Status reshapeTo(LayerContext& ctx, std::vector<int64_t> dims) {
  return ctx.result("Reshape", {ctx.bottoms[0], ctx.net.int64s(ctx.name("shape"), dims)}).status();
}

Status buildFlatten(LayerContext& ctx) {
  const auto& p = ctx.layer.flatten_param();
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> in, ctx.dims(ctx.bottoms[0]));
  NNP_ASSIGN_OR_RETURN(int64_t axis, ctx.axis(p.axis(), in.size(), "axis"));
  NNP_ASSIGN_OR_RETURN(int64_t end, ctx.axis(p.end_axis(), in.size(), "end_axis"));
  if (end < axis) return Status::invalid("{}: end_axis {} < axis {}", ctx.where(), end, axis);
  std::vector<int64_t> out(in.begin(), in.begin() + axis);
  const auto flat = checkedProduct(std::vector<int64_t>(in.begin() + axis, in.begin() + end + 1));
  if (!flat) return Status::invalid("{}: the flattened size overflows", ctx.where());
  out.push_back(*flat);
  out.insert(out.end(), in.begin() + end + 1, in.end());
  return reshapeTo(ctx, out);
}

// Caffe's 0 copies the input dim at the same position and -1 is inferred,
// as in ONNX Reshape once the kept leading and trailing axes are spelled out.
Status buildReshape(LayerContext& ctx) {
  const auto& p = ctx.layer.reshape_param();
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> in, ctx.dims(ctx.bottoms[0]));
  const int64_t rank = static_cast<int64_t>(in.size());
  int64_t axis = p.axis() < 0 ? p.axis() + rank + 1 : p.axis();
  if (axis < 0 || axis > rank)
    return Status::invalid("{}: axis {} is out of range", ctx.where(), p.axis());
  const int64_t n = p.num_axes() < 0 ? rank - axis : p.num_axes();
  if (axis + n > rank)
    return Status::invalid("{}: num_axes {} runs past the input", ctx.where(), p.num_axes());
  std::vector<int64_t> out(in.begin(), in.begin() + axis);
  for (int64_t d : p.shape().dim()) {
    if (d < -1) return Status::invalid("{}: shape dim {}", ctx.where(), d);
    if (d == 0 && out.size() >= in.size())
      return Status::invalid("{}: shape dim 0 at axis {} has no input dim to copy", ctx.where(),
                             out.size());
    out.push_back(d == 0 ? in[out.size()] : d);
  }
  out.insert(out.end(), in.begin() + axis + n, in.end());
  return reshapeTo(ctx, out);
}

// order lists the first axes of the output; the others follow in input order.
Status buildPermute(LayerContext& ctx) {
  NNP_ASSIGN_OR_RETURN(size_t rank, rankOf(ctx, 0));
  std::vector<int64_t> perm;
  std::vector<bool> used(rank, false);
  for (uint32_t o : ctx.layer.permute_param().order()) {
    if (o >= rank || used[o])
      return Status::invalid("{}: order has {} twice or out of range", ctx.where(), o);
    used[o] = true;
    perm.push_back(o);
  }
  for (size_t i = 0; i < rank; ++i)
    if (!used[i]) perm.push_back(static_cast<int64_t>(i));
  return ctx.result("Transpose", ctx.bottoms, {Attribute::ofInts("perm", perm)}).status();
}

// slice_point: where each top after the first starts; none: equal parts.
Status buildSlice(LayerContext& ctx) {
  const auto& p = ctx.layer.slice_param();
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> in, ctx.dims(ctx.bottoms[0]));
  NNP_ASSIGN_OR_RETURN(int64_t axis,
                       ctx.axis(p.has_slice_dim() ? p.slice_dim() : p.axis(), in.size(), "axis"));
  const int64_t len = in[static_cast<size_t>(axis)], tops = ctx.layer.top_size();
  std::vector<int64_t> sizes;
  if (p.slice_point_size() > 0) {
    if (p.slice_point_size() != tops - 1)
      return Status::invalid("{}: {} slice points for {} tops", ctx.where(), p.slice_point_size(),
                             tops);
    int64_t prev = 0;
    for (int64_t sp : p.slice_point()) {
      if (sp <= prev || sp >= len)
        return Status::invalid("{}: slice_point {} is out of order or range", ctx.where(), sp);
      sizes.push_back(sp - prev);
      prev = sp;
    }
    sizes.push_back(len - prev);
  } else {
    if (len % tops != 0)
      return Status::invalid("{}: axis size {} is not divisible by {} tops", ctx.where(), len,
                             tops);
    sizes.assign(static_cast<size_t>(tops), len / tops);
  }
  return ctx
      .result("Split", {ctx.bottoms[0], ctx.net.int64s(ctx.name("split"), sizes)},
              {Attribute::ofInt("axis", axis)})
      .status();
}

// Crops bottom 0 to bottom 1's dims from `axis` on, starting at `offset`
// (one value for every cropped axis, or one each).
Status buildCrop(LayerContext& ctx) {
  const auto& p = ctx.layer.crop_param();
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> in, ctx.dims(ctx.bottoms[0]));
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> ref, ctx.dims(ctx.bottoms[1]));
  NNP_ASSIGN_OR_RETURN(int64_t axis, ctx.axis(p.axis(), in.size(), "axis"));
  const size_t n = in.size() - static_cast<size_t>(axis);
  if (ref.size() != in.size())
    return Status::invalid("{}: the bottoms differ in rank", ctx.where());
  if (p.offset_size() > 1 && static_cast<size_t>(p.offset_size()) != n)
    return Status::invalid("{}: {} offsets for {} cropped axes", ctx.where(), p.offset_size(), n);
  std::vector<int64_t> starts, ends, axes;
  for (size_t i = 0; i < n; ++i) {
    const size_t a = static_cast<size_t>(axis) + i;
    const int64_t off =
        p.offset_size() == 0 ? 0 : p.offset(p.offset_size() == 1 ? 0 : static_cast<int>(i));
    NNP_ASSIGN_OR_RETURN(int64_t end, ctx.add(off, ref[a], "the crop's end"));
    if (end > in[a])
      return Status::invalid("{}: offset {} + size {} exceeds axis {} of size {}", ctx.where(), off,
                             ref[a], a, in[a]);
    starts.push_back(off);
    ends.push_back(end);
    axes.push_back(static_cast<int64_t>(a));
  }
  NetBuilder& net = ctx.net;
  return ctx
      .result("Slice", {ctx.bottoms[0], net.int64s(ctx.name("starts"), starts),
                        net.int64s(ctx.name("ends"), ends), net.int64s(ctx.name("axes"), axes)})
      .status();
}

}  // namespace

std::vector<LayerKind> shapeLayerKinds() {
  return {{"Concat", buildConcat, -1},  {"Eltwise", buildEltwise, -1}, {"Flatten", buildFlatten, 1},
          {"Reshape", buildReshape, 1}, {"Permute", buildPermute, 1},  {"Slice", buildSlice, 1},
          {"Crop", buildCrop, 2}};
}

}  // namespace nnport::caffe
