// Convolutions and matrix products: Conv2D, DepthwiseConv2dNative,
// Conv2DBackpropInput (-> ConvTranspose) and MatMul. The NHWC input goes
// through Transpose(0,3,1,2) into the NCHW IR op and back through
// Transpose(0,2,3,1); the layout passes cancel the pairs between ops.
// Kernels: Conv2D HWIO -> OIHW; depthwise [kh,kw,C,m] -> [C*m,1,kh,kw]
// (output channel c*m+j is kernel[:,:,c,j]) with group C; the transposed
// conv's [kh,kw,Cout,Cin] -> [Cin,Cout,kh,kw].
#include "ir/ops/infer_util.h"
#include "ir/permutation.h"
#include "parsers/tensorflow/tf_builder.h"

namespace nnport::tf {

// TF's SAME: the output has ceil(in/stride) cells; the padding that needs
// is split with the odd cell at the end.
Pads1d samePads(int64_t in, int64_t kernel, int64_t stride, int64_t dilation) {
  const int64_t effective = (kernel - 1) * dilation + 1;
  const int64_t out = (in + stride - 1) / stride;
  const int64_t total = std::max<int64_t>((out - 1) * stride + effective - in, 0);
  return {total / 2, total - total / 2};
}

namespace {

// A [1, h, w, 1] attribute as {h, w}, each in [1, kMaxWindowAttr].
Expected<std::vector<int64_t>> spatialAttr(const NodeContext& ctx, const char* name,
                                           int64_t fallback) {
  std::vector<int64_t> v = ctx.attrInts(name);
  if (v.empty()) return std::vector<int64_t>{fallback, fallback};
  if (v.size() != 4 || v[0] != 1 || v[3] != 1)
    return ctx.unsupported("{} must be [1, h, w, 1]", name);
  NNP_RETURN_IF_ERROR(ctx.checkRange(fmt::format("{} h", name), v[1], 1, kMaxWindowAttr));
  NNP_RETURN_IF_ERROR(ctx.checkRange(fmt::format("{} w", name), v[2], 1, kMaxWindowAttr));
  return std::vector<int64_t>{v[1], v[2]};
}

Expected<std::vector<int64_t>> explicitPads(const NodeContext& ctx) {
  std::vector<int64_t> p = ctx.attrInts("explicit_paddings");
  if (p.size() != 8 || p[0] || p[1] || p[6] || p[7])
    return ctx.invalid("EXPLICIT padding needs 8 explicit_paddings with none on N and C");
  for (size_t i = 2; i < 6; ++i)
    NNP_RETURN_IF_ERROR(ctx.checkRange("explicit_paddings value", p[i], 0, kMaxWindowAttr));
  return std::vector<int64_t>{p[2], p[4], p[3], p[5]};
}

}  // namespace

Expected<Window> windowOf(const NodeContext& ctx, const std::vector<int64_t>& in,
                          const std::vector<int64_t>& kernel, const char* stridesAttr) {
  NNP_RETURN_IF_ERROR(ctx.requireNhwc());
  for (int64_t k : kernel) {
    if (k < 0) return ctx.unsupported("the filter's spatial size is unknown");
    NNP_RETURN_IF_ERROR(ctx.checkRange("kernel size", k, 1, kMaxWindowAttr));
  }
  // Bounded here, TF's SAME arithmetic below cannot overflow.
  for (size_t d = 1; d <= 2; ++d)
    if (in[d] > kMaxWindowDim)
      return ctx.unsupported("an input {} of {} (at most {})", d == 1 ? "height" : "width", in[d],
                             kMaxWindowDim);
  Window w;
  w.kernel = kernel;
  NNP_ASSIGN_OR_RETURN(w.strides, spatialAttr(ctx, stridesAttr, 1));
  NNP_ASSIGN_OR_RETURN(w.dilations, spatialAttr(ctx, "dilations", 1));
  const std::string padding = ctx.attrString("padding", "");
  if (padding == "VALID") {
    w.pads = {0, 0, 0, 0};
  } else if (padding == "SAME") {
    if (in[1] < 0 || in[2] < 0)
      return ctx.unsupported("SAME padding needs static H and W (give --inputShape)");
    const Pads1d h = samePads(in[1], kernel[0], w.strides[0], w.dilations[0]);
    const Pads1d x = samePads(in[2], kernel[1], w.strides[1], w.dilations[1]);
    w.pads = {h.begin, x.begin, h.end, x.end};
  } else if (padding == "EXPLICIT") {
    NNP_ASSIGN_OR_RETURN(w.pads, explicitPads(ctx));
  } else {
    return ctx.invalid("padding '{}' is not SAME, VALID or EXPLICIT", padding);
  }
  // TF refuses a window larger than its padded input ("negative dimension").
  for (size_t d = 0; d < 2; ++d) {
    const int64_t window = (kernel[d] - 1) * w.dilations[d] + 1;
    if (in[d + 1] >= 0 && window > in[d + 1] + w.pads[d] + w.pads[d + 2])
      return ctx.invalid("a {}-wide window does not fit an input {} of {} with {} padding", window,
                         d == 0 ? "height" : "width", in[d + 1], padding);
  }
  return w;
}

namespace {

std::vector<Attribute> convAttrs(const Window& w, int64_t group) {
  std::vector<Attribute> a = {
      Attribute::ofInts("kernel_shape", w.kernel), Attribute::ofInts("strides", w.strides),
      Attribute::ofInts("dilations", w.dilations), Attribute::ofInts("pads", w.pads)};
  if (group > 1) a.push_back(Attribute::ofInt("group", group));
  return a;
}

// `t` (4-D, 4-byte elements) with out.dims[i] = t.dims[p[i]]: a plain loop
// into an unzeroed buffer, several times faster on big kernels than the
// generic transposeConstant, which takes every other case.
TensorPtr permuted(const Tensor& t, const Perm& p) {
  const auto& d = t.dims();
  if (dtypeSize(t.dtype()) != 4 || d.size() != 4 || p.size() != 4 || !t.validate().isOk())
    return transposeConstant(t, p);
  const int64_t in[4] = {d[1] * d[2] * d[3], d[2] * d[3], d[3], 1};
  int64_t od[4], st[4];
  for (size_t i = 0; i < 4; ++i) od[i] = d[static_cast<size_t>(p[i])], st[i] = in[p[i]];
  auto buf = std::make_shared<WritableBuffer>(t.byteSize());
  const uint32_t* src = t.data<uint32_t>();
  uint32_t* dst = reinterpret_cast<uint32_t*>(buf->mutableData());
  for (int64_t a = 0; a < od[0]; ++a)
    for (int64_t b = 0; b < od[1]; ++b)
      for (int64_t c = 0; c < od[2]; ++c) {
        const uint32_t* row = src + a * st[0] + b * st[1] + c * st[2];
        for (int64_t e = 0; e < od[3]; ++e) *dst++ = row[e * st[3]];
      }
  return std::make_shared<const Tensor>(t.dtype(), std::vector<int64_t>(od, od + 4),
                                        std::move(buf));
}

// The filter (input i) transposed by `perm` and, when `dims` is given,
// given those dims (same bytes). A non-constant filter gets a Transpose
// (and Reshape) node instead.
Expected<Value*> kernelOf(NodeContext& ctx, size_t i, const Perm& perm,
                          std::vector<int64_t> dims = {}) {
  NNP_ASSIGN_OR_RETURN(Value * f, ctx.in(i));
  if (f->isConstant()) {
    if (f->initializer()->dims().size() != perm.size())
      return ctx.invalid("filter '{}' is not a rank-{} tensor", f->name(), perm.size());
    TensorPtr t = permuted(*f->initializer(), perm);
    if (!t) return ctx.invalid("filter '{}' cannot be transposed", f->name());
    if (!dims.empty()) t = std::make_shared<const Tensor>(t->dtype(), dims, t->buffer());
    return ctx.b.constant(ctx.name("kernel"), t);
  }
  NNP_ASSIGN_OR_RETURN(Value * k, ctx.b.transpose(f, perm, ctx.name("kernel")));
  if (dims.empty()) return k;
  return ctx.b.op("Reshape", {k, ctx.b.int64s(ctx.name("kernel_shape"), dims)},
                  ctx.name("kernel_reshaped"));
}

// y = op(NCHW x, kernel) back in NHWC.
Expected<Outputs> wrapNchw(NodeContext& ctx, const std::string& op, Value* x,
                           std::vector<Value*> rest, std::vector<Attribute> attrs) {
  NNP_ASSIGN_OR_RETURN(Value * xc, ctx.b.transpose(x, kToNchw, ctx.name("to_nchw")));
  rest.insert(rest.begin(), xc);
  NNP_ASSIGN_OR_RETURN(Value * y, ctx.b.op(op, rest, ctx.name(op), std::move(attrs)));
  NNP_ASSIGN_OR_RETURN(Value * out, ctx.b.transpose(y, kToNhwc, ctx.name("to_nhwc")));
  return Outputs{out};
}

Expected<Outputs> conv2d(NodeContext& ctx) {
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> in, ctx.staticDims(0, 4));
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> f, ctx.staticDims(1, 4));
  if (in[3] < 0 || f[2] < 1 || in[3] % f[2] != 0)
    return ctx.invalid("the input's {} channels are not a multiple of the filter's {}", in[3],
                       f[2]);
  NNP_ASSIGN_OR_RETURN(Window w, windowOf(ctx, in, {f[0], f[1]}, "strides"));
  NNP_ASSIGN_OR_RETURN(Value * k, kernelOf(ctx, 1, {3, 2, 0, 1}));
  return wrapNchw(ctx, "Conv", ctx.inputs[0], {k}, convAttrs(w, in[3] / f[2]));
}

Expected<Outputs> depthwise(NodeContext& ctx) {
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> in, ctx.staticDims(0, 4));
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> f, ctx.staticDims(1, 4));
  if (in[3] != f[2]) return ctx.invalid("the input has {} channels, the filter {}", in[3], f[2]);
  NNP_ASSIGN_OR_RETURN(Window w, windowOf(ctx, in, {f[0], f[1]}, "strides"));
  NNP_RETURN_IF_ERROR(ctx.checkRange("the filter's channel count", f[2], 1, kMaxWindowAttr));
  NNP_RETURN_IF_ERROR(ctx.checkRange("the filter's channel multiplier", f[3], 1, kMaxWindowAttr));
  NNP_ASSIGN_OR_RETURN(Value * k, kernelOf(ctx, 1, {2, 3, 0, 1}, {f[2] * f[3], 1, f[0], f[1]}));
  return wrapNchw(ctx, "Conv", ctx.inputs[0], {k}, convAttrs(w, f[2]));
}

// Conv2DBackpropInput(input_sizes, filter, dy): the gradient of a Conv2D
// whose input had input_sizes. Its pads are the forward conv's on that
// size; output_padding makes up what ConvTranspose's formula leaves out.
Expected<Outputs> conv2dBackpropInput(NodeContext& ctx) {
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> outSize, ctx.constInts(0, "input_sizes"));
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> f, ctx.staticDims(1, 4));
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> dy, ctx.staticDims(2, 4));
  if (outSize.size() != 4 || dy[3] != f[3])
    return ctx.invalid(
        "input_sizes must have 4 values and the filter's last dim match dy's channels");
  for (size_t d = 1; d <= 2; ++d)
    NNP_RETURN_IF_ERROR(ctx.checkRange("input_sizes' H and W", outSize[d], 1, kMaxWindowDim));
  NNP_ASSIGN_OR_RETURN(Window w, windowOf(ctx, outSize, {f[0], f[1]}, "strides"));
  std::vector<int64_t> outputPadding(2);
  for (size_t d = 0; d < 2; ++d) {
    if (dy[d + 1] < 0) return ctx.unsupported("dy needs static H and W");
    NNP_RETURN_IF_ERROR(ctx.checkRange("dy's H and W", dy[d + 1], 1, kMaxWindowDim));
    const int64_t effective = (f[d] - 1) * w.dilations[d] + 1;
    const int64_t natural = w.strides[d] * (dy[d + 1] - 1) + effective - w.pads[d] - w.pads[d + 2];
    outputPadding[d] = outSize[d + 1] - natural;
    if (outputPadding[d] < 0 || outputPadding[d] >= std::max(w.strides[d], w.dilations[d]))
      return ctx.invalid("input_sizes {} do not match dy's {} with this filter and stride",
                         Shape::ofSizes(outSize).str(), Shape::ofSizes(dy).str());
  }
  NNP_ASSIGN_OR_RETURN(Value * k, kernelOf(ctx, 1, {3, 2, 0, 1}));
  std::vector<Attribute> attrs = convAttrs(w, 1);
  if (outputPadding[0] || outputPadding[1])
    attrs.push_back(Attribute::ofInts("output_padding", outputPadding));
  return wrapNchw(ctx, "ConvTranspose", ctx.inputs[2], {k}, std::move(attrs));
}

Expected<Outputs> matMul(NodeContext& ctx) {
  std::vector<Value*> ab(2);
  for (size_t i = 0; i < 2; ++i) {
    NNP_ASSIGN_OR_RETURN(ab[i], ctx.in(i));
    if (!ctx.attrBool(i == 0 ? "transpose_a" : "transpose_b", false)) continue;
    if (ab[i]->isConstant()) {
      NNP_ASSIGN_OR_RETURN(ab[i], kernelOf(ctx, i, {1, 0}));
    } else {
      NNP_ASSIGN_OR_RETURN(ab[i], ctx.b.transpose(ab[i], {1, 0}, ctx.name(i ? "b_t" : "a_t")));
    }
  }
  NNP_ASSIGN_OR_RETURN(Value * y, ctx.b.op("MatMul", ab, ctx.name("MatMul")));
  return Outputs{y};
}

}  // namespace

std::vector<OpKind> convOpKinds() {
  return {{"Conv2D", conv2d},
          {"DepthwiseConv2dNative", depthwise},
          {"Conv2DBackpropInput", conv2dBackpropInput},
          {"MatMul", matMul}};
}

}  // namespace nnport::tf
