// Conv and ConvTranspose through oneDNN: 2-D float32 (grouped, depthwise,
// dilated, any padding) with weights reordered once into the layout the
// primitive wants, activations kept channel-blocked (nChw8c) between
// layers, and a fused activation as a post-op. Other cases run the
// reference kernel.
#include "exec/fast/dnnl_util.h"
#include "exec/kernels/window.h"
#include "exec/layout.h"

namespace nnport::exec::fast {
namespace {

using dnnl::memory;

struct ConvState : KernelState {
  std::vector<int64_t> key;  // input dims + input block
  dnnl::primitive prim;
  memory::desc srcDesc, userSrc, weightsDesc, dstDesc;
  int dstBlock = 0;
  memory weights;                   // in the primitive's layout
  const void* weightsOf = nullptr;  // the constant they were made from
};

// Geometry of either op; `transposed` swaps the roles of the weight dims.
struct ConvGeometry {
  WindowGeometry g;
  bool transposed = false;
  int64_t group = 1, outChannels = 0;
  memory::dims padR;
  std::vector<int64_t> outDims;
};

// The fast path's preconditions; false means "use the reference kernel".
bool fastCase(KernelContext& ctx, bool transposed) {
  const RtTensor* x = ctx.input(0);
  const RtTensor* w = ctx.input(1);
  const RtTensor* b = ctx.input(2);
  if (!x || !w || x->dtype() != DType::Float32 || w->dtype() != DType::Float32) return false;
  if (x->rank() != 4 || w->rank() != 4 || (b && (b->dtype() != DType::Float32 || b->rank() != 1)))
    return false;
  const int64_t group = ctx.attrInt("group");
  if (group <= 0 || x->dim(1) % group) return false;
  const int64_t out = transposed ? w->dim(1) * group : w->dim(0);
  const bool shapes = transposed ? x->dim(1) == w->dim(0)
                                 : w->dim(0) % group == 0 && x->dim(1) / group == w->dim(1);
  if (!shapes || (b && b->dim(0) != out)) return false;
  return x->numElements() > 0 && w->numElements() > 0;
}

Status readGeometry(KernelContext& ctx, ConvGeometry& cg) {
  const RtTensor& x = *ctx.input(0);
  const RtTensor& w = *ctx.input(1);
  WindowGeometry& g = cg.g;
  cg.group = ctx.attrInt("group");
  cg.outChannels = cg.transposed ? w.dim(1) * cg.group : w.dim(0);
  g.in = {x.dim(2), x.dim(3)};
  g.kernel = {w.dim(2), w.dim(3)};
  std::vector<int64_t> ks = ctx.attrInts("kernel_shape");
  if (!ks.empty() && ks != g.kernel)
    return ctx.error("kernel_shape does not match the weight's spatial dims");
  NNP_RETURN_IF_ERROR(readWindow(ctx, g));
  if (cg.transposed)
    NNP_RETURN_IF_ERROR(transposeGeometry(ctx, g));
  else
    computeForwardOutput(g);
  // oneDNN's output size is floor((in + padL + padR - extent) / stride) + 1
  // for Conv, as ONNX's, so the ONNX end pads serve; ConvTranspose's is exact,
  // so its right pad follows from the output size (output_padding can make
  // it negative: then the reference kernel runs).
  cg.padR = toDims(g.padEnd);
  for (size_t i = 0; i < 2 && cg.transposed; ++i)
    cg.padR[i] = (g.in[i] - 1) * g.strides[i] + g.effectiveKernel(i) - g.padBegin[i] - g.out[i];
  cg.outDims = {x.dim(0), cg.outChannels, g.out[0], g.out[1]};
  return Status::ok();
}

// ONNX weights: Conv [M, C/g, kh, kw]; ConvTranspose [C, M/g, kh, kw].
memory::desc weightsDesc(const RtTensor& w, const ConvGeometry& cg, bool any) {
  const int64_t g = cg.group;
  if (!cg.transposed) {
    if (g == 1) return memory::desc(toDims(w.dims()), dt::f32, any ? tag::any : tag::oihw);
    return memory::desc({g, w.dim(0) / g, w.dim(1), w.dim(2), w.dim(3)}, dt::f32,
                        any ? tag::any : tag::goihw);
  }
  if (g == 1)
    return memory::desc({w.dim(1), w.dim(0), w.dim(2), w.dim(3)}, dt::f32,
                        any ? tag::any : tag::iohw);
  return memory::desc({g, w.dim(1), w.dim(0) / g, w.dim(2), w.dim(3)}, dt::f32,
                      any ? tag::any : tag::giohw);
}

template <typename Prim>
typename Prim::primitive_desc makeDesc(KernelContext& ctx, const ConvGeometry& cg,
                                       const memory::desc& src, const memory::desc& dst,
                                       dnnl::algorithm alg) {
  const memory::desc w = weightsDesc(*ctx.input(1), cg, true);
  const memory::dims strides = toDims(cg.g.strides), padL = toDims(cg.g.padBegin);
  const memory::dims dil{cg.g.dilations[0] - 1, cg.g.dilations[1] - 1};
  const auto prop = dnnl::prop_kind::forward_inference;
  auto d = ctx.input(2) ? typename Prim::desc(prop, alg, src, w,
                                              memory::desc({cg.outChannels}, dt::f32, tag::x), dst,
                                              strides, dil, padL, cg.padR)
                        : typename Prim::desc(prop, alg, src, w, dst, strides, dil, padL, cg.padR);
  dnnl::primitive_attr attr;
  attr.set_post_ops(activationPostOps(ctx.fused()));
  return typename Prim::primitive_desc(d, attr, engine());
}

// A plain input is offered in any layout (the first layer keeps nchw); a
// blocked one stays blocked. The output is nChw8c or nchw.
template <typename Prim>
void build(KernelContext& ctx, const ConvGeometry& cg, dnnl::algorithm alg, ConvState& st) {
  const RtTensor& x = *ctx.input(0);
  st.userSrc = layoutDesc(x);
  const memory::desc src =
      x.blocked() ? st.userSrc : memory::desc(toDims(x.dims()), dt::f32, tag::any);
  auto pd = makeDesc<Prim>(ctx, cg, src, memory::desc(toDims(cg.outDims), dt::f32, tag::any), alg);
  st.dstBlock = isLayout(pd.dst_desc(), cg.outDims, kChannelBlock) ? kChannelBlock
                : isLayout(pd.dst_desc(), cg.outDims, 0)           ? 0
                                                                   : -1;
  if (st.dstBlock < 0) {
    pd = makeDesc<Prim>(ctx, cg, src, memory::desc(toDims(cg.outDims), dt::f32, tag::nChw8c), alg);
    st.dstBlock = kChannelBlock;
  }
  st.prim = Prim(pd);
  st.srcDesc = pd.src_desc();
  st.weightsDesc = pd.weights_desc();
  st.dstDesc = pd.dst_desc();
}

// Weights in the primitive's layout: reordered once for a constant, on
// every run otherwise.
void prepareWeights(KernelContext& ctx, const ConvGeometry& cg, ConvState& st) {
  const RtTensor& w = *ctx.input(1);
  if (st.weights && ctx.inputIsConstant(1) && st.weightsOf == w.raw()) return;
  memory user = wrap(w, weightsDesc(w, cg, false));
  if (st.weightsDesc == user.get_desc()) {
    st.weights = user;
  } else {
    st.weights = memory(st.weightsDesc, engine());
    dnnl::reorder(user, st.weights).execute(stream(), user, st.weights);
  }
  st.weightsOf = w.raw();
}

void execute(KernelContext& ctx, const ConvGeometry& cg, ConvState& st) {
  const RtTensor& x = *ctx.input(0);
  prepareWeights(ctx, cg, st);
  memory src = wrap(x, st.userSrc);
  if (st.srcDesc != st.userSrc) {
    memory converted(st.srcDesc, engine());
    dnnl::reorder(src, converted).execute(stream(), src, converted);
    src = converted;
  }
  RtTensor& y = st.dstBlock
                    ? ctx.allocateBlockedOutput(0, DType::Float32, cg.outDims, st.dstBlock, false)
                    : ctx.allocateOutput(0, DType::Float32, cg.outDims, false);
  std::unordered_map<int, memory> args{
      {DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, st.weights}, {DNNL_ARG_DST, wrap(y, st.dstDesc)}};
  if (const RtTensor* b = ctx.input(2))
    args[DNNL_ARG_BIAS] = wrap(*b, memory::desc({cg.outChannels}, dt::f32, tag::x));
  st.prim.execute(stream(), args);
  stream().wait();
}

template <typename Prim>
Status convLike(KernelContext& ctx, bool transposed, dnnl::algorithm alg) {
  if (!fastCase(ctx, transposed)) return runReference(ctx);
  ConvGeometry cg;
  cg.transposed = transposed;
  NNP_RETURN_IF_ERROR(readGeometry(ctx, cg));
  if (cg.g.out[0] <= 0 || cg.g.out[1] <= 0 || cg.padR[0] < 0 || cg.padR[1] < 0)
    return runReference(ctx);
  const RtTensor& x = *ctx.input(0);
  std::vector<int64_t> key = x.dims();
  key.push_back(x.block());
  try {
    auto& slot = *ctx.state();
    auto* st = dynamic_cast<ConvState*>(slot.get());
    if (!st || st->key != key) {
      auto fresh = std::make_unique<ConvState>();
      fresh->key = key;
      build<Prim>(ctx, cg, alg, *fresh);
      slot = std::move(fresh);
      st = static_cast<ConvState*>(slot.get());
    }
    execute(ctx, cg, *st);
  } catch (const dnnl::error& e) {
    return dnnlError(ctx, e);
  }
  return Status::ok();
}

Status convKernel(KernelContext& ctx) {
  return convLike<dnnl::convolution_forward>(ctx, false, dnnl::algorithm::convolution_direct);
}

Status convTransposeKernel(KernelContext& ctx) {
  return convLike<dnnl::deconvolution_forward>(ctx, true, dnnl::algorithm::deconvolution_direct);
}

}  // namespace

void registerFastConvKernels(KernelRegistry& r) {
  r.add("Conv", convKernel, KernelSet::Fast, "", {true, true});
  r.add("ConvTranspose", convTransposeKernel, KernelSet::Fast, "", {true, true});
}

}  // namespace nnport::exec::fast
