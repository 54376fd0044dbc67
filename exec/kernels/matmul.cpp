// Matrix product kernels: MatMul (numpy semantics), Gemm and MatMulInteger.
// Floats accumulate in double, integers in 64 bits.
#include <algorithm>
#include <type_traits>
#include <vector>

#include "exec/kernels/elementwise_util.h"
#include "exec/kernels/integer_ops.h"

namespace nnport::exec {
namespace {

template <typename T>
using AccOf = std::conditional_t<std::is_floating_point_v<T>, double,
                                 std::conditional_t<std::is_signed_v<T>, int64_t, uint64_t>>;

// y[M,N] = A'[M,K] * B'[K,N] with A'(i,k) = a[i*am + k*ak] and
// B'(k,j) = b[k*bk + j*bn]; y is row-major.
template <typename T, typename Acc, typename Out>
void matMul2d(int64_t m, int64_t n, int64_t k, const T* a, int64_t am, int64_t ak, const T* b,
              int64_t bk, int64_t bn, Out* y) {
  if (bn == 1) {
    // i-k-j: the inner loop streams one row of B into one row of y.
    std::vector<Acc> row(static_cast<size_t>(n));
    for (int64_t i = 0; i < m; ++i) {
      std::fill(row.begin(), row.end(), Acc(0));
      for (int64_t p = 0; p < k; ++p) {
        const Acc av = static_cast<Acc>(a[i * am + p * ak]);
        const T* brow = b + p * bk;
        for (int64_t j = 0; j < n; ++j) row[j] += av * static_cast<Acc>(brow[j]);
      }
      for (int64_t j = 0; j < n; ++j) y[i * n + j] = static_cast<Out>(row[j]);
    }
    return;
  }
  // B is contiguous along k (a transposed B): dot products.
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      Acc s = 0;
      for (int64_t p = 0; p < k; ++p)
        s += static_cast<Acc>(a[i * am + p * ak]) * static_cast<Acc>(b[p * bk + j * bn]);
      y[i * n + j] = static_cast<Out>(s);
    }
}

// numpy matmul of A and B: a 1-D A is a row [1,K], a 1-D B a column [K,1]
// (the added dim is dropped from the result); leading dims broadcast.
struct MatMulPlan {
  int64_t m = 0, n = 0, k = 0;
  std::vector<int64_t> outDims, batchDims;
  std::vector<int64_t> aStride, bStride;  // per batch axis, in matrices; 0 = broadcast
};

Expected<MatMulPlan> planMatMul(const KernelContext& ctx, std::vector<int64_t> ad,
                                std::vector<int64_t> bd) {
  if (ad.empty() || bd.empty()) return ctx.error("operands must have rank >= 1");
  const bool aVector = ad.size() == 1, bVector = bd.size() == 1;
  if (aVector) ad.insert(ad.begin(), 1);
  if (bVector) bd.push_back(1);
  MatMulPlan p;
  p.m = ad[ad.size() - 2];
  p.k = ad.back();
  p.n = bd.back();
  if (bd[bd.size() - 2] != p.k)
    return ctx.error("inner dimensions differ: {} vs {}", p.k, bd[bd.size() - 2]);
  const size_t ar = ad.size() - 2, br = bd.size() - 2, r = std::max(ar, br);
  p.batchDims.assign(r, 1);
  p.aStride.assign(r, 0);
  p.bStride.assign(r, 0);
  for (size_t i = 0; i < r; ++i) {
    const int64_t da = i + ar >= r ? ad[i + ar - r] : 1;
    const int64_t db = i + br >= r ? bd[i + br - r] : 1;
    if (da != db && da != 1 && db != 1)
      return ctx.error("batch dimensions {} and {} do not broadcast", da, db);
    p.batchDims[i] = da == 1 ? db : da;
  }
  int64_t sa = 1, sb = 1;
  for (size_t i = r; i-- > 0;) {
    const int64_t da = i + ar >= r ? ad[i + ar - r] : 1;
    const int64_t db = i + br >= r ? bd[i + br - r] : 1;
    if (da != 1) p.aStride[i] = sa;
    if (db != 1) p.bStride[i] = sb;
    sa *= da;
    sb *= db;
  }
  p.outDims = p.batchDims;
  if (!aVector) p.outDims.push_back(p.m);
  if (!bVector) p.outDims.push_back(p.n);
  return p;
}

template <typename T, typename Acc, typename Out>
void runMatMul(const MatMulPlan& p, const T* a, const T* b, Out* y) {
  int64_t batches = 1;
  for (int64_t d : p.batchDims) batches *= d;
  std::vector<int64_t> idx(p.batchDims.size(), 0);
  for (int64_t bi = 0; bi < batches; ++bi) {
    int64_t ao = 0, bo = 0;
    for (size_t i = 0; i < idx.size(); ++i) {
      ao += idx[i] * p.aStride[i];
      bo += idx[i] * p.bStride[i];
    }
    matMul2d<T, Acc, Out>(p.m, p.n, p.k, a + ao * p.m * p.k, p.k, 1, b + bo * p.k * p.n, p.n, 1,
                          y + bi * p.m * p.n);
    for (size_t i = idx.size(); i-- > 0;) {
      if (++idx[i] < p.batchDims[i]) break;
      idx[i] = 0;
    }
  }
}

Status matMul(KernelContext& ctx) {
  const RtTensor& a = *ctx.input(0);
  const RtTensor& b = *ctx.input(1);
  if (a.dtype() != b.dtype())
    return ctx.error("operand types differ: {} and {}", dtypeName(a.dtype()), dtypeName(b.dtype()));
  NNP_ASSIGN_OR_RETURN(MatMulPlan p, planMatMul(ctx, a.dims(), b.dims()));
  RtTensor& y = ctx.allocateOutput(0, a.dtype(), p.outDims);
  if (!dispatchNumeric(a.dtype(), [&](auto t) {
        using T = decltype(t);
        runMatMul<T, AccOf<T>, T>(p, a.data<T>(), b.data<T>(), y.data<T>());
      }))
    return ctx.unsupported("no kernel for {} operands", dtypeName(a.dtype()));
  return Status::ok();
}

// Y = alpha * A' * B' + beta * C with A' = transA ? A^T : A (likewise B');
// C broadcasts unidirectionally to [M, N].
Status gemm(KernelContext& ctx) {
  const RtTensor& a = *ctx.input(0);
  const RtTensor& b = *ctx.input(1);
  const RtTensor* c = ctx.input(2);
  if (a.rank() != 2 || b.rank() != 2) return ctx.error("A and B must be 2-D");
  if (a.dtype() != b.dtype() || (c && c->dtype() != a.dtype()))
    return ctx.error("operand types differ");
  const bool ta = ctx.attrInt("transA") != 0, tb = ctx.attrInt("transB") != 0;
  const int64_t m = a.dim(ta ? 1 : 0), k = a.dim(ta ? 0 : 1);
  const int64_t n = b.dim(tb ? 0 : 1);
  if (b.dim(tb ? 1 : 0) != k)
    return ctx.error("inner dimensions differ: {} vs {}", k, b.dim(tb ? 1 : 0));
  // C's element for (i, j) is c[i * cm + j * cn].
  int64_t cm = 0, cn = 0;
  if (c) {
    if (c->rank() > 2) return ctx.error("C must have rank <= 2, got {}", c->rank());
    const int64_t rows = c->rank() == 2 ? c->dim(0) : 1;
    const int64_t cols = c->rank() >= 1 ? c->dim(c->rank() - 1) : 1;
    if ((rows != 1 && rows != m) || (cols != 1 && cols != n))
      return ctx.error("C of shape [{},{}] does not broadcast to [{},{}]", rows, cols, m, n);
    cm = rows == 1 ? 0 : cols;
    cn = cols == 1 ? 0 : 1;
  }
  const double alpha = ctx.attrFloat("alpha"), beta = ctx.attrFloat("beta");
  RtTensor& y = ctx.allocateOutput(0, a.dtype(), {m, n});
  if (!dispatchNumeric(a.dtype(), [&](auto t) {
        using T = decltype(t);
        using Acc = AccOf<T>;
        std::vector<Acc> prod(static_cast<size_t>(m * n));
        const int64_t am = ta ? 1 : k, ak = ta ? m : 1;
        const int64_t bk = tb ? 1 : n, bn = tb ? k : 1;
        matMul2d<T, Acc, Acc>(m, n, k, a.data<T>(), am, ak, b.data<T>(), bk, bn, prod.data());
        T* py = y.data<T>();
        const T* pc = c ? c->data<T>() : nullptr;
        for (int64_t i = 0; i < m; ++i)
          for (int64_t j = 0; j < n; ++j) {
            double v = alpha * static_cast<double>(prod[i * n + j]);
            if (pc) v += beta * static_cast<double>(pc[i * cm + j * cn]);
            py[i * n + j] = static_cast<T>(v);
          }
      }))
    return ctx.unsupported("no kernel for {} operands", dtypeName(a.dtype()));
  return Status::ok();
}

// x - zero point as int32. The zero point is a scalar, one value per row of
// A (`perRow`) / column of B, or a tensor like x with the K axis of size 1.
Expected<std::vector<int32_t>> centered(const KernelContext& ctx, const RtTensor& x,
                                        const RtTensor* zp, bool isA, int64_t k) {
  std::vector<int32_t> out(static_cast<size_t>(x.numElements()));
  for (int64_t i = 0; i < x.numElements(); ++i) out[i] = static_cast<int32_t>(x.intAt(i));
  if (!zp || zp->numElements() == 0) return out;
  const int64_t z = zp->numElements();
  const int64_t n = x.rank() >= 1 ? x.dims().back() : 1;
  const int64_t rows = isA ? (x.rank() >= 2 ? x.dim(x.rank() - 2) : 1) : 0;
  const int64_t safeK = std::max<int64_t>(k, 1), safeN = std::max<int64_t>(n, 1);
  for (int64_t i = 0; i < x.numElements(); ++i) {
    int64_t zi = 0;
    if (z == 1)
      zi = 0;
    else if (isA && zp->rank() == 1 && z == rows)
      zi = (i / safeK) % rows;
    else if (isA && z * safeK == x.numElements())
      zi = i / safeK;
    else if (!isA && zp->rank() == 1 && z == n)
      zi = i % safeN;
    else if (!isA && z * safeK == x.numElements())
      zi = (i / (safeK * safeN)) * safeN + i % safeN;
    else
      return ctx.error("zero point of {} values does not fit the operand", z);
    out[i] -= static_cast<int32_t>(zp->intAt(zi));
  }
  return out;
}

Status matMulInteger(KernelContext& ctx) {
  NNP_ASSIGN_OR_RETURN(
      RtTensor y, integerMatMul(ctx, *ctx.input(0), ctx.input(2), *ctx.input(1), ctx.input(3)));
  ctx.setOutput(0, std::move(y));
  return Status::ok();
}

}  // namespace

Expected<RtTensor> integerMatMul(KernelContext& ctx, const RtTensor& a, const RtTensor* aZero,
                                 const RtTensor& b, const RtTensor* bZero) {
  for (const RtTensor* t : {&a, &b, aZero, bZero})
    if (t && t->dtype() != DType::UInt8 && t->dtype() != DType::Int8)
      return ctx.unsupported("no kernel for {} operands", dtypeName(t->dtype()));
  NNP_ASSIGN_OR_RETURN(MatMulPlan p, planMatMul(ctx, a.dims(), b.dims()));
  NNP_ASSIGN_OR_RETURN(std::vector<int32_t> ca, centered(ctx, a, aZero, true, p.k));
  NNP_ASSIGN_OR_RETURN(std::vector<int32_t> cb, centered(ctx, b, bZero, false, p.k));
  RtTensor y = RtTensor::allocate(DType::Int32, p.outDims);
  runMatMul<int32_t, int64_t, int32_t>(p, ca.data(), cb.data(), y.data<int32_t>());
  return y;
}

void registerMatMulKernels(KernelRegistry& r) {
  r.add("MatMul", matMul);
  r.add("Gemm", gemm);
  r.add("MatMulInteger", matMulInteger);
}

}  // namespace nnport::exec
