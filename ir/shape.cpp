// Shape helpers: printing, static checks and overflow-checked element counts.
#include "ir/shape.h"

#include <fmt/format.h>

namespace nnport {

std::string Dim::str() const {
  if (isStatic()) return std::to_string(value);
  return symbol.empty() ? "?" : symbol;
}

Shape Shape::ofSizes(const std::vector<int64_t>& sizes) {
  std::vector<Dim> dims(sizes.begin(), sizes.end());
  return Shape(std::move(dims));
}

bool Shape::isStatic() const {
  if (!known_) return false;
  for (const auto& d : dims_)
    if (!d.isStatic()) return false;
  return true;
}

std::optional<std::vector<int64_t>> Shape::sizes() const {
  if (!isStatic()) return std::nullopt;
  std::vector<int64_t> out;
  out.reserve(dims_.size());
  for (const auto& d : dims_) out.push_back(d.value);
  return out;
}

std::optional<int64_t> Shape::numElements() const {
  auto s = sizes();
  if (!s) return std::nullopt;
  return checkedElementCount(*s);
}

int64_t Shape::numElementsAssumingOne() const {
  int64_t n = 1;
  for (const auto& d : dims_) {
    const int64_t v = d.isStatic() ? d.value : 1;
    if (v != 0 && n > INT64_MAX / v) return INT64_MAX;
    n *= v;
  }
  return n;
}

std::string Shape::str() const {
  if (!known_) return "[*]";
  std::string out = "[";
  for (size_t i = 0; i < dims_.size(); ++i) {
    if (i) out += ",";
    out += dims_[i].str();
  }
  return out + "]";
}

std::optional<int64_t> checkedElementCount(const std::vector<int64_t>& sizes) {
  int64_t n = 1;
  for (int64_t s : sizes) {
    if (s < 0) return std::nullopt;
    if (s != 0 && n > INT64_MAX / s) return std::nullopt;
    n *= s;
  }
  return n;
}

std::string TensorType::str() const {
  return fmt::format("{}{}", dtypeName(dtype), shape.str());
}

}  // namespace nnport
