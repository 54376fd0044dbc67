// MatMul and Gemm through oneDNN's matmul primitive for float32: MatMul of
// rank >= 2 with broadcast batch dims, Gemm with transposes expressed as
// strides and a row-vector C as the bias, alpha == 1 (beta == 1 with C).
// A fused activation becomes a post-op. Other cases run the reference.
#include "exec/fast/dnnl_util.h"

namespace nnport::exec::fast {
namespace {

using dnnl::memory;

struct MatMulState : KernelState {
  std::vector<int64_t> key;
  dnnl::matmul prim;
  memory::desc a, b, bias, dst;
  std::vector<int64_t> outDims;
};

memory::dims rowStrides(const memory::dims& d) {
  memory::dims s(d.size(), 1);
  for (size_t i = d.size(); i-- > 1;) s[i - 1] = s[i] * d[i];
  return s;
}

memory::desc plainDesc(const memory::dims& d) {
  return memory::desc(d, dt::f32, rowStrides(d));
}

// [rows, cols] read from a row-major [cols, rows] matrix when transposed.
memory::desc matrixDesc(int64_t rows, int64_t cols, bool transposed) {
  return transposed ? memory::desc({rows, cols}, dt::f32, memory::dims{1, rows})
                    : memory::desc({rows, cols}, dt::f32, memory::dims{cols, 1});
}

bool allFloat(KernelContext& ctx) {
  for (size_t i = 0; i < ctx.numInputs(); ++i)
    if (ctx.input(i) &&
        (ctx.input(i)->dtype() != DType::Float32 || ctx.input(i)->numElements() == 0))
      return false;
  return ctx.input(0) && ctx.input(1);
}

void run(KernelContext& ctx, MatMulState& st, const RtTensor* bias) {
  RtTensor& y = ctx.allocateOutput(0, DType::Float32, st.outDims, false);
  std::unordered_map<int, memory> args{{DNNL_ARG_SRC, wrap(*ctx.input(0), st.a)},
                                       {DNNL_ARG_WEIGHTS, wrap(*ctx.input(1), st.b)},
                                       {DNNL_ARG_DST, wrap(y, st.dst)}};
  if (bias) args[DNNL_ARG_BIAS] = wrap(*bias, st.bias);
  st.prim.execute(stream(), args);
  stream().wait();
}

template <typename Build>
Status runCached(KernelContext& ctx, std::vector<int64_t> key, const RtTensor* bias, Build build) {
  try {
    auto& slot = *ctx.state();
    auto* st = dynamic_cast<MatMulState*>(slot.get());
    if (!st || st->key != key) {
      auto fresh = std::make_unique<MatMulState>();
      build(*fresh);
      dnnl::primitive_attr attr;
      attr.set_post_ops(activationPostOps(ctx.fused()));
      auto d = bias ? dnnl::matmul::desc(fresh->a, fresh->b, fresh->bias, fresh->dst)
                    : dnnl::matmul::desc(fresh->a, fresh->b, fresh->dst);
      fresh->prim = dnnl::matmul(dnnl::matmul::primitive_desc(d, attr, engine()));
      fresh->key = std::move(key);
      slot = std::move(fresh);
      st = static_cast<MatMulState*>(slot.get());
    }
    run(ctx, *st, bias);
  } catch (const dnnl::error& e) {
    return dnnlError(ctx, e);
  }
  return Status::ok();
}

Status gemmKernel(KernelContext& ctx) {
  if (!allFloat(ctx)) return runReference(ctx);
  const RtTensor& a = *ctx.input(0);
  const RtTensor& b = *ctx.input(1);
  const RtTensor* c = ctx.input(2);
  const bool ta = ctx.attrInt("transA"), tb = ctx.attrInt("transB");
  if (a.rank() != 2 || b.rank() != 2 || ctx.attrFloat("alpha") != 1.f) return runReference(ctx);
  const int64_t m = ta ? a.dim(1) : a.dim(0), k = ta ? a.dim(0) : a.dim(1);
  const int64_t n = tb ? b.dim(0) : b.dim(1), kb = tb ? b.dim(1) : b.dim(0);
  if (k != kb) return runReference(ctx);
  if (c && (ctx.attrFloat("beta") != 1.f || c->numElements() != n || c->rank() > 2 ||
            (c->rank() == 2 && c->dim(0) != 1)))
    return runReference(ctx);
  return runCached(ctx, {m, k, n, ta, tb, c != nullptr}, c, [&](MatMulState& st) {
    st.a = matrixDesc(m, k, ta);
    st.b = matrixDesc(k, n, tb);
    st.bias = plainDesc({1, n});
    st.dst = plainDesc({m, n});
    st.outDims = {m, n};
  });
}

Status matmulKernel(KernelContext& ctx) {
  if (!allFloat(ctx) || ctx.input(0)->rank() < 2 || ctx.input(1)->rank() < 2)
    return runReference(ctx);
  std::vector<int64_t> a = ctx.input(0)->dims(), b = ctx.input(1)->dims();
  const size_t rank = std::max(a.size(), b.size());
  if (rank > 6) return runReference(ctx);
  a.insert(a.begin(), rank - a.size(), 1);
  b.insert(b.begin(), rank - b.size(), 1);
  if (a[rank - 1] != b[rank - 2]) return runReference(ctx);
  std::vector<int64_t> out(rank);
  for (size_t i = 0; i + 2 < rank; ++i) {
    if (a[i] != b[i] && a[i] != 1 && b[i] != 1) return runReference(ctx);
    out[i] = std::max(a[i], b[i]);
  }
  out[rank - 2] = a[rank - 2];
  out[rank - 1] = b[rank - 1];
  std::vector<int64_t> key = a;
  key.insert(key.end(), b.begin(), b.end());
  return runCached(ctx, key, nullptr, [&](MatMulState& st) {
    st.a = plainDesc(toDims(a));
    st.b = plainDesc(toDims(b));
    st.dst = plainDesc(toDims(out));
    st.outDims = out;
  });
}

}  // namespace

void registerFastMatMulKernels(KernelRegistry& r) {
  r.add("Gemm", gemmKernel, KernelSet::Fast, "", {false, true});
  r.add("MatMul", matmulKernel, KernelSet::Fast, "", {false, true});
}

}  // namespace nnport::exec::fast
