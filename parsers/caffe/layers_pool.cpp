// Pooling (MAX, AVE; global_pooling) with Caffe's output size: rounded up
// by default, and the last window dropped when it would start in the end
// padding. ONNX pools round down, so the extra rows/columns Caffe's
// rounding adds become extra end padding (`extraEnd`).
//
// AVE divides by the window clipped to [-pad, in + pad): padded cells
// count, the extra end padding does not. Explicit Pad(pad, zeros) followed
// by AveragePool(end pads = extraEnd, count_include_pad = 0) computes
// exactly that: the zeros count as cells, the extra padding does not.
// MAX: padded cells never win, so plain pads suffice. A second top on MAX
// pooling is the mask SegNet's Upsample reads (see maxPoolWithMask).
#include "ir/dtype_codes.h"
#include "parsers/caffe/caffe_builder.h"

namespace nnport::caffe {

Expected<PoolAxis> caffePoolAxis(int64_t in, int64_t kernel, int64_t stride, int64_t pad,
                                 bool ceil) {
  // These bounds keep every sum and product below far from int64 overflow.
  if (kernel < 1 || kernel > kMaxWindowAttr || stride < 1 || stride > kMaxWindowAttr || pad < 0 ||
      pad > kMaxWindowAttr)
    return Status::invalid("kernel {}, stride {} or pad {} is out of range", kernel, stride, pad);
  if (in < 1) return Status::invalid("pooling an empty input (size {})", in);
  if (in > kMaxWindowDim)
    return Status::unsupported("pooling an input of size {} (at most {})", in, kMaxWindowDim);
  const int64_t span = in + 2 * pad - kernel;
  if (span < 0)
    return Status::invalid("a {} window with pad {} does not fit an input of {}", kernel, pad, in);
  PoolAxis a;
  a.out = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
  if (pad > 0 && (a.out - 1) * stride >= in + pad) --a.out;
  // ONNX floor rounding with pads (pad, pad + extraEnd) gives `out`.
  a.extraEnd = (a.out - 1) * stride + kernel - (in + 2 * pad);
  // Only possible without padding (the clip rule prevents it otherwise).
  if (pad + a.extraEnd >= kernel)
    return Status::unsupported(
        "the last {}-wide window (stride {}) starts past the end of an "
        "input of {}: Caffe pools no cell there",
        kernel, stride, in);
  if (a.extraEnd < 0) {
    if ((in + 2 * pad - kernel) / stride + 1 != a.out)
      return Status::unsupported("pooling geometry in {} k {} s {} p {} has no ONNX equivalent", in,
                                 kernel, stride, pad);
    a.extraEnd = 0;
  }
  return a;
}

namespace {

using PP = caffepb::PoolingParameter;

struct PoolGeometry {
  int64_t kh, kw, sh, sw, ph, pw;
};

Expected<PoolGeometry> poolGeometry(const LayerContext& ctx, const PP& p) {
  PoolGeometry g{};
  if (p.has_kernel_h() != p.has_kernel_w() || (p.has_kernel_h() && p.kernel_size_size() > 0))
    return Status::invalid("{}: give kernel_size or both kernel_h and kernel_w", ctx.where());
  auto pick = [](const auto& rep, bool hw, int64_t h, int64_t w, int64_t dflt, int64_t& oh,
                 int64_t& ow) {
    if (hw) {
      oh = h;
      ow = w;
    } else if (rep.size() == 1)
      oh = ow = rep.Get(0);
    else if (rep.size() == 2) {
      oh = rep.Get(0);
      ow = rep.Get(1);
    } else
      oh = ow = dflt;
  };
  pick(p.kernel_size(), p.has_kernel_h(), p.kernel_h(), p.kernel_w(), 0, g.kh, g.kw);
  pick(p.stride(), p.has_stride_h() || p.has_stride_w(), p.stride_h(), p.stride_w(), 1, g.sh, g.sw);
  pick(p.pad(), p.has_pad_h() || p.has_pad_w(), p.pad_h(), p.pad_w(), 0, g.ph, g.pw);
  NNP_RETURN_IF_ERROR(ctx.checkRange("kernel_h", g.kh, 1, kMaxWindowAttr));
  NNP_RETURN_IF_ERROR(ctx.checkRange("kernel_w", g.kw, 1, kMaxWindowAttr));
  NNP_RETURN_IF_ERROR(ctx.checkRange("stride_h", g.sh, 1, kMaxWindowAttr));
  NNP_RETURN_IF_ERROR(ctx.checkRange("stride_w", g.sw, 1, kMaxWindowAttr));
  if (g.ph >= g.kh || g.pw >= g.kw)
    return Status::invalid("{}: pad must be smaller than the kernel", ctx.where());
  return g;
}

// MAX pooling's optional second top, the mask: where each maximum was, as
// a float index inside its (batch, channel) plane of the input. ONNX
// MaxPool's Indices count over the whole tensor, so the mask is
// Indices mod (H * W).
Status maxPoolWithMask(LayerContext& ctx, const std::vector<int64_t>& in,
                       std::vector<Attribute> attrs) {
  NetBuilder& net = ctx.net;
  const caffepb::LayerParameter& l = ctx.layer;
  const std::string y = net.topValueName(l.top(0), l.name());
  const std::string indices = net.topValueName(ctx.name("indices"), "");
  auto outs = net.node("MaxPool", {ctx.bottoms[0]}, {y, indices}, l.name(), std::move(attrs));
  if (!outs) return outs.status().withContext(ctx.where());
  net.setBlob(l.top(0), (*outs)[0]);
  NNP_ASSIGN_OR_RETURN(int64_t planeSize, ctx.mul(in[2], in[3], "the mask's plane size"));
  Value* plane = net.int64s(ctx.name("plane_size"), {planeSize});
  NNP_ASSIGN_OR_RETURN(Value * offset, ctx.helper("Mod", "mask_int", {(*outs)[1], plane}));
  const std::string mask = net.topValueName(l.top(1), l.name());
  auto m = net.node("Cast", {offset}, {mask}, ctx.name("mask"),
                    {Attribute::ofInt("to", dtypeToOnnx(DType::Float32))});
  if (!m) return m.status().withContext(ctx.where());
  net.setBlob(l.top(1), m->front());
  return Status::ok();
}

Status buildPooling(LayerContext& ctx) {
  const PP& p = ctx.layer.pooling_param();
  if (p.pool() == PP::STOCHASTIC)
    return Status::unsupported("{}: STOCHASTIC pooling is not supported", ctx.where());
  const bool isMax = p.pool() == PP::MAX;
  if (ctx.layer.top_size() > (isMax && !p.global_pooling() ? 2 : 1))
    return Status::invalid("{}: {} pooling has one top (windowed MAX pooling may add a mask top)",
                           ctx.where(), isMax ? "global" : "AVE");
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> in, ctx.dims(ctx.bottoms[0]));
  if (in.size() != 4)
    return Status::unsupported("{}: pooling of a rank-{} input", ctx.where(), in.size());
  if (p.global_pooling())
    return ctx.result(isMax ? "GlobalMaxPool" : "GlobalAveragePool", ctx.bottoms).status();
  NNP_ASSIGN_OR_RETURN(PoolGeometry g, poolGeometry(ctx, p));
  const bool ceil = p.round_mode() == PP::CEIL;
  auto h = caffePoolAxis(in[2], g.kh, g.sh, g.ph, ceil);
  auto w = caffePoolAxis(in[3], g.kw, g.sw, g.pw, ceil);
  if (!h) return h.status().withContext(ctx.where());
  if (!w) return w.status().withContext(ctx.where());
  std::vector<Attribute> attrs = {Attribute::ofInts("kernel_shape", {g.kh, g.kw}),
                                  Attribute::ofInts("strides", {g.sh, g.sw})};
  Value* x = ctx.bottoms[0];
  if (isMax) {
    attrs.push_back(
        Attribute::ofInts("pads", {g.ph, g.pw, g.ph + h->extraEnd, g.pw + w->extraEnd}));
    if (ctx.layer.top_size() == 2) return maxPoolWithMask(ctx, in, std::move(attrs));
    return ctx.result("MaxPool", {x}, std::move(attrs)).status();
  }
  if (g.ph > 0 || g.pw > 0) {
    NNP_ASSIGN_OR_RETURN(
        x, ctx.helper("Pad", "pad",
                      {x, ctx.net.int64s(ctx.name("pads"), {0, 0, g.ph, g.pw, 0, 0, g.ph, g.pw})}));
  }
  attrs.push_back(Attribute::ofInts("pads", {0, 0, h->extraEnd, w->extraEnd}));
  attrs.push_back(Attribute::ofInt("count_include_pad", 0));
  return ctx.result("AveragePool", {x}, std::move(attrs)).status();
}

}  // namespace

std::vector<LayerKind> poolLayerKinds() {
  return {{"Pooling", buildPooling, 1}};
}

}  // namespace nnport::caffe
