// Softmax, LogSoftmax and Hardmax. Before opset 13 the input is seen as 2-D,
// flattened at `axis` (default 1), and the op runs along the flattened inner
// block; from opset 13 it runs along the one axis (default -1).
#include <cmath>
#include <vector>

#include "exec/kernels/axes_util.h"
#include "exec/kernels/elementwise_util.h"

namespace nnport::exec {
namespace {

enum class SoftmaxKind { Softmax, LogSoftmax, Hardmax };

// The op runs over `n` elements `inner` apart, for `outer * inner` groups.
struct Groups {
  int64_t outer = 1, n = 1, inner = 1;
};

Expected<Groups> softmaxGroups(const KernelContext& ctx, const RtTensor& x) {
  const bool legacy = ctx.opset() > 0 && ctx.opset() < 13;
  auto given = ctx.node().attrs.getInt("axis");
  const int64_t axis = given ? *given : (legacy ? 1 : -1);
  const auto rank = static_cast<int64_t>(x.rank());
  const std::vector<int64_t>& dims = x.dims();
  Groups g;
  if (legacy) {
    // Opsets < 13 allow axis == rank (an empty inner block).
    if (axis < -rank || axis > rank)
      return ctx.error("axis {} is out of range for rank {}", axis, rank);
    const auto a = static_cast<size_t>(axis < 0 ? axis + rank : axis);
    g.outer = productOf(dims, 0, a);
    g.n = productOf(dims, a, dims.size());
    return g;
  }
  if (rank == 0) return g;  // a scalar is its own group
  auto a = normalizedAxis(axis, rank);
  if (!a) return ctx.error("axis {} is out of range for rank {}", axis, rank);
  g.outer = productOf(dims, 0, static_cast<size_t>(*a));
  g.n = dims[*a];
  g.inner = productOf(dims, static_cast<size_t>(*a) + 1, dims.size());
  return g;
}

// One group: n elements `stride` apart. Computed in double, shifted by the
// group max so exp never overflows.
template <typename T>
void softmaxGroup(SoftmaxKind kind, const T* x, T* y, int64_t n, int64_t stride,
                  std::vector<double>& scratch) {
  int64_t best = 0;
  for (int64_t k = 1; k < n; ++k)
    if (x[k * stride] > x[best * stride]) best = k;
  if (kind == SoftmaxKind::Hardmax) {
    for (int64_t k = 0; k < n; ++k) y[k * stride] = T(k == best ? 1 : 0);
    return;
  }
  double m = static_cast<double>(x[best * stride]);
  if (!std::isfinite(m)) m = 0;
  double sum = 0;
  for (int64_t k = 0; k < n; ++k) {
    scratch[k] = static_cast<double>(x[k * stride]) - m;
    sum += std::exp(scratch[k]);
  }
  if (kind == SoftmaxKind::Softmax) {
    for (int64_t k = 0; k < n; ++k) y[k * stride] = static_cast<T>(std::exp(scratch[k]) / sum);
  } else {
    const double logSum = std::log(sum);
    for (int64_t k = 0; k < n; ++k) y[k * stride] = static_cast<T>(scratch[k] - logSum);
  }
}

Kernel softmaxKernel(SoftmaxKind kind) {
  return [kind](KernelContext& ctx) -> Status {
    const RtTensor& x = *ctx.input(0);
    NNP_ASSIGN_OR_RETURN(Groups g, softmaxGroups(ctx, x));
    RtTensor& y = ctx.allocateOutput(0, x.dtype(), x.dims());
    if (x.numElements() == 0) return Status::ok();
    std::vector<double> scratch(static_cast<size_t>(g.n));
    if (!dispatchFloat(x.dtype(), [&](auto t) {
          using T = decltype(t);
          const T* px = x.data<T>();
          T* py = y.data<T>();
          for (int64_t o = 0; o < g.outer; ++o)
            for (int64_t i = 0; i < g.inner; ++i) {
              const int64_t base = o * g.n * g.inner + i;
              softmaxGroup(kind, px + base, py + base, g.n, g.inner, scratch);
            }
        }))
      return ctx.unsupported("no kernel for {} input", dtypeName(x.dtype()));
    return Status::ok();
  };
}

}  // namespace

void registerSoftmaxKernels(KernelRegistry& r) {
  r.add("Softmax", softmaxKernel(SoftmaxKind::Softmax));
  r.add("LogSoftmax", softmaxKernel(SoftmaxKind::LogSoftmax));
  r.add("Hardmax", softmaxKernel(SoftmaxKind::Hardmax));
}

}  // namespace nnport::exec
