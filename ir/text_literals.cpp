#include "ir/text_literals.h"

#include <cmath>
#include <limits>
#include <type_traits>

#include "support/checked_math.h"

namespace nnport::textir {

std::vector<double> madeUpValues(const std::string& name, int64_t n) {
  uint64_t s = 1469598103934665603ull;  // FNV-1a of the name seeds an LCG
  for (char c : name) s = (s ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  std::vector<double> v;
  v.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    v.push_back(static_cast<double>((s >> 33) % 2001) / 1000.0 - 1.0);
  }
  return v;
}

Expected<TensorPtr> tensorFromLiterals(DType d, std::vector<int64_t> dims,
                                       const std::vector<double>& v) {
  auto as = [&](auto zero) -> TensorPtr {
    using T = decltype(zero);
    std::vector<T> out;
    out.reserve(v.size());
    for (double x : v) {
      if constexpr (std::is_integral_v<T>) {
        out.push_back(saturatingCast<T>(x));
      } else if constexpr (std::is_same_v<T, float>) {
        const bool past = std::isfinite(x) && std::fabs(x) > std::numeric_limits<float>::max();
        out.push_back(past ? std::copysign(std::numeric_limits<float>::infinity(),
                                           static_cast<float>(x > 0 ? 1 : -1))
                           : static_cast<float>(x));
      } else {
        out.push_back(static_cast<T>(x));
      }
    }
    return std::make_shared<Tensor>(Tensor::fromVector(d, std::move(dims), out));
  };
  switch (d) {
    case DType::Float32:
      return as(float{});
    case DType::Float64:
      return as(double{});
    case DType::Int64:
      return as(int64_t{});
    case DType::Int32:
      return as(int32_t{});
    case DType::Int8:
      return as(int8_t{});
    case DType::UInt8:
    case DType::Bool:
      return as(uint8_t{});
    default:
      return Status::invalid("constants of {} cannot be read from text", dtypeName(d));
  }
}

bool isFloatText(const std::string& t) {
  return t.find_first_of(".eE") != std::string::npos || t == "inf" || t == "-inf" || t == "nan";
}

}  // namespace nnport::textir
