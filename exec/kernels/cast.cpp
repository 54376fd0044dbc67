// Type conversion and generated tensors: Cast, CastLike, ConstantOfShape,
// Range, EyeLike, OneHot, Size and NonZero; also the element conversion of
// convert.h.
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <type_traits>

#include "exec/kernels/convert.h"
#include "exec/kernels/data_util.h"
#include "exec/kernels/elementwise_util.h"
#include "ir/dtype_codes.h"
#include "support/checked_math.h"

namespace nnport::exec {

uint16_t floatToHalf(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  const auto sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  const uint32_t a = x & 0x7fffffffu;
  if (a >= 0x7f800000u)
    return static_cast<uint16_t>(sign | 0x7c00u | (a > 0x7f800000u ? 0x200u : 0u));
  if (a >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // >= 65520 rounds to inf
  if (a < 0x38800000u) {  // below 2^-14: a subnormal half, in units of 2^-24
    float m;
    std::memcpy(&m, &a, 4);
    return static_cast<uint16_t>(sign | static_cast<uint16_t>(std::nearbyint(m * 16777216.0f)));
  }
  uint32_t h = ((((a >> 23) - 127 + 15) << 10) | ((a & 0x7fffffu) >> 13));
  const uint32_t rest = a & 0x1fffu;
  if (rest > 0x1000u || (rest == 0x1000u && (h & 1u))) ++h;  // a carry moves into the exponent
  return static_cast<uint16_t>(sign | h);
}

uint16_t floatToBfloat16(float f) {
  uint32_t x;
  std::memcpy(&x, &f, 4);
  if ((x & 0x7fffffffu) > 0x7f800000u)
    return static_cast<uint16_t>((x >> 16) | 0x40u);  // quiet NaN
  x += 0x7fffu + ((x >> 16) & 1u);
  return static_cast<uint16_t>(x >> 16);
}

namespace {

// Storage types for the elements that are not plain C++ arithmetic types.
struct Half {
  uint16_t bits;
};
struct BHalf {
  uint16_t bits;
};
struct Boolean {
  uint8_t v;
};

template <typename F>
bool dispatchNumber(DType d, F&& f) {
  switch (d) {
    case DType::Float16:
      f(Half{});
      return true;
    case DType::BFloat16:
      f(BHalf{});
      return true;
    case DType::Bool:
      f(Boolean{});
      return true;
    default:
      return dispatchNumeric(d, f);
  }
}

template <typename T>
T valueOf(T x) {
  return x;
}
float valueOf(Half h) {
  return halfToFloat(h.bits);
}
float valueOf(BHalf h) {
  return bfloat16ToFloat(h.bits);
}
bool valueOf(Boolean b) {
  return b.v != 0;
}

template <typename D, typename V>
D fromValue(V v) {
  if constexpr (std::is_same_v<D, Half>) {
    return Half{floatToHalf(static_cast<float>(v))};
  } else if constexpr (std::is_same_v<D, BHalf>) {
    return BHalf{floatToBfloat16(static_cast<float>(v))};
  } else if constexpr (std::is_same_v<D, Boolean>) {
    return Boolean{static_cast<uint8_t>(v != V{0})};
  } else if constexpr (std::is_floating_point_v<V> && std::is_integral_v<D>) {
    return saturatingCast<D>(v);
  } else {
    return static_cast<D>(v);
  }
}

template <typename V>
std::string printNumber(V v) {
  if constexpr (std::is_same_v<V, bool>) {
    return v ? "1" : "0";  // not reached: convertElements refuses bool to string
  } else {
    if constexpr (std::is_floating_point_v<V>) {
      if (std::isnan(v)) return "NaN";
      if (std::isinf(v)) return v < 0 ? "-INF" : "INF";
    }
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
  }
}

Status parseNumbers(const KernelContext& ctx, const RtTensor& src, RtTensor& dst) {
  Status st = Status::ok();
  dispatchNumber(dst.dtype(), [&](auto zero) {
    using D = decltype(zero);
    D* out = dst.data<D>();
    for (int64_t i = 0; i < src.numElements() && st.isOk(); ++i) {
      const std::string& s = src.strings()[static_cast<size_t>(i)];
      char* end = nullptr;
      errno = 0;
      if constexpr (std::is_integral_v<D>) {
        if constexpr (std::is_signed_v<D>)
          out[i] = fromValue<D>(static_cast<int64_t>(std::strtoll(s.c_str(), &end, 10)));
        else
          out[i] = fromValue<D>(static_cast<uint64_t>(std::strtoull(s.c_str(), &end, 10)));
      } else {
        out[i] = fromValue<D>(std::strtod(s.c_str(), &end));
      }
      if (s.empty() || *end != '\0' || errno == ERANGE)
        st = ctx.error("'{}' is not a {} number", s, dtypeName(dst.dtype()));
    }
  });
  return st;
}

}  // namespace

bool isNumberType(DType d) {
  return dispatchNumber(d, [](auto) {});
}

Status convertElements(const KernelContext& ctx, const RtTensor& src, RtTensor& dst) {
  const DType s = src.dtype(), d = dst.dtype();
  if (s == d && isMovable(s)) {
    copyElements(dst, 0, src, 0, src.numElements());
    return Status::ok();
  }
  const auto noKernel = [&] {
    return ctx.unsupported("no conversion from {} to {}", dtypeName(s), dtypeName(d));
  };
  if (s == DType::String)
    return d != DType::Bool && isNumberType(d) ? parseNumbers(ctx, src, dst) : noKernel();
  if (d == DType::String) {
    if (s == DType::Bool) return noKernel();
    const bool known = dispatchNumber(s, [&](auto zero) {
      using S = decltype(zero);
      for (int64_t i = 0; i < src.numElements(); ++i)
        dst.strings()[static_cast<size_t>(i)] = printNumber(valueOf(src.data<S>()[i]));
    });
    return known ? Status::ok() : noKernel();
  }
  bool known = false;
  dispatchNumber(s, [&](auto sz) {
    using S = decltype(sz);
    known = dispatchNumber(d, [&](auto dz) {
      using D = decltype(dz);
      const S* in = src.data<S>();
      D* out = dst.data<D>();
      for (int64_t i = 0; i < src.numElements(); ++i) out[i] = fromValue<D>(valueOf(in[i]));
    });
  });
  return known ? Status::ok() : noKernel();
}

void storeNumber(RtTensor& t, int64_t i, double v) {
  dispatchNumber(t.dtype(), [&](auto zero) {
    using D = decltype(zero);
    t.data<D>()[i] = fromValue<D>(v);
  });
}

namespace {

Status castTo(KernelContext& ctx, DType to) {
  const RtTensor& x = *ctx.input(0);
  if (x.dtype() == to) {
    ctx.setOutput(0, x);
    return Status::ok();
  }
  RtTensor& out = ctx.allocateOutput(0, to, x.dims());
  return convertElements(ctx, x, out);
}

Status cast(KernelContext& ctx) {
  const Attribute* to = ctx.node().attrs.find("to");
  if (!to) return ctx.error("missing attribute 'to'");
  // Cast-1 named the type; later versions use the TensorProto.DataType code.
  std::optional<DType> d =
      to->kind == AttrKind::String ? dtypeFromOnnxName(to->s) : dtypeFromOnnx(to->i);
  if (!d) return ctx.unsupported("unsupported target type in attribute 'to'");
  return castTo(ctx, *d);
}

Status castLike(KernelContext& ctx) {
  return castTo(ctx, ctx.input(1)->dtype());
}

Expected<std::vector<int64_t>> dimsFrom(const KernelContext& ctx, const RtTensor& shape) {
  std::vector<int64_t> dims = shape.toInt64Vector();
  for (int64_t d : dims)
    if (d < 0) return ctx.error("negative dimension {} in the shape", d);
  if (!checkedElementCount(dims)) return ctx.error("the shape has too many elements");
  return dims;
}

Status constantOfShape(KernelContext& ctx) {
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> dims, dimsFrom(ctx, *ctx.input(0)));
  TensorPtr value = ctx.node().attrs.getTensor("value");
  if (!value) {
    ctx.allocateOutput(0, DType::Float32, dims);
    return Status::ok();
  }
  if (value->numElements() != 1) return ctx.error("attribute 'value' must hold one element");
  const RtTensor v = RtTensor::view(value);
  if (!isMovable(v.dtype()))
    return ctx.unsupported("no kernel for {} values", dtypeName(v.dtype()));
  RtTensor& out = ctx.allocateOutput(0, v.dtype(), dims);
  for (int64_t i = 0; i < out.numElements(); ++i) copyElements(out, i, v, 0, 1);
  return Status::ok();
}

// Upper bound on generated element counts, so a bad scalar input is an
// error rather than an attempt to allocate the machine's memory.
constexpr double kMaxGenerated = 1 << 30;

Status range(KernelContext& ctx) {
  const RtTensor& start = *ctx.input(0);
  const RtTensor& limit = *ctx.input(1);
  const RtTensor& delta = *ctx.input(2);
  if (start.numElements() != 1 || limit.numElements() != 1 || delta.numElements() != 1)
    return ctx.error("start, limit and delta must be scalars");
  Status st = Status::ok();
  const bool known = dispatchNumeric(start.dtype(), [&](auto zero) {
    using T = decltype(zero);
    const T s = start.data<T>()[0], l = limit.data<T>()[0], d = delta.data<T>()[0];
    if (d == T{0}) {
      st = ctx.error("delta is zero");
      return;
    }
    const double n = std::max(
        std::ceil((static_cast<double>(l) - static_cast<double>(s)) / static_cast<double>(d)), 0.0);
    if (!(n <= kMaxGenerated)) {
      st = ctx.error("a range of {} elements is too large", n);
      return;
    }
    RtTensor& out = ctx.allocateOutput(0, start.dtype(), {static_cast<int64_t>(n)});
    for (int64_t i = 0; i < out.numElements(); ++i)
      out.data<T>()[i] = static_cast<T>(s + static_cast<T>(i) * d);
  });
  if (!known) return ctx.unsupported("no kernel for {} data", dtypeName(start.dtype()));
  return st;
}

Status eyeLike(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  if (x.rank() != 2) return ctx.error("input has rank {}, expected 2", x.rank());
  DType dtype = x.dtype();
  if (auto code = ctx.node().attrs.getInt("dtype")) {
    auto d = dtypeFromOnnx(*code);
    if (!d) return ctx.unsupported("unsupported dtype {}", *code);
    dtype = *d;
  }
  if (!isNumberType(dtype)) return ctx.unsupported("no kernel for {} data", dtypeName(dtype));
  RtTensor& out = ctx.allocateOutput(0, dtype, x.dims());
  const int64_t k = ctx.attrInt("k");
  for (int64_t i = 0; i < x.dim(0); ++i)
    if (i + k >= 0 && i + k < x.dim(1)) storeNumber(out, i * x.dim(1) + i + k, 1.0);
  return Status::ok();
}

Status oneHot(KernelContext& ctx) {
  const RtTensor& ind = *ctx.input(0);
  const RtTensor& depthT = *ctx.input(1);
  const RtTensor& values = *ctx.input(2);
  if (depthT.numElements() != 1) return ctx.error("depth must hold one element");
  if (values.numElements() != 2) return ctx.error("values must hold [off, on]");
  if (!isMovable(values.dtype()))
    return ctx.unsupported("no kernel for {} values", dtypeName(values.dtype()));
  if (!isNumberType(ind.dtype())) return ctx.error("indices are {}", dtypeName(ind.dtype()));
  const double depthValue = depthT.floatAt(0);
  if (!(depthValue >= 1 && depthValue <= kMaxGenerated))
    return ctx.error("invalid depth {}", depthValue);
  const auto depth = static_cast<int64_t>(depthValue);
  const auto rank = static_cast<int64_t>(ind.rank()) + 1;
  int64_t axis = ctx.attrInt("axis");
  if (axis < -rank || axis >= rank)
    return ctx.error("axis {} is out of range for rank {}", axis, rank);
  if (axis < 0) axis += rank;
  std::vector<int64_t> dims = ind.dims();
  dims.insert(dims.begin() + axis, depth);
  RtTensor& out = ctx.allocateOutput(0, values.dtype(), dims);
  const int64_t inner = productOf(ind.dims(), static_cast<size_t>(axis), ind.rank());
  const int64_t outer = productOf(ind.dims(), 0, static_cast<size_t>(axis));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < inner; ++i) {
      // Indices outside [-depth, depth) give a row of off values.
      auto hot = saturatingCast<int64_t>(std::floor(ind.floatAt(o * inner + i)));
      if (hot < 0) hot += depth;
      for (int64_t j = 0; j < depth; ++j)
        copyElements(out, (o * depth + j) * inner + i, values, j == hot ? 1 : 0, 1);
    }
  return Status::ok();
}

Status size(KernelContext& ctx) {
  ctx.allocateOutput(0, DType::Int64, {}).data<int64_t>()[0] = ctx.input(0)->numElements();
  return Status::ok();
}

Status nonZero(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  if (!isNumberType(x.dtype()))
    return ctx.unsupported("no kernel for {} data", dtypeName(x.dtype()));
  std::vector<int64_t> hits;
  for (int64_t i = 0; i < x.numElements(); ++i)
    if (x.floatAt(i) != 0.0 || (isInteger(x.dtype()) && x.intAt(i) != 0)) hits.push_back(i);
  const auto n = static_cast<int64_t>(hits.size());
  RtTensor& out = ctx.allocateOutput(0, DType::Int64, {static_cast<int64_t>(x.rank()), n});
  const std::vector<int64_t> strides = stridesOf(x.dims());
  for (size_t a = 0; a < x.rank(); ++a)
    for (int64_t j = 0; j < n; ++j)
      out.data<int64_t>()[static_cast<int64_t>(a) * n + j] =
          hits[static_cast<size_t>(j)] / strides[a] % x.dim(a);
  return Status::ok();
}

}  // namespace

void registerCastKernels(KernelRegistry& r) {
  r.add("Cast", cast);
  r.add("CastLike", castLike);
  r.add("ConstantOfShape", constantOfShape);
  r.add("Range", range);
  r.add("EyeLike", eyeLike);
  r.add("OneHot", oneHot);
  r.add("Size", size);
  r.add("NonZero", nonZero);
}

}  // namespace nnport::exec
