// Quantized conv and matmul: QLinearConv and QLinearMatMul. Both compute
// the exact integer result of the zero-point-centered operands in int32
// (integer_ops.h), then requantize:
//   y = saturate(round_half_even(acc * (a_scale * b_scale / y_scale)) + y_zero_point)
// with the multiplier formed in float, as the ops' float32 scales are.
#include <vector>

#include "exec/kernels/broadcast.h"
#include "exec/kernels/integer_ops.h"
#include "exec/kernels/quant_util.h"

namespace nnport::exec {
namespace {

std::vector<float> floatsOf(const RtTensor& t) {
  std::vector<float> v(static_cast<size_t>(t.numElements()));
  for (int64_t i = 0; i < t.numElements(); ++i)
    v[static_cast<size_t>(i)] = static_cast<float>(t.floatAt(i));
  return v;
}

// The output type: the y zero point's, else the input's.
DType outputType(const RtTensor* yZero, const RtTensor& x) {
  return yZero ? yZero->dtype() : x.dtype();
}

Status checkScalar(const KernelContext& ctx, const RtTensor* t, const char* what) {
  if (t && t->numElements() != 1)
    return ctx.error("{} must hold one value, not {}", what, t->numElements());
  return Status::ok();
}

// QLinearConv inputs: x, x_scale, x_zero_point, w, w_scale, w_zero_point,
// y_scale, y_zero_point, B. w's scale and zero point may be per output
// channel; B is int32 with scale x_scale * w_scale and zero point 0.
Status qlinearConv(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  const RtTensor& w = *ctx.input(3);
  const RtTensor* yZero = ctx.input(7);
  const RtTensor* bias = ctx.input(8);
  NNP_RETURN_IF_ERROR(checkScalar(ctx, ctx.input(1), "x_scale"));
  NNP_RETURN_IF_ERROR(checkScalar(ctx, ctx.input(6), "y_scale"));
  NNP_RETURN_IF_ERROR(checkScalar(ctx, yZero, "y_zero_point"));
  NNP_ASSIGN_OR_RETURN(RtTensor acc, integerConv(ctx, x, ctx.input(2), w, ctx.input(5)));
  const int64_t channels = w.dim(0);
  const std::vector<float> wScale = floatsOf(*ctx.input(4));
  if (wScale.size() != 1 && static_cast<int64_t>(wScale.size()) != channels)
    return ctx.error("w_scale has {} values, expected 1 or {}", wScale.size(), channels);
  if (bias && (bias->dtype() != DType::Int32 || bias->numElements() != channels))
    return ctx.error("B must be int32 with {} values", channels);
  const float xScale = static_cast<float>(ctx.input(1)->floatAt(0));
  const float yScale = static_cast<float>(ctx.input(6)->floatAt(0));
  std::vector<float> mult(static_cast<size_t>(channels));
  for (int64_t m = 0; m < channels; ++m)
    mult[static_cast<size_t>(m)] =
        xScale * wScale[wScale.size() == 1 ? 0 : static_cast<size_t>(m)] / yScale;
  const double zero = yZero ? static_cast<double>(yZero->intAt(0)) : 0.0;
  const DType out = outputType(yZero, x);
  RtTensor& y = ctx.allocateOutput(0, out, acc.dims());
  const int64_t plane = productOf(acc.dims(), 2, acc.rank());
  const int32_t* pa = acc.data<int32_t>();
  const int32_t* pb = bias ? bias->data<int32_t>() : nullptr;
  const bool ok = dispatchQuantized(out, [&](auto q) {
    using Q = decltype(q);
    Q* py = y.data<Q>();
    for (int64_t i = 0; i < acc.numElements(); ++i) {
      const auto m = static_cast<size_t>((i / plane) % channels);
      const double sum = static_cast<double>(pa[i]) + (pb ? static_cast<double>(pb[m]) : 0.0);
      py[i] = saturateTo<Q>(roundHalfEven(sum * static_cast<double>(mult[m])) + zero);
    }
  });
  if (!ok) return ctx.unsupported("no kernel for {} output", dtypeName(out));
  return Status::ok();
}

// A's scale, y's scale and zero point are scalars, per row of A (a 1-D
// [M] or [..., M, 1]); B's scale is a scalar or per column ([N] or
// [..., 1, N]). Returns the view that broadcasts against the output.
RtTensor paramView(const RtTensor& t, bool perRow) {
  if (t.numElements() == 1) return t.withDims({});
  if (perRow && t.rank() == 1) return t.withDims({t.dim(0), 1});
  return t;
}

// QLinearMatMul inputs: a, a_scale, a_zero_point, b, b_scale,
// b_zero_point, y_scale, y_zero_point.
Status qlinearMatMul(KernelContext& ctx) {
  const RtTensor& a = *ctx.input(0);
  const RtTensor* yZero = ctx.input(7);
  for (size_t i : {1, 4, 6})
    if (!ctx.input(i)) return ctx.error("missing scale input {}", i);
  NNP_ASSIGN_OR_RETURN(RtTensor acc,
                       integerMatMul(ctx, a, ctx.input(2), *ctx.input(3), ctx.input(5)));
  const RtTensor aScale = paramView(*ctx.input(1), true);
  const RtTensor bScale = paramView(*ctx.input(4), false);
  const RtTensor yScale = paramView(*ctx.input(6), true);
  const RtTensor yZeroView = yZero ? paramView(*yZero, true) : RtTensor::allocate(DType::UInt8, {});
  const std::vector<const RtTensor*> params{&aScale, &bScale, &yScale, &yZeroView};
  std::vector<const RtTensor*> all{&acc};
  all.insert(all.end(), params.begin(), params.end());
  auto dims = broadcastDims(all);
  if (!dims || *dims != acc.dims())
    return ctx.error("scales or zero points do not fit the output's per-row/per-column layout");
  const std::vector<float> as = floatsOf(aScale), bs = floatsOf(bScale), ys = floatsOf(yScale);
  const std::vector<float> yz = floatsOf(yZeroView);
  const DType out = outputType(yZero, a);
  RtTensor& y = ctx.allocateOutput(0, out, acc.dims());
  const int32_t* pa = acc.data<int32_t>();
  const bool ok = dispatchQuantized(out, [&](auto q) {
    using Q = decltype(q);
    Q* py = y.data<Q>();
    BroadcastWalker walk(acc.dims(), params);
    for (int64_t i = 0; i < acc.numElements(); ++i, walk.next()) {
      const float mult = as[walk.offset(0)] * bs[walk.offset(1)] / ys[walk.offset(2)];
      const double v = roundHalfEven(static_cast<double>(pa[i]) * static_cast<double>(mult));
      py[i] = saturateTo<Q>(v + static_cast<double>(yz[walk.offset(3)]));
    }
  });
  if (!ok) return ctx.unsupported("no kernel for {} output", dtypeName(out));
  return Status::ok();
}

}  // namespace

void registerQLinearKernels(KernelRegistry& r) {
  r.add("QLinearConv", qlinearConv);
  r.add("QLinearMatMul", qlinearMatMul);
}

}  // namespace nnport::exec
