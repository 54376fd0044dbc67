// TensorProto -> IR Tensor: tensor_content (raw little-endian bytes, moved,
// not copied) or the typed repeated fields, where fewer values than the
// shape holds are padded with the last one (TF's "a single value fills the
// shape" rule) and none means zeros.
#include <algorithm>

#include "ir/ops/infer_util.h"
#include "parsers/tensorflow/tf_builder.h"
#include "support/checked_math.h"
#include "support/memory_budget.h"

namespace nnport::tf {
namespace {

// `count` elements of T from `vals`, the last one repeated (none: zeros),
// written straight into the tensor's buffer.
template <typename T, typename Src>
TensorPtr filled(DType dtype, std::vector<int64_t> dims, int64_t count, const Src& vals) {
  auto buffer = std::make_shared<WritableBuffer>(static_cast<size_t>(count) * sizeof(T));
  T* out = reinterpret_cast<T*>(buffer->mutableData());
  const int64_t n = static_cast<int64_t>(vals.size());
  for (int64_t i = 0; i < count; ++i)
    out[i] = n > 0 ? static_cast<T>(vals[static_cast<int>(std::min(i, n - 1))]) : T{};
  return std::make_shared<const Tensor>(dtype, std::move(dims), std::move(buffer));
}

// The number of values in the typed field that dtype uses.
int64_t typedCount(const tfpb::TensorProto& t, DType d) {
  switch (d) {
    case DType::Float32:
      return t.float_val_size();
    case DType::Float64:
      return t.double_val_size();
    case DType::Int64:
      return t.int64_val_size();
    case DType::Bool:
      return t.bool_val_size();
    case DType::Float16:
    case DType::BFloat16:
      return t.half_val_size();
    default:
      return t.int_val_size();
  }
}

Expected<TensorPtr> fromTypedFields(const tfpb::TensorProto& t, DType d, std::vector<int64_t> dims,
                                    int64_t count, uint64_t* expanded) {
  const int64_t given = typedCount(t, d);
  if (given > count)
    return Status::invalid("a {} constant of shape {} holds {} values", dtypeName(d),
                           Shape::ofSizes(dims).str(), given);
  // Fewer values than the shape holds: the bytes come from the shape, not
  // from the file, so they are taken from the memory budget first.
  if (given < count) {
    const auto bytes = checkedBytes(count, dtypeBits(d));
    const uint64_t total =
        bytes && *bytes <= UINT64_MAX - *expanded ? *expanded + *bytes : UINT64_MAX;
    NNP_RETURN_IF_ERROR(
        MemoryBudget::check(total, fmt::format("a {} constant of shape {} ({} of its values given)",
                                               dtypeName(d), Shape::ofSizes(dims).str(), given)));
    *expanded = total;
  }
  switch (d) {
    case DType::Float32:
      return filled<float>(d, std::move(dims), count, t.float_val());
    case DType::Float64:
      return filled<double>(d, std::move(dims), count, t.double_val());
    case DType::Int64:
      return filled<int64_t>(d, std::move(dims), count, t.int64_val());
    case DType::Int32:
      return filled<int32_t>(d, std::move(dims), count, t.int_val());
    case DType::Int16:
      return filled<int16_t>(d, std::move(dims), count, t.int_val());
    case DType::Int8:
      return filled<int8_t>(d, std::move(dims), count, t.int_val());
    case DType::UInt8:
    case DType::Bool:
      if (d == DType::Bool) return filled<uint8_t>(d, std::move(dims), count, t.bool_val());
      return filled<uint8_t>(d, std::move(dims), count, t.int_val());
    case DType::UInt16:
      return filled<uint16_t>(d, std::move(dims), count, t.int_val());
    case DType::Float16:
    case DType::BFloat16:
      return filled<uint16_t>(d, std::move(dims), count, t.half_val());
    default:
      return Status::unsupported("constants of type {} are not supported", dtypeName(d));
  }
}

}  // namespace

Expected<DType> dtypeFromTf(int tfType) {
  switch (tfType % 100) {  // reference types are value types + 100
    case tfpb::DT_FLOAT:
      return DType::Float32;
    case tfpb::DT_DOUBLE:
      return DType::Float64;
    case tfpb::DT_INT32:
      return DType::Int32;
    case tfpb::DT_UINT8:
      return DType::UInt8;
    case tfpb::DT_INT16:
      return DType::Int16;
    case tfpb::DT_INT8:
      return DType::Int8;
    case tfpb::DT_INT64:
      return DType::Int64;
    case tfpb::DT_BOOL:
      return DType::Bool;
    case tfpb::DT_BFLOAT16:
      return DType::BFloat16;
    case tfpb::DT_UINT16:
      return DType::UInt16;
    case tfpb::DT_HALF:
      return DType::Float16;
    case tfpb::DT_UINT32:
      return DType::UInt32;
    case tfpb::DT_UINT64:
      return DType::UInt64;
    default:
      return Status::unsupported("TF data type {} is not supported", tfType);
  }
}

Expected<TensorPtr> tensorFromProto(tfpb::TensorProto& t, uint64_t* expandedBytes) {
  NNP_ASSIGN_OR_RETURN(DType d, dtypeFromTf(t.dtype()));
  if (t.tensor_shape().unknown_rank() || t.tensor_shape().dim_size() > kMaxRank)
    return Status::invalid("a constant has an unknown rank or a rank above {}", kMaxRank);
  std::vector<int64_t> dims;
  for (const auto& dim : t.tensor_shape().dim()) dims.push_back(dim.size());
  auto count = checkedElementCount(dims);
  if (!count || !checkedBytes(*count, 64))
    return Status::invalid("a constant has an invalid shape {}", Shape::ofSizes(dims).str());
  uint64_t none = 0;
  if (t.tensor_content().empty())
    return fromTypedFields(t, d, std::move(dims), *count, expandedBytes ? expandedBytes : &none);
  const size_t want = dtypeStorageBytes(d, *count);
  if (t.tensor_content().size() != want)
    return Status::invalid("a {} constant of shape {} has {} bytes of content, expected {}",
                           dtypeName(d), Shape::ofSizes(dims).str(), t.tensor_content().size(),
                           want);
  std::string bytes;
  bytes.swap(*t.mutable_tensor_content());
  return std::make_shared<const Tensor>(d, std::move(dims), makeStringBuffer(std::move(bytes)));
}

}  // namespace nnport::tf
