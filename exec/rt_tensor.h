// Runtime tensors of the reference interpreter: a dtype, static dims and a
// pointer to bytes that are either owned, borrowed from a constant, or a
// slice of the executor's arena.
//
// A 4-D float tensor may be channel-blocked (the fast kernels' nChw8c: dims
// stay the logical [N, C, H, W]; memory is [N, ceil(C/8), H, W, 8] with the
// padding channels zero). Only kernels registered as layout-aware ever see
// one; exec/layout.h converts.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/tensor.h"

namespace nnport::exec {

class RtTensor {
 public:
  RtTensor() = default;
  // A fresh zero-filled tensor that owns its bytes.
  static RtTensor allocate(DType dtype, std::vector<int64_t> dims);
  // A read-only view of an IR constant (no copy).
  static RtTensor view(const TensorPtr& t);
  // Bytes copied from an IR tensor.
  static RtTensor copyOf(const Tensor& t);
  // Dims and dtype over memory someone else owns (the executor's arena);
  // `owner` keeps it alive. `block` is 0 (plain) or the channel block.
  static RtTensor borrow(DType dtype, std::vector<int64_t> dims, uint8_t* data,
                         std::shared_ptr<const void> owner, int block = 0);
  // Bytes a tensor of these dims needs, plain or channel-blocked.
  static size_t storageBytes(DType dtype, const std::vector<int64_t>& dims, int block = 0);

  DType dtype() const { return dtype_; }
  const std::vector<int64_t>& dims() const { return dims_; }
  size_t rank() const { return dims_.size(); }
  int64_t dim(size_t i) const { return dims_[i]; }
  int64_t numElements() const { return numElements_; }
  size_t byteSize() const { return bytes_; }
  bool empty() const { return dtype_ == DType::Undefined; }
  // 0 for the plain row-major layout, else the channel block (8).
  int block() const { return block_; }
  bool blocked() const { return block_ != 0; }
  // The object that owns the bytes (aliasing checks in the memory plan).
  const void* owner() const { return owner_.get(); }

  uint8_t* raw() { return data_; }
  const uint8_t* raw() const { return data_; }
  template <typename T>
  T* data() {
    return reinterpret_cast<T*>(data_);
  }
  template <typename T>
  const T* data() const {
    return reinterpret_cast<const T*>(data_);
  }
  std::vector<std::string>& strings() { return strings_; }
  const std::vector<std::string>& strings() const { return strings_; }

  // The same bytes under other dims (same element count); no copy. Plain
  // tensors only.
  RtTensor withDims(std::vector<int64_t> dims) const;
  // The same bytes (same owner) read in another layout; the caller knows
  // the bytes are valid in it (exec/layout.h).
  RtTensor withBlock(int block) const;

  // Reads element i as double / int64 whatever the dtype (shape inputs,
  // scalars, tests).
  double floatAt(int64_t i) const;
  int64_t intAt(int64_t i) const;
  std::vector<int64_t> toInt64Vector() const;
  // Converts to an IR tensor (copies), e.g. for constant folding.
  Tensor toTensor() const;

 private:
  DType dtype_ = DType::Undefined;
  std::vector<int64_t> dims_;
  int64_t numElements_ = 0;
  uint8_t* data_ = nullptr;
  size_t bytes_ = 0;
  int block_ = 0;
  std::shared_ptr<const void> owner_;
  std::vector<std::string> strings_;
};

}  // namespace nnport::exec
