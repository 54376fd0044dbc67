// Element types of IR tensors. Our own enum: format-specific codes (ONNX's
// TensorProto.DataType, Caffe, TF) are mapped at the parser/emitter boundary.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace nnport {

enum class DType : uint8_t {
  Undefined,
  Float32,
  Float16,
  BFloat16,
  Float64,
  Int4,
  Int8,
  Int16,
  Int32,
  Int64,
  UInt4,
  UInt8,
  UInt16,
  UInt32,
  UInt64,
  Bool,
  String,
  Complex64,
  Complex128,
};

// Bits per element (4 for the int4 types, 0 for String and Undefined).
int dtypeBits(DType t);
// Bytes per element rounded up; 0 for String/Undefined.
size_t dtypeSize(DType t);
// Bytes needed for `count` elements (packs int4 two per byte); SIZE_MAX
// when that does not fit in size_t.
size_t dtypeStorageBytes(DType t, int64_t count);
// Short printable name: f32, f16, bf16, f64, i4..i64, u4..u64, bool, string, c64, c128.
std::string_view dtypeName(DType t);
std::optional<DType> dtypeFromName(std::string_view name);

bool isFloat(DType t);
bool isSignedInt(DType t);
bool isUnsignedInt(DType t);
inline bool isInteger(DType t) {
  return isSignedInt(t) || isUnsignedInt(t);
}

}  // namespace nnport
