// Broadcasting binary kernels: arithmetic, comparisons, logic, variadic
// Min/Max/Sum/Mean, PRelu and Where.
#include <cmath>
#include <type_traits>

#include "exec/kernels/elementwise_util.h"

namespace nnport::exec {
namespace {

template <typename Op>
Kernel arithmetic(Op op) {
  return [op](KernelContext& ctx) {
    Status st = Status::ok();
    const DType d = ctx.input(0)->dtype();
    if (ctx.input(1)->dtype() != d) return ctx.error("operand types differ");
    if (!dispatchNumeric(d, [&](auto t) {
          using T = decltype(t);
          st = broadcastBinary<T, T>(ctx, d, [&](T a, T b) { return static_cast<T>(op(a, b)); });
        }))
      return ctx.unsupported("no kernel for {} operands", dtypeName(d));
    return st;
  };
}

template <typename Op>
Kernel comparison(Op op) {
  return [op](KernelContext& ctx) {
    Status st = Status::ok();
    const DType d = ctx.input(0)->dtype();
    if (d == DType::Bool)
      return broadcastBinary<uint8_t, uint8_t>(
          ctx, DType::Bool, [&](uint8_t a, uint8_t b) { return static_cast<uint8_t>(op(a, b)); });
    if (!dispatchNumeric(d, [&](auto t) {
          using T = decltype(t);
          st = broadcastBinary<T, uint8_t>(
              ctx, DType::Bool, [&](T a, T b) { return static_cast<uint8_t>(op(a, b)); });
        }))
      return ctx.unsupported("no kernel for {} operands", dtypeName(d));
    return st;
  };
}

template <typename Op>
Kernel logic(Op op) {
  return [op](KernelContext& ctx) {
    return broadcastBinary<uint8_t, uint8_t>(ctx, DType::Bool, [&](uint8_t a, uint8_t b) {
      return static_cast<uint8_t>(op(a != 0, b != 0));
    });
  };
}

template <typename T>
T divide(T a, T b) {
  if constexpr (std::is_integral_v<T>)
    return b == 0 ? T(0) : static_cast<T>(a / b);
  else
    return a / b;
}

// Pow's exponent may have another type than its base (opset 12+).
Status powKernel(KernelContext& ctx) {
  const RtTensor& a = *ctx.input(0);
  const RtTensor& b = *ctx.input(1);
  auto dims = broadcastDims({&a, &b});
  if (!dims) return ctx.error("inputs of shapes that do not broadcast");
  Status st = Status::ok();
  if (!dispatchNumeric(a.dtype(), [&](auto t) {
        using T = decltype(t);
        RtTensor& out = ctx.allocateOutput(0, a.dtype(), *dims);
        BroadcastWalker w(*dims, {&a, &b});
        for (int64_t i = 0; i < out.numElements(); ++i, w.next())
          out.data<T>()[i] = static_cast<T>(
              std::pow(static_cast<double>(a.data<T>()[w.offset(0)]), b.floatAt(w.offset(1))));
      }))
    return ctx.unsupported("no kernel for {} operands", dtypeName(a.dtype()));
  return st;
}

Status modKernel(KernelContext& ctx) {
  const bool fmodMode = ctx.attrInt("fmod") != 0;
  Status st = Status::ok();
  const DType d = ctx.input(0)->dtype();
  if (!dispatchNumeric(d, [&](auto t) {
        using T = decltype(t);
        st = broadcastBinary<T, T>(ctx, d, [&](T a, T b) -> T {
          if constexpr (std::is_floating_point_v<T>) {
            const T r = std::fmod(a, b);
            return (!fmodMode && r != 0 && ((r < 0) != (b < 0))) ? r + b : r;
          } else {
            if (b == 0) return 0;
            const T r = static_cast<T>(a % b);
            if constexpr (std::is_signed_v<T>)
              if (!fmodMode && r != 0 && ((r < 0) != (b < 0))) return static_cast<T>(r + b);
            return r;
          }
        });
      }))
    return ctx.unsupported("no kernel for {} operands", dtypeName(d));
  return st;
}

// Min, Max, Sum, Mean over any number of broadcast inputs, folded pairwise.
template <typename Op>
Kernel variadic(Op op, bool mean) {
  return [op, mean](KernelContext& ctx) {
    std::vector<const RtTensor*> ins;
    for (size_t i = 0; i < ctx.numInputs(); ++i)
      if (ctx.input(i)) ins.push_back(ctx.input(i));
    if (ins.empty()) return ctx.error("needs at least one input");
    auto dims = broadcastDims(ins);
    if (!dims) return ctx.error("inputs of shapes that do not broadcast");
    const DType d = ins[0]->dtype();
    Status st = Status::ok();
    if (!dispatchNumeric(d, [&](auto t) {
          using T = decltype(t);
          RtTensor& out = ctx.allocateOutput(0, d, *dims);
          T* po = out.data<T>();
          BroadcastWalker w0(*dims, {ins[0]});
          for (int64_t i = 0; i < out.numElements(); ++i, w0.next())
            po[i] = ins[0]->data<T>()[w0.offset(0)];
          for (size_t k = 1; k < ins.size(); ++k) {
            BroadcastWalker w(*dims, {ins[k]});
            const T* p = ins[k]->data<T>();
            for (int64_t i = 0; i < out.numElements(); ++i, w.next())
              po[i] = static_cast<T>(op(po[i], p[w.offset(0)]));
          }
          if (mean)
            for (int64_t i = 0; i < out.numElements(); ++i)
              po[i] = static_cast<T>(po[i] / static_cast<T>(ins.size()));
        }))
      return ctx.unsupported("no kernel for {} operands", dtypeName(d));
    return st;
  };
}

Status whereKernel(KernelContext& ctx) {
  const RtTensor& c = *ctx.input(0);
  const RtTensor& x = *ctx.input(1);
  const RtTensor& y = *ctx.input(2);
  auto dims = broadcastDims({&c, &x, &y});
  if (!dims) return ctx.error("inputs of shapes that do not broadcast");
  const size_t width = dtypeSize(x.dtype());
  if (width == 0 || x.dtype() != y.dtype())
    return ctx.unsupported("no kernel for {} values", dtypeName(x.dtype()));
  RtTensor& out = ctx.allocateOutput(0, x.dtype(), *dims);
  BroadcastWalker w(*dims, {&c, &x, &y});
  for (int64_t i = 0; i < out.numElements(); ++i, w.next()) {
    const bool pick = c.data<uint8_t>()[w.offset(0)] != 0;
    const uint8_t* src = pick ? x.raw() + w.offset(1) * width : y.raw() + w.offset(2) * width;
    std::copy(src, src + width, out.raw() + i * width);
  }
  return Status::ok();
}

// Before opset 7 a 1-D slope of C values applies along axis 1 of X.
Status preluKernel(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  const RtTensor& slope = *ctx.input(1);
  RtTensor perChannel;
  if (!broadcastDims({&x, &slope}) && slope.rank() == 1 && x.rank() >= 2 &&
      x.dim(1) == slope.dim(0)) {
    std::vector<int64_t> dims(x.rank() - 1, 1);
    dims[0] = slope.dim(0);
    perChannel = slope.withDims(dims);
  }
  std::vector<const RtTensor*> ins{&x, perChannel.empty() ? &slope : &perChannel};
  auto dims = broadcastDims(ins);
  if (!dims) return ctx.error("inputs of shapes that do not broadcast");
  Status st = Status::ok();
  if (!dispatchFloat(x.dtype(), [&](auto t) {
        using T = decltype(t);
        RtTensor& out = ctx.allocateOutput(0, x.dtype(), *dims);
        BroadcastWalker w(*dims, ins);
        for (int64_t i = 0; i < out.numElements(); ++i, w.next()) {
          const T v = x.data<T>()[w.offset(0)];
          out.data<T>()[i] = v < 0 ? ins[1]->data<T>()[w.offset(1)] * v : v;
        }
      }))
    return ctx.unsupported("no kernel for {} operands", dtypeName(x.dtype()));
  return st;
}

}  // namespace

void registerBinaryKernels(KernelRegistry& r) {
  r.add("Add", arithmetic([](auto a, auto b) { return a + b; }));
  r.add("Sub", arithmetic([](auto a, auto b) { return a - b; }));
  r.add("Mul", arithmetic([](auto a, auto b) { return a * b; }));
  r.add("Div", arithmetic([](auto a, auto b) { return divide(a, b); }));
  r.add("Pow", powKernel);
  r.add("Mod", modKernel);
  r.add("Equal", comparison([](auto a, auto b) { return a == b; }));
  r.add("Less", comparison([](auto a, auto b) { return a < b; }));
  r.add("Greater", comparison([](auto a, auto b) { return a > b; }));
  r.add("LessOrEqual", comparison([](auto a, auto b) { return a <= b; }));
  r.add("GreaterOrEqual", comparison([](auto a, auto b) { return a >= b; }));
  r.add("And", logic([](bool a, bool b) { return a && b; }));
  r.add("Or", logic([](bool a, bool b) { return a || b; }));
  r.add("Xor", logic([](bool a, bool b) { return a != b; }));
  r.add("Max", variadic([](auto a, auto b) { return a > b || a != a ? a : b; }, false));
  r.add("Min", variadic([](auto a, auto b) { return a < b || a != a ? a : b; }, false));
  r.add("Sum", variadic([](auto a, auto b) { return a + b; }, false));
  r.add("Mean", variadic([](auto a, auto b) { return a + b; }, true));
  r.add("Where", whereKernel);
  r.add("PRelu", preluKernel);
}

}  // namespace nnport::exec
