// Building blocks for elementwise kernels: dtype dispatch and broadcasting
// loops with a fast path for equal shapes.
#pragma once

#include <cstdint>
#include <utility>

#include "exec/kernel.h"
#include "exec/kernels/broadcast.h"

namespace nnport::exec {

// Calls f(T{}) with T the C++ type of `d` among the numeric types kernels
// support; returns false for others (f16, strings...).
template <typename F>
bool dispatchNumeric(DType d, F&& f) {
  switch (d) {
    case DType::Float32:
      f(float{});
      return true;
    case DType::Float64:
      f(double{});
      return true;
    case DType::Int32:
      f(int32_t{});
      return true;
    case DType::Int64:
      f(int64_t{});
      return true;
    case DType::Int8:
      f(int8_t{});
      return true;
    case DType::UInt8:
      f(uint8_t{});
      return true;
    case DType::Int16:
      f(int16_t{});
      return true;
    case DType::UInt16:
      f(uint16_t{});
      return true;
    case DType::UInt32:
      f(uint32_t{});
      return true;
    case DType::UInt64:
      f(uint64_t{});
      return true;
    default:
      return false;
  }
}

template <typename F>
bool dispatchFloat(DType d, F&& f) {
  switch (d) {
    case DType::Float32:
      f(float{});
      return true;
    case DType::Float64:
      f(double{});
      return true;
    default:
      return false;
  }
}

// out[i] = f(a[ia], b[ib]) with broadcasting; Out is the output element type.
template <typename In, typename Out, typename F>
Status broadcastBinary(KernelContext& ctx, DType outType, F f) {
  const RtTensor& a = *ctx.input(0);
  const RtTensor& b = *ctx.input(1);
  auto dims = broadcastDims({&a, &b});
  if (!dims) return ctx.error("inputs of shapes that do not broadcast");
  RtTensor& out = ctx.allocateOutput(0, outType, *dims);
  const In* pa = a.data<In>();
  const In* pb = b.data<In>();
  Out* po = out.data<Out>();
  const int64_t n = out.numElements();
  if (a.numElements() == n && b.numElements() == n) {
    for (int64_t i = 0; i < n; ++i) po[i] = f(pa[i], pb[i]);
  } else if (a.numElements() == n && b.numElements() == 1) {
    const In s = pb[0];
    for (int64_t i = 0; i < n; ++i) po[i] = f(pa[i], s);
  } else {
    BroadcastWalker w(*dims, {&a, &b});
    for (int64_t i = 0; i < n; ++i, w.next()) po[i] = f(pa[w.offset(0)], pb[w.offset(1)]);
  }
  return Status::ok();
}

// out[i] = f(x[i]) with the same dims; Out is the output element type.
template <typename In, typename Out, typename F>
Status mapUnary(KernelContext& ctx, DType outType, F f) {
  const RtTensor& x = *ctx.input(0);
  RtTensor& out = ctx.allocateOutput(0, outType, x.dims());
  const In* px = x.data<In>();
  Out* po = out.data<Out>();
  const int64_t n = x.numElements();
  for (int64_t i = 0; i < n; ++i) po[i] = f(px[i]);
  return Status::ok();
}

}  // namespace nnport::exec
