// Unary math and activation kernels (float, and integers where ONNX allows).
#include <cmath>
#include <limits>
#include <type_traits>

#include "exec/kernels/elementwise_util.h"

namespace nnport::exec {
namespace {

// A float-only elementwise function; `f(ctx)` returns the scalar lambda so
// attributes are read once.
template <typename Make>
Kernel floatUnary(Make make) {
  return [make](KernelContext& ctx) {
    Status st = Status::ok();
    const DType d = ctx.input(0)->dtype();
    auto fn = make(ctx);
    if (!dispatchFloat(d, [&](auto t) {
          using T = decltype(t);
          st = mapUnary<T, T>(ctx, d,
                              [&](T x) { return static_cast<T>(fn(static_cast<double>(x))); });
        }))
      return ctx.unsupported("no kernel for {} input", dtypeName(d));
    return st;
  };
}

template <typename F>
Kernel simple(F f) {
  return floatUnary([f](KernelContext&) { return f; });
}

// Functions ONNX also defines on integers.
template <typename F>
Kernel numericUnary(F f) {
  return [f](KernelContext& ctx) {
    Status st = Status::ok();
    const DType d = ctx.input(0)->dtype();
    if (!dispatchNumeric(d, [&](auto t) {
          using T = decltype(t);
          st = mapUnary<T, T>(ctx, d, [&](T x) { return static_cast<T>(f(x)); });
        }))
      return ctx.unsupported("no kernel for {} input", dtypeName(d));
    return st;
  };
}

double sigmoid(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}

Status clipKernel(KernelContext& ctx) {
  const DType d = ctx.input(0)->dtype();
  double lo = -std::numeric_limits<double>::infinity(), hi = -lo;
  if (ctx.opset() > 0 && ctx.opset() < 11) {
    lo = ctx.attrFloat("min");
    hi = ctx.attrFloat("max");
  } else {
    if (ctx.input(1) && ctx.input(1)->numElements()) lo = ctx.input(1)->floatAt(0);
    if (ctx.input(2) && ctx.input(2)->numElements()) hi = ctx.input(2)->floatAt(0);
  }
  Status st = Status::ok();
  if (!dispatchNumeric(d, [&](auto t) {
        using T = decltype(t);
        st = mapUnary<T, T>(ctx, d, [&](T x) {
          const double v = static_cast<double>(x);
          return static_cast<T>(v < lo ? lo : (v > hi ? hi : v));
        });
      }))
    return ctx.unsupported("no kernel for {} input", dtypeName(d));
  return st;
}

Status notKernel(KernelContext& ctx) {
  return mapUnary<uint8_t, uint8_t>(ctx, DType::Bool, [](uint8_t x) { return uint8_t(x == 0); });
}

Status isNanKernel(KernelContext& ctx) {
  Status st = Status::ok();
  if (!dispatchFloat(ctx.input(0)->dtype(), [&](auto t) {
        using T = decltype(t);
        st = mapUnary<T, uint8_t>(ctx, DType::Bool, [](T x) { return uint8_t(std::isnan(x)); });
      }))
    return ctx.unsupported("no kernel for {} input", dtypeName(ctx.input(0)->dtype()));
  return st;
}

Status isInfKernel(KernelContext& ctx) {
  const bool neg = ctx.attrInt("detect_negative") != 0, pos = ctx.attrInt("detect_positive") != 0;
  Status st = Status::ok();
  if (!dispatchFloat(ctx.input(0)->dtype(), [&](auto t) {
        using T = decltype(t);
        st = mapUnary<T, uint8_t>(ctx, DType::Bool, [&](T x) {
          return uint8_t(std::isinf(x) && ((x > 0 && pos) || (x < 0 && neg)));
        });
      }))
    return ctx.unsupported("no kernel for {} input", dtypeName(ctx.input(0)->dtype()));
  return st;
}

}  // namespace

void registerUnaryKernels(KernelRegistry& r) {
  r.add("Abs", numericUnary([](auto x) {
          if constexpr (std::is_unsigned_v<decltype(x)>)
            return x;
          else
            return x < 0 ? -x : x;
        }));
  r.add("Neg", numericUnary([](auto x) { return -x; }));
  r.add("Sign", numericUnary([](auto x) { return (x > 0) - (x < 0); }));
  r.add("Relu", numericUnary([](auto x) { return x > 0 ? x : decltype(x)(0); }));
  r.add("Exp", simple([](double x) { return std::exp(x); }));
  r.add("Log", simple([](double x) { return std::log(x); }));
  r.add("Sqrt", simple([](double x) { return std::sqrt(x); }));
  r.add("Reciprocal", simple([](double x) { return 1.0 / x; }));
  r.add("Floor", simple([](double x) { return std::floor(x); }));
  r.add("Ceil", simple([](double x) { return std::ceil(x); }));
  r.add("Round", simple([](double x) { return std::nearbyint(x); }));  // half to even
  r.add("Sin", simple([](double x) { return std::sin(x); }));
  r.add("Cos", simple([](double x) { return std::cos(x); }));
  r.add("Tan", simple([](double x) { return std::tan(x); }));
  r.add("Asin", simple([](double x) { return std::asin(x); }));
  r.add("Acos", simple([](double x) { return std::acos(x); }));
  r.add("Atan", simple([](double x) { return std::atan(x); }));
  r.add("Sinh", simple([](double x) { return std::sinh(x); }));
  r.add("Cosh", simple([](double x) { return std::cosh(x); }));
  r.add("Asinh", simple([](double x) { return std::asinh(x); }));
  r.add("Acosh", simple([](double x) { return std::acosh(x); }));
  r.add("Atanh", simple([](double x) { return std::atanh(x); }));
  r.add("Erf", simple([](double x) { return std::erf(x); }));
  r.add("Tanh", simple([](double x) { return std::tanh(x); }));
  r.add("Sigmoid", simple(sigmoid));
  r.add("Softsign", simple([](double x) { return x / (1.0 + std::fabs(x)); }));
  r.add("Softplus", simple([](double x) { return std::log1p(std::exp(x)); }));
  r.add("HardSwish",
        simple([](double x) { return x * std::max(0.0, std::min(1.0, x / 6.0 + 0.5)); }));
  r.add("LeakyRelu", floatUnary([](KernelContext& c) {
          const double a = c.attrFloat("alpha");
          return [a](double x) { return x < 0 ? a * x : x; };
        }));
  r.add("Elu", floatUnary([](KernelContext& c) {
          const double a = c.attrFloat("alpha");
          return [a](double x) { return x < 0 ? a * (std::exp(x) - 1.0) : x; };
        }));
  r.add("Celu", floatUnary([](KernelContext& c) {
          const double a = c.attrFloat("alpha");
          return [a](double x) {
            return std::max(0.0, x) + std::min(0.0, a * (std::exp(x / a) - 1.0));
          };
        }));
  r.add("Selu", floatUnary([](KernelContext& c) {
          const double a = c.attrFloat("alpha");
          const double g = c.attrFloat("gamma");
          return [a, g](double x) { return x <= 0 ? g * (a * std::exp(x) - a) : g * x; };
        }));
  r.add("HardSigmoid", floatUnary([](KernelContext& c) {
          const double a = c.attrFloat("alpha"), b = c.attrFloat("beta");
          return [a, b](double x) { return std::max(0.0, std::min(1.0, a * x + b)); };
        }));
  r.add("ThresholdedRelu", floatUnary([](KernelContext& c) {
          const double a = c.attrFloat("alpha");
          return [a](double x) { return x > a ? x : 0.0; };
        }));
  r.add("Clip", clipKernel);
  r.add("Not", notKernel);
  r.add("IsNaN", isNanKernel);
  r.add("IsInf", isInfKernel);
}

}  // namespace nnport::exec
