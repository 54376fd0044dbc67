// MaxPool, AveragePool, GlobalAveragePool and GlobalMaxPool through
// oneDNN for 2-D float32 inputs, in the layout the input comes in (plain or
// channel-blocked). Indices outputs and AveragePool's ceil_mode with
// count_include_pad run the reference kernel.
#include "exec/fast/dnnl_util.h"
#include "exec/kernels/window.h"

namespace nnport::exec::fast {
namespace {

using dnnl::memory;

struct PoolState : KernelState {
  std::vector<int64_t> key;
  dnnl::pooling_v2_forward prim;
  memory::desc src, dst;
  std::vector<int64_t> outDims;
};

bool fastCase(KernelContext& ctx) {
  const RtTensor* x = ctx.input(0);
  if (!x || x->dtype() != DType::Float32 || x->rank() != 4 || x->numElements() == 0) return false;
  if (ctx.wantsOutput(1)) return false;  // MaxPool indices
  const std::string& op = ctx.node().opType();
  if (op == "AveragePool" && ctx.attrInt("ceil_mode") && ctx.attrInt("count_include_pad"))
    return false;
  return true;
}

Status geometry(KernelContext& ctx, WindowGeometry& g) {
  const RtTensor& x = *ctx.input(0);
  g.in = {x.dim(2), x.dim(3)};
  const std::string& op = ctx.node().opType();
  if (op.rfind("Global", 0) == 0) {
    g.kernel = g.in;
    g.strides = {1, 1};
    g.dilations = {1, 1};
    g.padBegin = g.padEnd = {0, 0};
    g.out = {1, 1};
    return Status::ok();
  }
  g.kernel = ctx.attrInts("kernel_shape");
  g.ceilMode = ctx.attrInt("ceil_mode") != 0;
  NNP_RETURN_IF_ERROR(readWindow(ctx, g));
  computeForwardOutput(g);
  return Status::ok();
}

dnnl::algorithm algorithmOf(KernelContext& ctx) {
  const std::string& op = ctx.node().opType();
  if (op == "MaxPool" || op == "GlobalMaxPool") return dnnl::algorithm::pooling_max;
  // A global pool has no padding to count.
  const bool includePad = op == "AveragePool" && ctx.attrInt("count_include_pad") != 0;
  return includePad ? dnnl::algorithm::pooling_avg_include_padding
                    : dnnl::algorithm::pooling_avg_exclude_padding;
}

void build(KernelContext& ctx, const WindowGeometry& g, PoolState& st) {
  const RtTensor& x = *ctx.input(0);
  st.outDims = {x.dim(0), x.dim(1), g.out[0], g.out[1]};
  st.src = layoutDesc(x);
  st.dst = memory::desc(toDims(st.outDims), dt::f32, x.blocked() ? tag::nChw8c : tag::nchw);
  memory::dims padR(2);
  for (size_t i = 0; i < 2; ++i)
    padR[i] = std::max(g.padEnd[i], (g.out[i] - 1) * g.strides[i] + g.effectiveKernel(i) - g.in[i] -
                                        g.padBegin[i]);
  dnnl::pooling_v2_forward::desc d(
      dnnl::prop_kind::forward_inference, algorithmOf(ctx), st.src, st.dst, toDims(g.strides),
      toDims(g.kernel), {g.dilations[0] - 1, g.dilations[1] - 1}, toDims(g.padBegin), padR);
  st.prim = dnnl::pooling_v2_forward(dnnl::pooling_v2_forward::primitive_desc(d, engine()));
}

Status poolKernel(KernelContext& ctx) {
  if (!fastCase(ctx)) return runReference(ctx);
  WindowGeometry g;
  NNP_RETURN_IF_ERROR(geometry(ctx, g));
  if (g.out[0] <= 0 || g.out[1] <= 0) return runReference(ctx);
  const RtTensor& x = *ctx.input(0);
  std::vector<int64_t> key = x.dims();
  key.push_back(x.block());
  try {
    auto& slot = *ctx.state();
    auto* st = dynamic_cast<PoolState*>(slot.get());
    if (!st || st->key != key) {
      auto fresh = std::make_unique<PoolState>();
      fresh->key = key;
      build(ctx, g, *fresh);  // a state is kept only once it is complete
      slot = std::move(fresh);
      st = static_cast<PoolState*>(slot.get());
    }
    RtTensor& y = x.blocked()
                      ? ctx.allocateBlockedOutput(0, DType::Float32, st->outDims, x.block(), false)
                      : ctx.allocateOutput(0, DType::Float32, st->outDims, false);
    st->prim.execute(stream(),
                     {{DNNL_ARG_SRC, wrap(x, st->src)}, {DNNL_ARG_DST, wrap(y, st->dst)}});
    stream().wait();
  } catch (const dnnl::error& e) {
    return dnnlError(ctx, e);
  }
  return Status::ok();
}

}  // namespace

void registerFastPoolKernels(KernelRegistry& r) {
  for (const char* op : {"MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool"})
    r.add(op, poolKernel, KernelSet::Fast, "", {true, false});
}

}  // namespace nnport::exec::fast
