// Conv through oneDNN: 2-D float32 convolutions (grouped, depthwise,
// dilated, any padding) with weights reordered once into the layout the
// primitive wants, activations kept channel-blocked (nChw8c) between
// layers, and a fused activation as a post-op. Other cases run the
// reference kernel.
#include "lib/exec/fast/dnnl_util.h"
#include "lib/exec/kernels/window.h"
#include "lib/exec/layout.h"

namespace nnport::exec::fast {
namespace {

using dnnl::memory;

struct ConvState : KernelState {
  std::vector<int64_t> key;  // input dims + input block
  dnnl::convolution_forward prim;
  memory::desc srcDesc, userSrc, weightsDesc, dstDesc;
  int dstBlock = 0;
  memory weights, bias;  // in the primitive's layout
  const void* weightsOf = nullptr;  // the constant they were made from
};

struct ConvGeometry {
  WindowGeometry g;
  int64_t group = 1, outChannels = 0;
};

// The fast path's preconditions; false means "use the reference kernel".
bool fastCase(KernelContext& ctx) {
  const RtTensor* x = ctx.input(0);
  const RtTensor* w = ctx.input(1);
  const RtTensor* b = ctx.input(2);
  if (!x || !w || x->dtype() != DType::Float32 || w->dtype() != DType::Float32) return false;
  if (x->rank() != 4 || w->rank() != 4 || (b && (b->dtype() != DType::Float32 || b->rank() != 1)))
    return false;
  const int64_t group = ctx.attrInt("group", 1);
  if (group <= 0 || x->dim(1) % group || w->dim(0) % group || x->dim(1) / group != w->dim(1)) return false;
  if (b && b->dim(0) != w->dim(0)) return false;
  return x->numElements() > 0 && w->numElements() > 0;
}

Status readGeometry(KernelContext& ctx, ConvGeometry& cg) {
  const RtTensor& x = *ctx.input(0);
  const RtTensor& w = *ctx.input(1);
  cg.group = ctx.attrInt("group", 1);
  cg.outChannels = w.dim(0);
  cg.g.in = {x.dim(2), x.dim(3)};
  cg.g.kernel = {w.dim(2), w.dim(3)};
  std::vector<int64_t> ks = ctx.attrInts("kernel_shape");
  if (!ks.empty() && ks != cg.g.kernel) return ctx.error("kernel_shape does not match the weight's spatial dims");
  NNP_RETURN_IF_ERROR(readWindow(ctx, cg.g));
  computeForwardOutput(cg.g);
  return Status::ok();
}

memory::desc weightsUserDesc(const RtTensor& w, int64_t group) {
  if (group == 1) return memory::desc(toDims(w.dims()), dt::f32, tag::oihw);
  return memory::desc({group, w.dim(0) / group, w.dim(1), w.dim(2), w.dim(3)}, dt::f32, tag::goihw);
}

memory::desc weightsAnyDesc(const RtTensor& w, int64_t group) {
  if (group == 1) return memory::desc(toDims(w.dims()), dt::f32, tag::any);
  return memory::desc({group, w.dim(0) / group, w.dim(1), w.dim(2), w.dim(3)}, dt::f32, tag::any);
}

dnnl::convolution_forward::primitive_desc makeDesc(KernelContext& ctx, const ConvGeometry& cg,
                                                   const memory::desc& src, const memory::desc& dst) {
  const RtTensor& w = *ctx.input(1);
  const bool hasBias = ctx.input(2) != nullptr;
  const memory::dims strides = toDims(cg.g.strides);
  const memory::dims dil{cg.g.dilations[0] - 1, cg.g.dilations[1] - 1};
  const memory::dims padL = toDims(cg.g.padBegin);
  memory::dims padR(2);
  for (size_t i = 0; i < 2; ++i)  // the right pad that gives exactly the output size
    padR[i] = (cg.g.out[i] - 1) * cg.g.strides[i] + cg.g.effectiveKernel(i) - cg.g.in[i] - cg.g.padBegin[i];
  const memory::desc bias({cg.outChannels}, dt::f32, tag::x);
  auto d = hasBias ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                                     dnnl::algorithm::convolution_direct, src,
                                                     weightsAnyDesc(w, cg.group), bias, dst, strides,
                                                     dil, padL, padR)
                   : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference,
                                                     dnnl::algorithm::convolution_direct, src,
                                                     weightsAnyDesc(w, cg.group), dst, strides, dil,
                                                     padL, padR);
  dnnl::primitive_attr attr;
  attr.set_post_ops(activationPostOps(ctx.fused()));
  return dnnl::convolution_forward::primitive_desc(d, attr, engine());
}

void build(KernelContext& ctx, const ConvGeometry& cg, ConvState& st) {
  const RtTensor& x = *ctx.input(0);
  const std::vector<int64_t> outDims{x.dim(0), cg.outChannels, cg.g.out[0], cg.g.out[1]};
  st.userSrc = layoutDesc(x);
  // A plain input is offered in any layout (the first layer keeps nchw);
  // a blocked one stays blocked.
  const memory::desc src =
      x.blocked() ? st.userSrc : memory::desc(toDims(x.dims()), dt::f32, tag::any);
  auto pd = makeDesc(ctx, cg, src, memory::desc(toDims(outDims), dt::f32, tag::any));
  st.dstBlock = isLayout(pd.dst_desc(), outDims, kChannelBlock) ? kChannelBlock
                : isLayout(pd.dst_desc(), outDims, 0)           ? 0
                                                                : -1;
  if (st.dstBlock < 0) {
    pd = makeDesc(ctx, cg, src, memory::desc(toDims(outDims), dt::f32, tag::nChw8c));
    st.dstBlock = kChannelBlock;
  }
  st.prim = dnnl::convolution_forward(pd);
  st.srcDesc = pd.src_desc();
  st.weightsDesc = pd.weights_desc();
  st.dstDesc = pd.dst_desc();
  st.weights = memory();
  st.weightsOf = nullptr;
}

// Weights in the primitive's layout: reordered once for a constant, on
// every run otherwise.
void prepareWeights(KernelContext& ctx, const ConvGeometry& cg, ConvState& st) {
  const RtTensor& w = *ctx.input(1);
  if (st.weights && ctx.inputIsConstant(1) && st.weightsOf == w.raw()) return;
  memory user = wrap(w, weightsUserDesc(w, cg.group));
  if (st.weightsDesc == user.get_desc()) {
    st.weights = user;
  } else {
    st.weights = memory(st.weightsDesc, engine());
    dnnl::reorder(user, st.weights).execute(stream(), user, st.weights);
  }
  st.weightsOf = w.raw();
}

Status convKernel(KernelContext& ctx) {
  if (!fastCase(ctx)) return runReference(ctx);
  ConvGeometry cg;
  NNP_RETURN_IF_ERROR(readGeometry(ctx, cg));
  if (cg.g.out[0] <= 0 || cg.g.out[1] <= 0) return runReference(ctx);
  const RtTensor& x = *ctx.input(0);
  std::vector<int64_t> key = x.dims();
  key.push_back(x.block());
  try {
    auto& slot = *ctx.state();
    auto* st = dynamic_cast<ConvState*>(slot.get());
    if (!st || st->key != key) {
      slot = std::make_unique<ConvState>();
      st = static_cast<ConvState*>(slot.get());
      st->key = key;
      build(ctx, cg, *st);
    }
    prepareWeights(ctx, cg, *st);
    memory src = wrap(x, st->userSrc);
    if (st->srcDesc != st->userSrc) {
      memory converted(st->srcDesc, engine());
      dnnl::reorder(src, converted).execute(stream(), src, converted);
      src = converted;
    }
    const std::vector<int64_t> outDims{x.dim(0), cg.outChannels, cg.g.out[0], cg.g.out[1]};
    RtTensor& y = st->dstBlock ? ctx.allocateBlockedOutput(0, DType::Float32, outDims, st->dstBlock, false)
                               : ctx.allocateOutput(0, DType::Float32, outDims, false);
    memory dst = wrap(y, st->dstDesc);
    std::unordered_map<int, memory> args{
        {DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, st->weights}, {DNNL_ARG_DST, dst}};
    if (const RtTensor* b = ctx.input(2))
      args[DNNL_ARG_BIAS] = wrap(*b, memory::desc({cg.outChannels}, dt::f32, tag::x));
    st->prim.execute(stream(), args);
    stream().wait();
  } catch (const dnnl::error& e) {
    return dnnlError(ctx, e);
  }
  return Status::ok();
}

}  // namespace

void registerFastConvKernels(KernelRegistry& r) {
  r.add("Conv", convKernel, KernelSet::Fast, "", {true, true});
}

}  // namespace nnport::exec::fast
