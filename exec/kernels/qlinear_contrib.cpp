// ONNX Runtime's quantized contrib ops (com.microsoft): QGemm, QLinearAdd,
// QLinearMul, QLinearGlobalAveragePool, QLinearConcat, QLinearSigmoid and
// QLinearLeakyRelu. Each dequantizes its operands exactly (integer minus
// zero point, times scale), applies the op and requantizes to the output's
// scale and zero point with round-half-even and saturation:
//   y = saturate(round_half_even(f(x_scale * (x - x_zero_point)) / y_scale) + y_zero_point)
// The unary ones go through a 256-entry table per run.
#include <cmath>
#include <limits>
#include <vector>

#include "exec/kernels/broadcast.h"
#include "exec/kernels/integer_ops.h"
#include "exec/kernels/quant_util.h"
#include "ir/ops/registry.h"

namespace nnport::exec {
namespace {

struct Scalar {
  double scale = 1, zero = 0;
};

// The per-tensor scale at input si and zero point at input zi (optional).
Expected<Scalar> scalarParams(const KernelContext& ctx, size_t si, size_t zi) {
  const RtTensor* s = ctx.input(si);
  const RtTensor* z = ctx.input(zi);
  if (!s) return ctx.error("missing scale input {}", si);
  if (s->numElements() != 1 || (z && z->numElements() != 1))
    return ctx.error("input {}'s scale and zero point must be single values", si - 1);
  if (!(s->floatAt(0) > 0)) return ctx.error("scale input {} is not positive", si);
  return Scalar{s->floatAt(0), z ? static_cast<double>(z->intAt(0)) : 0.0};
}

// Input i, or an error when it was omitted.
Expected<const RtTensor*> required(const KernelContext& ctx, size_t i) {
  if (!ctx.input(i)) return ctx.error("input {} is missing", i);
  return ctx.input(i);
}

template <typename Q>
Q requantize(double real, const Scalar& y) {
  return saturateTo<Q>(roundHalfEven(real / y.scale) + y.zero);
}

template <bool kMul>
Status qlinearBinary(KernelContext& ctx) {
  NNP_ASSIGN_OR_RETURN(const RtTensor* pa0, required(ctx, 0));
  const RtTensor& a = *pa0;
  const RtTensor* b = ctx.input(3);
  if (!b || b->dtype() != a.dtype()) return ctx.error("A and B must have one quantized type");
  NNP_ASSIGN_OR_RETURN(Scalar pa, scalarParams(ctx, 1, 2));
  NNP_ASSIGN_OR_RETURN(Scalar pb, scalarParams(ctx, 4, 5));
  NNP_ASSIGN_OR_RETURN(Scalar pc, scalarParams(ctx, 6, 7));
  auto dims = broadcastDims({&a, b});
  if (!dims) return ctx.error("A and B do not broadcast");
  RtTensor& y = ctx.allocateOutput(0, a.dtype(), *dims, false);
  const bool ok = dispatchQuantized(a.dtype(), [&](auto q) {
    using Q = decltype(q);
    const Q* xa = a.data<Q>();
    const Q* xb = b->data<Q>();
    Q* py = y.data<Q>();
    BroadcastWalker walk(*dims, {&a, b});
    for (int64_t i = 0; i < y.numElements(); ++i, walk.next()) {
      const double va = pa.scale * (static_cast<double>(xa[walk.offset(0)]) - pa.zero);
      const double vb = pb.scale * (static_cast<double>(xb[walk.offset(1)]) - pb.zero);
      py[i] = requantize<Q>(kMul ? va * vb : va + vb, pc);
    }
  });
  if (!ok) return ctx.unsupported("no kernel for {}", dtypeName(a.dtype()));
  return Status::ok();
}

// A 2-D 8-bit tensor transposed (QGemm's transA/transB).
RtTensor transposed8(const RtTensor& t) {
  RtTensor out = RtTensor::allocate(t.dtype(), {t.dim(1), t.dim(0)});
  const uint8_t* in = t.raw();
  uint8_t* o = out.raw();
  for (int64_t r = 0; r < t.dim(0); ++r)
    for (int64_t c = 0; c < t.dim(1); ++c) o[c * t.dim(0) + r] = in[r * t.dim(1) + c];
  return out;
}

// QGemm: Y = alpha * a_scale * b_scale[n] * ((A - a_zero_point)' (B - b_zero_point)' + C)
// with C int32 in the accumulator's scale; requantized to y_scale and
// y_zero_point when y_scale is given, else float32. b's scale and zero
// point are per tensor or per output column n.
Status qGemm(KernelContext& ctx) {
  for (size_t i : {0, 1, 2, 3, 4})
    if (!ctx.input(i)) return ctx.error("input {} is missing", i);
  const RtTensor &a = *ctx.input(0), &b = *ctx.input(3);
  const auto is8bit = [](const RtTensor& t) {
    return t.rank() == 2 && (t.dtype() == DType::UInt8 || t.dtype() == DType::Int8);
  };
  if (!is8bit(a) || !is8bit(b)) return ctx.error("A and B must be 2-D int8 or uint8");
  const RtTensor at = ctx.attrInt("transA") ? transposed8(a) : a;
  const RtTensor bt = ctx.attrInt("transB") ? transposed8(b) : b;
  NNP_ASSIGN_OR_RETURN(RtTensor acc, integerMatMul(ctx, at, ctx.input(2), bt, ctx.input(5)));
  const int64_t m = acc.dim(0), n = acc.dim(1);
  NNP_ASSIGN_OR_RETURN(Scalar pa, scalarParams(ctx, 1, 2));
  const RtTensor& bs = *ctx.input(4);
  const RtTensor* c = ctx.input(6);
  if (bs.numElements() != 1 && bs.numElements() != n)
    return ctx.error("b_scale has {} values for {} columns", bs.numElements(), n);
  if (c && (c->dtype() != DType::Int32 ||
            (c->numElements() != 1 && c->numElements() != n && c->numElements() != m * n)))
    return ctx.error("C must be int32 with 1, {} or {} values", n, m * n);
  const double alpha = ctx.attrFloat("alpha");
  std::vector<double> real(static_cast<size_t>(m * n));
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      const int64_t k = i * n + j;
      double sum = acc.data<int32_t>()[k];
      if (c) sum += c->data<int32_t>()[c->numElements() == 1 ? 0 : c->numElements() == n ? j : k];
      real[static_cast<size_t>(k)] =
          alpha * pa.scale * bs.floatAt(bs.numElements() == 1 ? 0 : j) * sum;
    }
  if (!ctx.input(7)) {
    float* y = ctx.allocateOutput(0, DType::Float32, {m, n}, false).data<float>();
    for (size_t k = 0; k < real.size(); ++k) y[k] = static_cast<float>(real[k]);
    return Status::ok();
  }
  NNP_ASSIGN_OR_RETURN(Scalar py, scalarParams(ctx, 7, 8));
  const DType out = ctx.input(8) ? ctx.input(8)->dtype() : DType::UInt8;
  RtTensor& y = ctx.allocateOutput(0, out, {m, n}, false);
  const bool ok = dispatchQuantized(out, [&](auto q) {
    using Q = decltype(q);
    for (size_t k = 0; k < real.size(); ++k) y.data<Q>()[k] = requantize<Q>(real[k], py);
  });
  if (!ok) return ctx.unsupported("no kernel for {} output", dtypeName(out));
  return Status::ok();
}

Status qlinearGlobalAveragePool(KernelContext& ctx) {
  NNP_ASSIGN_OR_RETURN(const RtTensor* px0, required(ctx, 0));
  const RtTensor& x = *px0;
  if (x.rank() < 3) return ctx.error("input rank {} is below 3", x.rank());
  NNP_ASSIGN_OR_RETURN(Scalar px, scalarParams(ctx, 1, 2));
  NNP_ASSIGN_OR_RETURN(Scalar py, scalarParams(ctx, 3, 4));
  const bool last = ctx.attrInt("channels_last") != 0;
  const size_t cAxis = last ? x.rank() - 1 : 1;
  const int64_t n = x.dim(0), c = x.dim(cAxis);
  const int64_t plane = n != 0 && c != 0 ? x.numElements() / (n * c) : 0;
  std::vector<int64_t> dims(x.rank(), 1);
  dims[0] = n;
  dims[cAxis] = c;
  RtTensor& y = ctx.allocateOutput(0, x.dtype(), dims, false);
  const bool ok = dispatchQuantized(x.dtype(), [&](auto q) {
    using Q = decltype(q);
    const Q* in = x.data<Q>();
    Q* out = y.data<Q>();
    for (int64_t b = 0; b < n; ++b)
      for (int64_t k = 0; k < c; ++k) {
        int64_t sum = 0;
        for (int64_t s = 0; s < plane; ++s)
          sum += in[last ? (b * plane + s) * c + k : (b * c + k) * plane + s];
        const double mean = static_cast<double>(sum) / static_cast<double>(plane);
        out[b * c + k] = requantize<Q>(px.scale * (mean - px.zero), py);
      }
  });
  if (!ok) return ctx.unsupported("no kernel for {}", dtypeName(x.dtype()));
  return Status::ok();
}

Status qlinearConcat(KernelContext& ctx) {
  if (ctx.numInputs() < 5 || (ctx.numInputs() - 2) % 3 != 0)
    return ctx.error("expects Y_scale, Y_zero_point and (X, scale, zero point) triples");
  NNP_ASSIGN_OR_RETURN(Scalar py, scalarParams(ctx, 0, 1));
  for (size_t i = 2; i < ctx.numInputs(); i += 3)
    if (!ctx.input(i)) return ctx.error("input {} is missing", i);
  const RtTensor& first = *ctx.input(2);
  const auto rank = static_cast<int64_t>(first.rank());
  auto axis = normalizedAxis(ctx.attrInt("axis"), rank);
  if (!axis) return ctx.error("axis {} is out of range for rank {}", ctx.attrInt("axis"), rank);
  std::vector<int64_t> dims = first.dims();
  dims[static_cast<size_t>(*axis)] = 0;
  for (size_t i = 2; i < ctx.numInputs(); i += 3) {
    const RtTensor& t = *ctx.input(i);
    if (t.dtype() != first.dtype() || t.rank() != first.rank())
      return ctx.error("input {} differs from the first in type or rank", i);
    for (size_t d = 0; d < t.rank(); ++d)
      if (static_cast<int64_t>(d) != *axis && t.dim(d) != first.dim(d))
        return ctx.error("input {} has size {} in dimension {}, expected {}", i, t.dim(d), d,
                         first.dim(d));
    dims[static_cast<size_t>(*axis)] += t.dim(static_cast<size_t>(*axis));
  }
  const int64_t outer = productOf(dims, 0, static_cast<size_t>(*axis));
  const int64_t inner = productOf(dims, static_cast<size_t>(*axis) + 1, dims.size());
  RtTensor& y = ctx.allocateOutput(0, first.dtype(), dims, false);
  const int64_t rowOut = dims[static_cast<size_t>(*axis)] * inner;
  int64_t offset = 0;
  for (size_t i = 2; i < ctx.numInputs(); i += 3) {
    const RtTensor& t = *ctx.input(i);
    auto p = scalarParams(ctx, i + 1, i + 2);
    if (!p) return p.status();
    const int64_t row = t.dim(static_cast<size_t>(*axis)) * inner;
    dispatchQuantized(t.dtype(), [&](auto q) {
      using Q = decltype(q);
      const Q* in = t.data<Q>();
      Q* out = y.data<Q>() + offset;
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t k = 0; k < row; ++k)
          out[o * rowOut + k] =
              requantize<Q>(p->scale * (static_cast<double>(in[o * row + k]) - p->zero), py);
    });
    offset += row;
  }
  return Status::ok();
}

template <typename F>
Status qlinearUnary(KernelContext& ctx, F f) {
  NNP_ASSIGN_OR_RETURN(const RtTensor* px0, required(ctx, 0));
  const RtTensor& x = *px0;
  NNP_ASSIGN_OR_RETURN(Scalar px, scalarParams(ctx, 1, 2));
  NNP_ASSIGN_OR_RETURN(Scalar py, scalarParams(ctx, 3, 4));
  RtTensor& y = ctx.allocateOutput(0, x.dtype(), x.dims(), false);
  const bool ok = dispatchQuantized(x.dtype(), [&](auto q) {
    using Q = decltype(q);
    if constexpr (sizeof(Q) == 1) {
      Q table[256];
      for (int v = 0; v < 256; ++v) {
        const double xv = static_cast<double>(std::numeric_limits<Q>::lowest()) + v;
        table[v] = requantize<Q>(f(px.scale * (xv - px.zero)), py);
      }
      const Q* in = x.data<Q>();
      Q* out = y.data<Q>();
      for (int64_t i = 0; i < x.numElements(); ++i)
        out[i] = table[static_cast<int>(in[i]) - std::numeric_limits<Q>::lowest()];
    }
  });
  if (!ok || (x.dtype() != DType::UInt8 && x.dtype() != DType::Int8))
    return ctx.unsupported("no kernel for {}", dtypeName(x.dtype()));
  return Status::ok();
}

Status qlinearSigmoid(KernelContext& ctx) {
  return qlinearUnary(ctx, [](double v) { return 1.0 / (1.0 + std::exp(-v)); });
}

Status qlinearLeakyRelu(KernelContext& ctx) {
  const double alpha = ctx.attrFloat("alpha");
  return qlinearUnary(ctx, [alpha](double v) { return v >= 0 ? v : alpha * v; });
}

}  // namespace

void registerQLinearContribKernels(KernelRegistry& r) {
  const KernelSet ref = KernelSet::Reference;
  r.add("QGemm", qGemm, ref, kMicrosoftDomain);
  r.add("QLinearAdd", qlinearBinary<false>, ref, kMicrosoftDomain);
  r.add("QLinearMul", qlinearBinary<true>, ref, kMicrosoftDomain);
  r.add("QLinearGlobalAveragePool", qlinearGlobalAveragePool, ref, kMicrosoftDomain);
  r.add("QLinearConcat", qlinearConcat, ref, kMicrosoftDomain);
  r.add("QLinearSigmoid", qlinearSigmoid, ref, kMicrosoftDomain);
  r.add("QLinearLeakyRelu", qlinearLeakyRelu, ref, kMicrosoftDomain);
}

}  // namespace nnport::exec
