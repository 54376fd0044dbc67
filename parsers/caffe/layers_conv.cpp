// Layers with a weight matrix: Convolution, Deconvolution and InnerProduct.
// Blobs: 0 the weights, 1 the bias (when bias_term). Convolution weights are
// [out, in/group, k...]; Deconvolution's [in, out/group, k...], which is
// ONNX ConvTranspose's layout; InnerProduct's [out, in], or [in, out] with
// transpose.
#include "parsers/caffe/caffe_builder.h"
#include "support/checked_math.h"

namespace nnport::caffe {
namespace {

struct ConvGeometry {
  std::vector<int64_t> kernel, stride, pad, dilation;
};

// One value per spatial axis from a repeated field (one value for all axes,
// or one each), the 2-D *_h/*_w forms, or the default.
template <typename Repeated>
Expected<std::vector<int64_t>> perAxis(const LayerContext& ctx, const Repeated& values, bool hasHW,
                                       int64_t h, int64_t w, size_t nsp, int64_t dflt,
                                       const char* what) {
  if (hasHW) {
    if (nsp != 2) return Status::invalid("{}: {}_h/_w need a 2-D convolution", ctx.where(), what);
    if (values.size() > 0)
      return Status::invalid("{}: both {} and {}_h/_w are given", ctx.where(), what, what);
    return std::vector<int64_t>{h, w};
  }
  if (values.size() == 0) return std::vector<int64_t>(nsp, dflt);
  if (values.size() == 1) return std::vector<int64_t>(nsp, values.Get(0));
  if (static_cast<size_t>(values.size()) != nsp)
    return Status::invalid("{}: {} has {} values for {} spatial axes", ctx.where(), what,
                           values.size(), nsp);
  return std::vector<int64_t>(values.begin(), values.end());
}

Expected<ConvGeometry> convGeometry(const LayerContext& ctx, const caffepb::ConvolutionParameter& p,
                                    size_t nsp) {
  ConvGeometry g;
  if (p.axis() != 1) return Status::unsupported("{}: axis={} (only 1)", ctx.where(), p.axis());
  const bool kHW = p.has_kernel_h() || p.has_kernel_w(), sHW = p.has_stride_h() || p.has_stride_w();
  const bool pHW = p.has_pad_h() || p.has_pad_w();
  NNP_ASSIGN_OR_RETURN(
      g.kernel, perAxis(ctx, p.kernel_size(), kHW, p.kernel_h(), p.kernel_w(), nsp, 0, "kernel"));
  NNP_ASSIGN_OR_RETURN(g.stride,
                       perAxis(ctx, p.stride(), sHW, p.stride_h(), p.stride_w(), nsp, 1, "stride"));
  NNP_ASSIGN_OR_RETURN(g.pad, perAxis(ctx, p.pad(), pHW, p.pad_h(), p.pad_w(), nsp, 0, "pad"));
  NNP_ASSIGN_OR_RETURN(g.dilation, perAxis(ctx, p.dilation(), false, 0, 0, nsp, 1, "dilation"));
  for (size_t i = 0; i < nsp; ++i) {
    NNP_RETURN_IF_ERROR(ctx.checkRange("kernel", g.kernel[i], 1, kMaxWindowAttr));
    NNP_RETURN_IF_ERROR(ctx.checkRange("stride", g.stride[i], 1, kMaxWindowAttr));
    NNP_RETURN_IF_ERROR(ctx.checkRange("pad", g.pad[i], 0, kMaxWindowAttr));
    NNP_RETURN_IF_ERROR(ctx.checkRange("dilation", g.dilation[i], 1, kMaxWindowAttr));
  }
  return g;
}

// Spatial sizes past kMaxWindowDim have no static output size in the IR;
// a convolution window larger than its padded input has no output at all
// (Caffe refuses it too). The bounds keep this arithmetic far from overflow.
Status checkFits(const LayerContext& ctx, const std::vector<int64_t>& in, const ConvGeometry& g,
                 bool transposed) {
  for (size_t i = 0; i < g.kernel.size(); ++i) {
    const int64_t size = in[i + 2];
    if (size > kMaxWindowDim)
      return Status::unsupported("{}: an input of size {} along spatial axis {} (at most {})",
                                 ctx.where(), size, i, kMaxWindowDim);
    const int64_t window = (g.kernel[i] - 1) * g.dilation[i] + 1;
    if (!transposed && window > size + 2 * g.pad[i])
      return Status::invalid(
          "{}: a {}-wide window does not fit spatial axis {} of size {} with "
          "pad {}",
          ctx.where(), window, i, size, g.pad[i]);
  }
  return Status::ok();
}

Status buildConv(LayerContext& ctx, bool transposed) {
  const auto& p = ctx.layer.convolution_param();
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> in, ctx.dims(ctx.bottoms[0]));
  if (in.size() < 3) return Status::invalid("{}: input rank {} < 3", ctx.where(), in.size());
  NNP_ASSIGN_OR_RETURN(ConvGeometry g, convGeometry(ctx, p, in.size() - 2));
  NNP_RETURN_IF_ERROR(checkFits(ctx, in, g, transposed));
  const int64_t out = p.num_output(), group = p.group(), c = in[1];
  NNP_RETURN_IF_ERROR(ctx.checkRange("group", group, 1, kMaxWindowAttr));
  if (out < 1 || c % group != 0 || out % group != 0)
    return Status::invalid(
        "{}: num_output={} and the {} input channels must be positive multiples "
        "of group={}",
        ctx.where(), out, c, group);
  std::vector<int64_t> wdims =
      transposed ? std::vector<int64_t>{c, out / group} : std::vector<int64_t>{out, c / group};
  wdims.insert(wdims.end(), g.kernel.begin(), g.kernel.end());
  NNP_ASSIGN_OR_RETURN(TensorPtr w, ctx.blob(0, wdims, "weights"));
  std::vector<Value*> inputs = {ctx.bottoms[0], ctx.net.constant(ctx.name("weights"), w)};
  if (p.bias_term()) {
    NNP_ASSIGN_OR_RETURN(TensorPtr b, ctx.blob(1, {out}, "bias"));
    inputs.push_back(ctx.net.constant(ctx.name("bias"), b));
  }
  std::vector<int64_t> pads = g.pad;
  pads.insert(pads.end(), g.pad.begin(), g.pad.end());
  std::vector<Attribute> attrs = {
      Attribute::ofInts("kernel_shape", g.kernel), Attribute::ofInts("strides", g.stride),
      Attribute::ofInts("dilations", g.dilation), Attribute::ofInts("pads", pads),
      Attribute::ofInt("group", group)};
  return ctx.result(transposed ? "ConvTranspose" : "Conv", inputs, std::move(attrs)).status();
}

Status buildConvolution(LayerContext& ctx) {
  return buildConv(ctx, false);
}
Status buildDeconvolution(LayerContext& ctx) {
  return buildConv(ctx, true);
}

// Flatten(axis) -> Gemm -> Reshape back to the leading axes when axis > 1.
Status buildInnerProduct(LayerContext& ctx) {
  const auto& p = ctx.layer.inner_product_param();
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> in, ctx.dims(ctx.bottoms[0]));
  NNP_ASSIGN_OR_RETURN(int64_t axis, ctx.axis(p.axis(), in.size(), "axis"));
  const auto k = checkedProduct(std::vector<int64_t>(in.begin() + axis, in.end()));
  if (!k) return Status::invalid("{}: the input's size from axis {} overflows", ctx.where(), axis);
  const int64_t n = p.num_output();
  if (n < 1) return Status::invalid("{}: num_output must be positive", ctx.where());
  NNP_ASSIGN_OR_RETURN(
      TensorPtr w,
      ctx.blob(0, p.transpose() ? std::vector<int64_t>{*k, n} : std::vector<int64_t>{n, *k},
               "weights"));
  Value* x = ctx.bottoms[0];
  if (axis == 0 || in.size() != 2) {
    NNP_ASSIGN_OR_RETURN(x,
                         ctx.helper("Flatten", "flatten", {x}, {Attribute::ofInt("axis", axis)}));
  }
  std::vector<Value*> inputs = {x, ctx.net.constant(ctx.name("weights"), w)};
  if (p.bias_term()) {
    NNP_ASSIGN_OR_RETURN(TensorPtr b, ctx.blob(1, {n}, "bias"));
    inputs.push_back(ctx.net.constant(ctx.name("bias"), b));
  }
  const std::vector<Attribute> gemmAttrs = {Attribute::ofInt("transB", p.transpose() ? 0 : 1)};
  if (axis == 1) return ctx.result("Gemm", inputs, gemmAttrs).status();
  NNP_ASSIGN_OR_RETURN(Value * y, ctx.helper("Gemm", "gemm", inputs, gemmAttrs));
  std::vector<int64_t> shape(in.begin(), in.begin() + axis);
  shape.push_back(n);
  return ctx.result("Reshape", {y, ctx.net.int64s(ctx.name("shape"), shape)}).status();
}

}  // namespace

std::vector<LayerKind> convLayerKinds() {
  return {{"Convolution", buildConvolution, 1},
          {"Deconvolution", buildDeconvolution, 1},
          {"InnerProduct", buildInnerProduct, 1}};
}

}  // namespace nnport::caffe
