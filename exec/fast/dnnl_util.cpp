// oneDNN engine, descriptors, post-ops and the reference fallback.
#include "exec/fast/dnnl_util.h"

#include <deque>

#include "exec/fusion.h"
#include "exec/layout.h"

#if defined(__SSE__)
#include <xmmintrin.h>
#endif

// oneDNN's threading runtime is OpenMP (libgomp). nnport itself is not
// built with OpenMP (the clang builds would pull in a second runtime), so it
// calls the two libgomp entry points it needs directly.
extern "C" void omp_set_num_threads(int);
extern "C" void GOMP_parallel(void (*fn)(void*), void* data, unsigned threads, unsigned flags);

namespace nnport::exec {

namespace {

// Flush-to-zero and denormals-are-zero, as deployment runtimes set them:
// denormal activations can appear deep in a network, and x86 arithmetic on
// them is many times slower. (Its effect on the benchmark models was not
// measured on its own.)
constexpr unsigned kFlushDenormals = 0x8040;

void flushDenormalsOnThisThread(void*) {
#if defined(__SSE__)
  _mm_setcsr(_mm_getcsr() | kFlushDenormals);
#endif
}

}  // namespace

void setKernelThreads(int threads) {
  threads = threads > 0 ? threads : 1;
  omp_set_num_threads(threads);
  // Every thread of the team oneDNN will use, the caller's included.
  GOMP_parallel(flushDenormalsOnThisThread, nullptr, static_cast<unsigned>(threads), 0);
}

unsigned saveFloatMode() {
#if defined(__SSE__)
  return _mm_getcsr();
#else
  return 0;
#endif
}

void restoreFloatMode(unsigned mode) {
#if defined(__SSE__)
  _mm_setcsr(mode);
#else
  (void)mode;
#endif
}

namespace fast {

dnnl::engine& engine() {
  static dnnl::engine e(dnnl::engine::kind::cpu, 0);
  return e;
}

dnnl::stream& stream() {
  static dnnl::stream s(engine());
  return s;
}

dnnl::memory::dims toDims(const std::vector<int64_t>& v) {
  return dnnl::memory::dims(v.begin(), v.end());
}

dnnl::memory::desc layoutDesc(const RtTensor& t) {
  return dnnl::memory::desc(toDims(t.dims()), dt::f32, t.blocked() ? tag::nChw8c : tag::nchw);
}

bool isLayout(const dnnl::memory::desc& md, const std::vector<int64_t>& dims, int block) {
  return md == dnnl::memory::desc(toDims(dims), dt::f32, block ? tag::nChw8c : tag::nchw);
}

dnnl::memory wrap(const RtTensor& t, const dnnl::memory::desc& md) {
  return dnnl::memory(md, engine(), const_cast<uint8_t*>(t.raw()));
}

dnnl::post_ops activationPostOps(const FusedActivation* act) {
  dnnl::post_ops ops;
  if (!act) return ops;
  using alg = dnnl::algorithm;
  const std::string& op = act->op;
  if (op == "Relu")
    ops.append_eltwise(1.f, alg::eltwise_relu, 0.f, 0.f);
  else if (op == "LeakyRelu")
    ops.append_eltwise(1.f, alg::eltwise_relu, act->alpha, 0.f);
  else if (op == "Clip")
    ops.append_eltwise(1.f, alg::eltwise_clip, act->alpha, act->beta);
  else if (op == "Sigmoid")
    ops.append_eltwise(1.f, alg::eltwise_logistic, 0.f, 0.f);
  else if (op == "Tanh")
    ops.append_eltwise(1.f, alg::eltwise_tanh, 0.f, 0.f);
  else if (op == "Elu")
    ops.append_eltwise(1.f, alg::eltwise_elu, act->alpha, 0.f);
  else if (op == "HardSwish")
    ops.append_eltwise(1.f, alg::eltwise_hardswish, 0.f, 0.f);
  else if (op == "Swish")
    ops.append_eltwise(1.f, alg::eltwise_swish, 1.f, 0.f);
  else if (op == "HardSigmoid") {
    ops.append_eltwise(1.f, alg::eltwise_linear, act->alpha, act->beta);
    ops.append_eltwise(1.f, alg::eltwise_clip, 0.f, 1.f);
  }
  return ops;
}

Status runReference(KernelContext& ctx) {
  const Node& n = ctx.node();
  const KernelEntry* ref =
      KernelRegistry::instance().find(n.domain(), n.opType(), KernelSet::Reference);
  if (!ref) return ctx.unsupported("no reference kernel");
  std::deque<RtTensor> plain;
  for (size_t i = 0; i < ctx.numInputs(); ++i)
    if (const RtTensor* t = ctx.input(i); t && t->blocked())
      ctx.replaceInput(i, &plain.emplace_back(toPlain(*t)));
  NNP_RETURN_IF_ERROR(ref->fn(ctx));
  if (const FusedActivation* act = ctx.fused()) {
    RtTensor& y = ctx.output(0);
    if (y.blocked())
      return Status::internal("{}: fused activation on a blocked output", n.describe());
    if (y.dtype() == DType::Float32)
      applyActivation(*act, y.data<float>(), y.numElements());
    else if (y.dtype() == DType::Float64)
      applyActivation(*act, y.data<double>(), y.numElements());
    else
      return ctx.unsupported("a fused {} on a {} output", act->op, dtypeName(y.dtype()));
  }
  return Status::ok();
}

Status dnnlError(KernelContext& ctx, const dnnl::error& e) {
  // A configuration oneDNN does not implement (or whose arguments it
  // rejects) but the op record accepts runs on the reference kernel.
  if (e.status == dnnl_unimplemented || e.status == dnnl_invalid_arguments)
    return runReference(ctx);
  return Status::internal("{}: oneDNN: {} (status {})", ctx.node().describe(), e.what(),
                          static_cast<int>(e.status));
}

}  // namespace fast
}  // namespace nnport::exec
