// TopK: the k largest (or smallest) elements along an axis with their int64
// indices. Ties go to the lower index, as the spec asks; NaN ranks above
// every number. Results are always sorted (allowed when sorted = 0).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <type_traits>
#include <vector>

#include "exec/kernels/axes_util.h"
#include "exec/kernels/elementwise_util.h"

namespace nnport::exec {
namespace {

template <typename T>
bool isNan(T v) {
  if constexpr (std::is_floating_point_v<T>)
    return std::isnan(v);
  else
    return false;
}

// True when element i ranks before element j (strict weak order, total
// thanks to the index tie-break).
template <typename T>
struct Ranks {
  const T* x;
  int64_t stride;
  bool largest;

  bool operator()(int64_t i, int64_t j) const {
    const T a = x[i * stride], b = x[j * stride];
    const bool na = isNan(a), nb = isNan(b);
    if (na || nb) {
      if (na != nb) return largest ? na : nb;
      return i < j;
    }
    if (a != b) return largest ? a > b : a < b;
    return i < j;
  }
};

Expected<int64_t> readK(const KernelContext& ctx) {
  if (ctx.opset() > 0 && ctx.opset() < 10) {
    if (!ctx.node().attrs.getInt("k")) return ctx.error("missing attribute 'k'");
    return ctx.attrInt("k");
  }
  const RtTensor* k = ctx.input(1);
  if (!k) return ctx.error("missing input 'K'");
  if (k->numElements() != 1) return ctx.error("K must hold one value, not {}", k->numElements());
  return k->intAt(0);
}

Status topK(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  const auto rank = static_cast<int64_t>(x.rank());
  auto axis = normalizedAxis(ctx.attrInt("axis"), rank);
  if (!axis) return ctx.error("axis {} is out of range for rank {}", ctx.attrInt("axis"), rank);
  NNP_ASSIGN_OR_RETURN(int64_t k, readK(ctx));
  const auto a = static_cast<size_t>(*axis);
  const int64_t n = x.dim(a);
  if (k < 0 || k > n) return ctx.error("k {} is out of range for an axis of size {}", k, n);
  const bool largest = ctx.attrInt("largest") != 0;
  std::vector<int64_t> dims = x.dims();
  dims[a] = k;
  RtTensor& values = ctx.allocateOutput(0, x.dtype(), dims);
  RtTensor unwanted;
  RtTensor& indices = ctx.numOutputs() > 1 ? ctx.allocateOutput(1, DType::Int64, dims)
                                           : (unwanted = RtTensor::allocate(DType::Int64, dims));
  const int64_t outer = productOf(x.dims(), 0, a), inner = productOf(x.dims(), a + 1, x.rank());
  if (!dispatchNumeric(x.dtype(), [&](auto t) {
        using T = decltype(t);
        const T* px = x.data<T>();
        T* pv = values.data<T>();
        int64_t* pi = indices.data<int64_t>();
        std::vector<int64_t> order(static_cast<size_t>(n));
        for (int64_t o = 0; o < outer; ++o)
          for (int64_t i = 0; i < inner; ++i) {
            std::iota(order.begin(), order.end(), int64_t{0});
            const Ranks<T> before{px + o * n * inner + i, inner, largest};
            std::partial_sort(order.begin(), order.begin() + k, order.end(), before);
            for (int64_t j = 0; j < k; ++j) {
              const int64_t dst = (o * k + j) * inner + i;
              pv[dst] = px[(o * n + order[static_cast<size_t>(j)]) * inner + i];
              pi[dst] = order[static_cast<size_t>(j)];
            }
          }
      }))
    return ctx.unsupported("no kernel for {} input", dtypeName(x.dtype()));
  return Status::ok();
}

}  // namespace

void registerTopKKernels(KernelRegistry& r) {
  r.add("TopK", topK);
}

}  // namespace nnport::exec
