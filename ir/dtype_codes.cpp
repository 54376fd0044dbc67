// ONNX TensorProto.DataType codes, from onnx.proto.
#include "ir/dtype_codes.h"

#include <array>

namespace nnport {
namespace {

struct OnnxType {
  int64_t code;
  DType type;
  std::string_view name;
};

constexpr std::array<OnnxType, 18> kOnnxTypes = {{
    {1, DType::Float32, "FLOAT"},
    {2, DType::UInt8, "UINT8"},
    {3, DType::Int8, "INT8"},
    {4, DType::UInt16, "UINT16"},
    {5, DType::Int16, "INT16"},
    {6, DType::Int32, "INT32"},
    {7, DType::Int64, "INT64"},
    {8, DType::String, "STRING"},
    {9, DType::Bool, "BOOL"},
    {10, DType::Float16, "FLOAT16"},
    {11, DType::Float64, "DOUBLE"},
    {12, DType::UInt32, "UINT32"},
    {13, DType::UInt64, "UINT64"},
    {14, DType::Complex64, "COMPLEX64"},
    {15, DType::Complex128, "COMPLEX128"},
    {16, DType::BFloat16, "BFLOAT16"},
    // 17..20 are the float8 types, which have no DType.
    {21, DType::UInt4, "UINT4"},
    {22, DType::Int4, "INT4"},
}};

}  // namespace

std::optional<DType> dtypeFromOnnx(int64_t code) {
  for (const auto& t : kOnnxTypes)
    if (t.code == code) return t.type;
  return std::nullopt;
}

int64_t dtypeToOnnx(DType type) {
  for (const auto& t : kOnnxTypes)
    if (t.type == type) return t.code;
  return 0;
}

std::optional<DType> dtypeFromOnnxName(std::string_view name) {
  for (const auto& t : kOnnxTypes)
    if (t.name == name) return t.type;
  return std::nullopt;
}

}  // namespace nnport
