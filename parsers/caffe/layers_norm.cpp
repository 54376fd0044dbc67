// Normalization and per-channel affine layers: BatchNorm, Scale, Bias, LRN
// and Softmax.
//
// BatchNorm blobs: 0 mean sum, 1 variance sum, 2 the scale factor s (one
// value); the statistics are blob / s (0 when s == 0). Caffe's BatchNorm has
// no affine part: ONNX BatchNormalization with scale 1 and bias 0.
//
// Scale and Bias multiply / add a tensor covering input axes
// [axis, axis + num_axes): a blob, or with two bottoms the second bottom. It
// is reshaped to rank(input) - axis with trailing ones so it broadcasts.
#include <cmath>

#include "parsers/caffe/caffe_builder.h"

namespace nnport::caffe {
namespace {

Expected<std::vector<float>> blobValues(const LayerContext& ctx, size_t i, int64_t n,
                                        const char* what) {
  NNP_ASSIGN_OR_RETURN(TensorPtr t, ctx.blob(i, {n}, what));
  const float* p = reinterpret_cast<const float*>(t->buffer()->data());
  return std::vector<float>(p, p + n);
}

Status buildBatchNorm(LayerContext& ctx) {
  const auto& p = ctx.layer.batch_norm_param();
  if (p.has_use_global_stats() && !p.use_global_stats())
    return Status::unsupported(
        "{}: use_global_stats: false normalizes with the batch's own "
        "statistics; nnport converts inference graphs only",
        ctx.where());
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> in, ctx.dims(ctx.bottoms[0]));
  if (in.size() < 2) return Status::invalid("{}: input rank {} < 2", ctx.where(), in.size());
  const int64_t c = in[1];
  NNP_ASSIGN_OR_RETURN(std::vector<float> mean, blobValues(ctx, 0, c, "mean"));
  NNP_ASSIGN_OR_RETURN(std::vector<float> var, blobValues(ctx, 1, c, "variance"));
  NNP_ASSIGN_OR_RETURN(std::vector<float> s, blobValues(ctx, 2, 1, "scale factor"));
  const float factor = s[0] == 0.f ? 0.f : 1.f / s[0];
  for (auto* v : {&mean, &var})
    for (float& x : *v) x *= factor;
  NetBuilder& net = ctx.net;
  const std::vector<Value*> inputs = {
      ctx.bottoms[0],
      net.floats(ctx.name("scale"), {c}, std::vector<float>(static_cast<size_t>(c), 1.f)),
      net.floats(ctx.name("bias"), {c}, std::vector<float>(static_cast<size_t>(c), 0.f)),
      net.floats(ctx.name("mean"), {c}, mean), net.floats(ctx.name("var"), {c}, var)};
  return ctx.result("BatchNormalization", inputs, {Attribute::ofFloat("epsilon", p.eps())})
      .status();
}

// The dims a parameter covering input axes [axis, axis + n) broadcasts with.
std::vector<int64_t> broadcastDims(const std::vector<int64_t>& in, int64_t axis, int64_t n) {
  std::vector<int64_t> d(in.begin() + axis, in.begin() + axis + n);
  d.resize(in.size() - static_cast<size_t>(axis), 1);
  return d;
}

// The operand of a Scale / Bias layer: blob `blobIndex` or the second bottom.
Expected<Value*> affineOperand(LayerContext& ctx, int64_t axisParam, int64_t numAxes,
                               size_t blobIndex, const char* what) {
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> in, ctx.dims(ctx.bottoms[0]));
  NNP_ASSIGN_OR_RETURN(int64_t axis, ctx.axis(axisParam, in.size(), "axis"));
  if (ctx.bottoms.size() == 2) {
    NNP_ASSIGN_OR_RETURN(std::vector<int64_t> b, ctx.dims(ctx.bottoms[1]));
    const int64_t n = static_cast<int64_t>(b.size());
    if (axis + n > static_cast<int64_t>(in.size()) ||
        !std::equal(b.begin(), b.end(), in.begin() + axis))
      return Status::invalid("{}: the second bottom's shape does not match the input from axis {}",
                             ctx.where(), axis);
    return ctx.helper("Reshape", std::string(what) + "_shape",
                      {ctx.bottoms[1], ctx.net.int64s(ctx.name(std::string(what) + "_dims"),
                                                      broadcastDims(in, axis, n))});
  }
  const int64_t n = numAxes < 0 ? static_cast<int64_t>(in.size()) - axis : numAxes;
  if (axis + n > static_cast<int64_t>(in.size()))
    return Status::invalid("{}: num_axes={} runs past the input's rank {}", ctx.where(), numAxes,
                           in.size());
  NNP_ASSIGN_OR_RETURN(TensorPtr t, ctx.blob(blobIndex, broadcastDims(in, axis, n), what));
  return ctx.net.constant(ctx.name(what), t);
}

Status buildScale(LayerContext& ctx) {
  const auto& p = ctx.layer.scale_param();
  if (ctx.bottoms.size() > 2) return Status::invalid("{}: more than two bottoms", ctx.where());
  NNP_ASSIGN_OR_RETURN(Value * scale, affineOperand(ctx, p.axis(), p.num_axes(), 0, "scale"));
  if (!p.bias_term()) return ctx.result("Mul", {ctx.bottoms[0], scale}).status();
  NNP_ASSIGN_OR_RETURN(Value * y, ctx.helper("Mul", "mul", {ctx.bottoms[0], scale}));
  // With two bottoms the bias is blob 0, else blob 1 (after the scale).
  const size_t biasBlob = ctx.bottoms.size() == 2 ? 0 : 1;
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> in, ctx.dims(ctx.bottoms[0]));
  NNP_ASSIGN_OR_RETURN(int64_t axis, ctx.axis(p.axis(), in.size(), "axis"));
  const int64_t n =
      ctx.bottoms.size() == 2
          ? static_cast<int64_t>(ctx.bottoms[1]->type.shape.rank())
          : (p.num_axes() < 0 ? static_cast<int64_t>(in.size()) - axis : p.num_axes());
  NNP_ASSIGN_OR_RETURN(TensorPtr b, ctx.blob(biasBlob, broadcastDims(in, axis, n), "bias"));
  return ctx.result("Add", {y, ctx.net.constant(ctx.name("bias"), b)}).status();
}

Status buildBias(LayerContext& ctx) {
  const auto& p = ctx.layer.bias_param();
  if (ctx.bottoms.size() > 2) return Status::invalid("{}: more than two bottoms", ctx.where());
  NNP_ASSIGN_OR_RETURN(Value * bias, affineOperand(ctx, p.axis(), p.num_axes(), 0, "bias"));
  return ctx.result("Add", {ctx.bottoms[0], bias}).status();
}

// ACROSS_CHANNELS is ONNX LRN. WITHIN_CHANNEL: x * (1 + alpha * avg(x^2))^-beta
// with avg over a size x size window (padded cells count, stride 1).
Status buildLRN(LayerContext& ctx) {
  const auto& p = ctx.layer.lrn_param();
  const int64_t size = p.local_size();
  NNP_RETURN_IF_ERROR(ctx.checkRange("local_size", size, 1, kMaxWindowAttr));
  if (size % 2 == 0) return Status::invalid("{}: local_size must be odd", ctx.where());
  if (p.norm_region() == caffepb::LRNParameter::ACROSS_CHANNELS)
    return ctx
        .result("LRN", ctx.bottoms,
                {Attribute::ofInt("size", size), Attribute::ofFloat("alpha", p.alpha()),
                 Attribute::ofFloat("beta", p.beta()), Attribute::ofFloat("bias", p.k())})
        .status();
  NetBuilder& net = ctx.net;
  Value* x = ctx.bottoms[0];
  const int64_t pad = (size - 1) / 2;
  NNP_ASSIGN_OR_RETURN(Value * sq, ctx.helper("Mul", "square", {x, x}));
  NNP_ASSIGN_OR_RETURN(Value * avg, ctx.helper("AveragePool", "avg", {sq},
                                               {Attribute::ofInts("kernel_shape", {size, size}),
                                                Attribute::ofInts("pads", {pad, pad, pad, pad}),
                                                Attribute::ofInt("count_include_pad", 1)}));
  NNP_ASSIGN_OR_RETURN(
      Value * scaled,
      ctx.helper("Mul", "alpha", {avg, net.floats(ctx.name("alpha_value"), {}, {p.alpha()})}));
  NNP_ASSIGN_OR_RETURN(
      Value * shifted,
      ctx.helper("Add", "one", {scaled, net.floats(ctx.name("one_value"), {}, {1.f})}));
  NNP_ASSIGN_OR_RETURN(
      Value * den,
      ctx.helper("Pow", "pow", {shifted, net.floats(ctx.name("beta_value"), {}, {-p.beta()})}));
  return ctx.result("Mul", {x, den}).status();
}

Status buildSoftmax(LayerContext& ctx) {
  return ctx
      .result("Softmax", ctx.bottoms, {Attribute::ofInt("axis", ctx.layer.softmax_param().axis())})
      .status();
}

}  // namespace

std::vector<LayerKind> normLayerKinds() {
  return {{"BatchNorm", buildBatchNorm, 1},
          {"Scale", buildScale, -1},
          {"Bias", buildBias, -1},
          {"LRN", buildLRN, 1},
          {"Softmax", buildSoftmax, 1}};
}

}  // namespace nnport::caffe
