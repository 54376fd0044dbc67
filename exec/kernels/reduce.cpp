// Reduction kernels: ReduceSum/Mean/Max/Min/Prod/L1/L2/LogSum/LogSumExp/
// SumSquare over a set of axes, and ArgMax/ArgMin along one axis.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "exec/kernels/axes_util.h"
#include "exec/kernels/elementwise_util.h"

namespace nnport::exec {
namespace {

enum class Reduction { Sum, Mean, Max, Min, Prod, L1, L2, LogSum, LogSumExp, SumSquare };

// Floats accumulate in double, integers in 64 bits of their signedness.
template <typename T>
using AccOf = std::conditional_t<std::is_floating_point_v<T>, double,
                                 std::conditional_t<std::is_signed_v<T>, int64_t, uint64_t>>;

template <typename A>
A lowestOf() {
  return std::numeric_limits<A>::has_infinity ? -std::numeric_limits<A>::infinity()
                                              : std::numeric_limits<A>::lowest();
}
template <typename A>
A highestOf() {
  return std::numeric_limits<A>::has_infinity ? std::numeric_limits<A>::infinity()
                                              : std::numeric_limits<A>::max();
}

template <typename A>
A magnitude(A v) {
  if constexpr (std::is_unsigned_v<A>)
    return v;
  else
    return v < 0 ? -v : v;
}

template <typename A>
bool isNaN(A v) {
  if constexpr (std::is_floating_point_v<A>)
    return std::isnan(v);
  else
    return false;
}

template <typename T>
class Reducer {
 public:
  using Acc = AccOf<T>;
  Reducer(const RtTensor& x, const std::vector<bool>& mask, int64_t outSize)
      : x_(x), mask_(mask), acc_(static_cast<size_t>(outSize)) {}

  // acc[out] = combine(acc[out], x) over every element, from `init`.
  template <typename F>
  void fold(Acc init, F combine) {
    std::fill(acc_.begin(), acc_.end(), init);
    const T* px = x_.data<T>();
    forEachReduced(x_.dims(), mask_, [&](int64_t in, int64_t out) {
      acc_[out] = combine(acc_[out], static_cast<Acc>(px[in]));
    });
  }
  std::vector<Acc>& acc() { return acc_; }

 private:
  const RtTensor& x_;
  const std::vector<bool>& mask_;
  std::vector<Acc> acc_;
};

template <typename T>
void reduceTyped(Reduction kind, const RtTensor& x, const std::vector<bool>& mask, int64_t count,
                 RtTensor& y) {
  using Acc = AccOf<T>;
  Reducer<T> r(x, mask, y.numElements());
  std::vector<Acc>& acc = r.acc();
  T* py = y.data<T>();
  auto store = [&](auto f) {
    for (size_t i = 0; i < acc.size(); ++i) py[i] = static_cast<T>(f(acc[i]));
  };
  auto same = [](Acc a) { return a; };
  auto sum = [](Acc a, Acc v) { return a + v; };
  auto squares = [](Acc a, Acc v) { return a + v * v; };
  switch (kind) {
    case Reduction::Sum:
      r.fold(Acc(0), sum);
      return store(same);
    case Reduction::Mean:
      r.fold(Acc(0), sum);
      if (count == 0 && !std::is_floating_point_v<Acc>) return store([](Acc) { return Acc(0); });
      return store([count](Acc a) { return a / static_cast<Acc>(count); });
    case Reduction::Max:
      r.fold(lowestOf<Acc>(), [](Acc a, Acc v) { return v > a || isNaN(v) ? v : a; });
      return store(same);
    case Reduction::Min:
      r.fold(highestOf<Acc>(), [](Acc a, Acc v) { return v < a || isNaN(v) ? v : a; });
      return store(same);
    case Reduction::Prod:
      r.fold(Acc(1), [](Acc a, Acc v) { return a * v; });
      return store(same);
    case Reduction::L1:
      r.fold(Acc(0), [](Acc a, Acc v) { return a + magnitude(v); });
      return store(same);
    case Reduction::L2:
      r.fold(Acc(0), squares);
      return store([](Acc a) { return std::sqrt(static_cast<double>(a)); });
    case Reduction::SumSquare:
      r.fold(Acc(0), squares);
      return store(same);
    case Reduction::LogSum:
      r.fold(Acc(0), sum);
      return store([](Acc a) { return std::log(static_cast<double>(a)); });
    case Reduction::LogSumExp: {
      // log(sum(exp(x))) = m + log(sum(exp(x - m))) with m the group max.
      r.fold(lowestOf<Acc>(), [](Acc a, Acc v) { return v > a ? v : a; });
      std::vector<double> shift(acc.begin(), acc.end());
      for (double& m : shift)
        if (!std::isfinite(m)) m = 0;
      std::vector<double> total(acc.size(), 0.0);
      const T* px = x.data<T>();
      forEachReduced(x.dims(), mask, [&](int64_t in, int64_t out) {
        total[out] += std::exp(static_cast<double>(px[in]) - shift[out]);
      });
      for (size_t i = 0; i < total.size(); ++i)
        py[i] = static_cast<T>(shift[i] + std::log(total[i]));
      return;
    }
  }
}

Kernel reduceKernel(Reduction kind) {
  return [kind](KernelContext& ctx) -> Status {
    const RtTensor& x = *ctx.input(0);
    const auto rank = static_cast<int64_t>(x.rank());
    // Axes come from input 1 from opset 13 (ReduceSum) or 18 (the others),
    // before that from the attribute; whichever the node carries is used.
    std::vector<int64_t> axes;
    if (const RtTensor* a = ctx.input(1))
      axes = a->toInt64Vector();
    else if (auto attr = ctx.node().attrs.getInts("axes"))
      axes = *attr;
    if (axes.empty()) {
      if (ctx.attrInt("noop_with_empty_axes") != 0) {
        ctx.setOutput(0, x);
        return Status::ok();
      }
      for (int64_t i = 0; i < rank; ++i) axes.push_back(i);
    }
    auto mask = axesMask(axes, rank);
    if (!mask) return ctx.error("axes are out of range or repeated for rank {}", rank);
    const bool keep = ctx.attrInt("keepdims") != 0;
    int64_t count = 1;
    for (int64_t i = 0; i < rank; ++i)
      if ((*mask)[i]) count *= x.dim(i);
    RtTensor& y = ctx.allocateOutput(0, x.dtype(), reducedDims(x.dims(), *mask, keep));
    if (!dispatchNumeric(x.dtype(),
                         [&](auto t) { reduceTyped<decltype(t)>(kind, x, *mask, count, y); }))
      return ctx.unsupported("no kernel for {} input", dtypeName(x.dtype()));
    return Status::ok();
  };
}

// ArgMax/ArgMin: the index of the first (or, with select_last_index, the
// last) extreme element along the axis.
template <bool Max>
Status argReduce(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  const auto rank = static_cast<int64_t>(x.rank());
  auto axis = normalizedAxis(ctx.attrInt("axis"), std::max<int64_t>(rank, 1));
  if (!axis) return ctx.error("axis {} is out of range for rank {}", ctx.attrInt("axis"), rank);
  if (rank == 0) return ctx.error("input must have rank >= 1");
  const bool keep = ctx.attrInt("keepdims") != 0;
  const bool last = ctx.attrInt("select_last_index") != 0;
  const std::vector<int64_t>& dims = x.dims();
  const int64_t outer = productOf(dims, 0, *axis), n = dims[*axis];
  const int64_t inner = productOf(dims, *axis + 1, dims.size());
  std::vector<int64_t> outDims = dims;
  if (keep)
    outDims[*axis] = 1;
  else
    outDims.erase(outDims.begin() + *axis);
  if (n == 0 && outer * inner > 0) return ctx.error("cannot take the arg extreme of an empty axis");
  RtTensor& y = ctx.allocateOutput(0, DType::Int64, outDims);
  int64_t* py = y.data<int64_t>();
  if (!dispatchNumeric(x.dtype(), [&](auto t) {
        using T = decltype(t);
        const T* px = x.data<T>();
        for (int64_t o = 0; o < outer; ++o) {
          for (int64_t i = 0; i < inner; ++i) {
            const T* p = px + o * n * inner + i;
            int64_t best = 0;
            for (int64_t k = 1; k < n; ++k) {
              const T v = p[k * inner], b = p[best * inner];
              const bool better = Max ? (v > b || (last && v == b)) : (v < b || (last && v == b));
              if (better) best = k;
            }
            py[o * inner + i] = best;
          }
        }
      }))
    return ctx.unsupported("no kernel for {} input", dtypeName(x.dtype()));
  return Status::ok();
}

}  // namespace

void registerReduceKernels(KernelRegistry& r) {
  r.add("ReduceSum", reduceKernel(Reduction::Sum));
  r.add("ReduceMean", reduceKernel(Reduction::Mean));
  r.add("ReduceMax", reduceKernel(Reduction::Max));
  r.add("ReduceMin", reduceKernel(Reduction::Min));
  r.add("ReduceProd", reduceKernel(Reduction::Prod));
  r.add("ReduceL1", reduceKernel(Reduction::L1));
  r.add("ReduceL2", reduceKernel(Reduction::L2));
  r.add("ReduceLogSum", reduceKernel(Reduction::LogSum));
  r.add("ReduceLogSumExp", reduceKernel(Reduction::LogSumExp));
  r.add("ReduceSumSquare", reduceKernel(Reduction::SumSquare));
  r.add("ArgMax", argReduce<true>);
  r.add("ArgMin", argReduce<false>);
}

}  // namespace nnport::exec
