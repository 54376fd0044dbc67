// Runtime tensor storage and element access.
#include "exec/rt_tensor.h"

#include <cstring>

#include "support/checked_math.h"
#include "support/memory_budget.h"

namespace nnport::exec {

namespace {

// Owns a fresh tensor's bytes and gives them back to the memory budget.
struct BudgetedBytes {
  explicit BudgetedBytes(size_t n) : bytes(new uint8_t[n ? n : 1]()), size(n) {}
  ~BudgetedBytes() { MemoryBudget::release(size); }
  std::unique_ptr<uint8_t[]> bytes;
  size_t size;
};

// Bytes of a fresh tensor of `dims`, taken from the memory budget; throws
// OverBudgetError when they do not fit (or cannot even be counted).
size_t takeFromBudget(DType dtype, const std::vector<int64_t>& dims, int64_t count) {
  const unsigned bits = dtype == DType::String ? 8 * sizeof(std::string) : dtypeBits(dtype);
  const std::optional<size_t> bytes = checkedBytes(count, bits);
  std::vector<Dim> shown(dims.begin(), dims.end());
  const std::string what = fmt::format("a {} tensor", TensorType{dtype, Shape(shown)}.str());
  Status st = bytes ? MemoryBudget::acquire(*bytes, what) : MemoryBudget::over(UINT64_MAX, what);
  if (!st) throw OverBudgetError(st);
  return *bytes;
}

}  // namespace

RtTensor RtTensor::allocate(DType dtype, std::vector<int64_t> dims) {
  RtTensor t;
  t.dtype_ = dtype;
  const std::optional<int64_t> count = checkedElementCount(dims);
  const size_t bytes = takeFromBudget(dtype, dims, count.value_or(-1));
  t.numElements_ = *count;
  t.dims_ = std::move(dims);
  if (dtype == DType::String) {
    MemoryBudget::release(bytes);  // strings own their memory; counted while they are made
    t.strings_.resize(static_cast<size_t>(t.numElements_));
    return t;
  }
  t.bytes_ = bytes;
  auto buf = std::make_shared<BudgetedBytes>(bytes);
  t.data_ = buf->bytes.get();
  t.owner_ = buf;
  return t;
}

size_t RtTensor::storageBytes(DType dtype, const std::vector<int64_t>& dims, int block) {
  std::vector<int64_t> padded = dims;
  if (block && padded.size() >= 2) padded[1] = (padded[1] + block - 1) / block * block;
  return dtypeStorageBytes(dtype, checkedElementCount(padded).value_or(0));
}

RtTensor RtTensor::borrow(DType dtype, std::vector<int64_t> dims, uint8_t* data,
                          std::shared_ptr<const void> owner, int block) {
  RtTensor t;
  t.dtype_ = dtype;
  t.numElements_ = checkedElementCount(dims).value_or(0);
  t.bytes_ = storageBytes(dtype, dims, block);
  t.dims_ = std::move(dims);
  t.data_ = data;
  t.block_ = block;
  t.owner_ = std::move(owner);
  return t;
}

RtTensor RtTensor::view(const TensorPtr& src) {
  RtTensor t;
  t.dtype_ = src->dtype();
  t.dims_ = src->dims();
  t.numElements_ = std::max<int64_t>(src->numElements(), 0);
  if (t.dtype_ == DType::String) {
    t.strings_ = src->strings();
    return t;
  }
  // Constants are never written: kernels receive inputs as const.
  t.data_ = const_cast<uint8_t*>(src->rawData());
  t.bytes_ = src->byteSize();
  t.owner_ = src;
  return t;
}

RtTensor RtTensor::copyOf(const Tensor& src) {
  RtTensor t = allocate(src.dtype(), src.dims());
  if (src.dtype() == DType::String)
    t.strings_ = src.strings();
  else if (t.bytes_)
    std::memcpy(t.data_, src.rawData(), t.bytes_);
  return t;
}

RtTensor RtTensor::withDims(std::vector<int64_t> dims) const {
  RtTensor t = *this;
  t.dims_ = std::move(dims);
  return t;
}

RtTensor RtTensor::withBlock(int block) const {
  RtTensor t = *this;
  t.block_ = block;
  t.bytes_ = storageBytes(dtype_, dims_, block);
  return t;
}

double RtTensor::floatAt(int64_t i) const {
  switch (dtype_) {
    case DType::Float32:
      return data<float>()[i];
    case DType::Float64:
      return data<double>()[i];
    case DType::Float16:
      return halfToFloat(data<uint16_t>()[i]);
    case DType::BFloat16:
      return bfloat16ToFloat(data<uint16_t>()[i]);
    default:
      return static_cast<double>(intAt(i));
  }
}

int64_t RtTensor::intAt(int64_t i) const {
  switch (dtype_) {
    case DType::Int8:
      return data<int8_t>()[i];
    case DType::Int16:
      return data<int16_t>()[i];
    case DType::Int32:
      return data<int32_t>()[i];
    case DType::Int64:
      return data<int64_t>()[i];
    case DType::UInt8:
    case DType::Bool:
      return data<uint8_t>()[i];
    case DType::UInt16:
      return data<uint16_t>()[i];
    case DType::UInt32:
      return data<uint32_t>()[i];
    case DType::UInt64:
      return static_cast<int64_t>(data<uint64_t>()[i]);
    default:
      return isFloat(dtype_) ? saturatingCast<int64_t>(floatAt(i)) : 0;
  }
}

std::vector<int64_t> RtTensor::toInt64Vector() const {
  std::vector<int64_t> out(static_cast<size_t>(numElements_));
  for (int64_t i = 0; i < numElements_; ++i) out[static_cast<size_t>(i)] = intAt(i);
  return out;
}

Tensor RtTensor::toTensor() const {
  if (dtype_ == DType::String) return Tensor::ofStrings(dims_, strings_);
  return Tensor::copyOf(dtype_, dims_, data_, bytes_);
}

}  // namespace nnport::exec
