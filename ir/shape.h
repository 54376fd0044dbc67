// Shapes with symbolic dimensions, and tensor types (dtype + shape).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/dtype.h"

namespace nnport {

// One dimension: a known size, a named symbol ("batch"), or unknown.
struct Dim {
  int64_t value = -1;  // >= 0 when static
  std::string symbol;  // non-empty for a named symbolic dim

  Dim() = default;
  Dim(int64_t v) : value(v) {}  // NOLINT: implicit from a size is natural
  static Dim symbolic(std::string name) {
    Dim d;
    d.symbol = std::move(name);
    return d;
  }
  bool isStatic() const { return value >= 0; }
  bool operator==(const Dim& o) const { return value == o.value && symbol == o.symbol; }
  bool operator!=(const Dim& o) const { return !(*this == o); }
  std::string str() const;
};

class Shape {
 public:
  Shape() = default;                                                      // unknown rank
  Shape(std::vector<Dim> dims) : known_(true), dims_(std::move(dims)) {}  // NOLINT
  static Shape ofSizes(const std::vector<int64_t>& sizes);
  static Shape unknownRank() { return Shape(); }

  bool rankKnown() const { return known_; }
  size_t rank() const { return dims_.size(); }
  const std::vector<Dim>& dims() const { return dims_; }
  std::vector<Dim>& dims() { return dims_; }
  const Dim& operator[](size_t i) const { return dims_[i]; }
  Dim& operator[](size_t i) { return dims_[i]; }

  bool isStatic() const;
  // Static sizes; nullopt when a dim is not static.
  std::optional<std::vector<int64_t>> sizes() const;
  // Element count when static and no overflow.
  std::optional<int64_t> numElements() const;
  // Element count with every non-static dim taken as 1 (cost estimates).
  int64_t numElementsAssumingOne() const;

  bool operator==(const Shape& o) const { return known_ == o.known_ && dims_ == o.dims_; }
  bool operator!=(const Shape& o) const { return !(*this == o); }
  std::string str() const;  // "[N,3,224,224]", "[?,3]", "[*]" for unknown rank

 private:
  bool known_ = false;
  std::vector<Dim> dims_;
};

// Checked element count of a list of sizes: nullopt on negative size or overflow.
std::optional<int64_t> checkedElementCount(const std::vector<int64_t>& sizes);

struct TensorType {
  DType dtype = DType::Undefined;
  Shape shape;

  bool operator==(const TensorType& o) const { return dtype == o.dtype && shape == o.shape; }
  bool operator!=(const TensorType& o) const { return !(*this == o); }
  std::string str() const;  // "f32[N,3,224,224]"
};

}  // namespace nnport
