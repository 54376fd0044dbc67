// Element type properties.
#include "ir/dtype.h"

#include "support/checked_math.h"

#include <array>

namespace nnport {
namespace {

struct DTypeInfo {
  DType type;
  std::string_view name;
  int bits;
};

constexpr std::array<DTypeInfo, 19> kInfo = {{
    {DType::Undefined, "undefined", 0},
    {DType::Float32, "f32", 32},
    {DType::Float16, "f16", 16},
    {DType::BFloat16, "bf16", 16},
    {DType::Float64, "f64", 64},
    {DType::Int4, "i4", 4},
    {DType::Int8, "i8", 8},
    {DType::Int16, "i16", 16},
    {DType::Int32, "i32", 32},
    {DType::Int64, "i64", 64},
    {DType::UInt4, "u4", 4},
    {DType::UInt8, "u8", 8},
    {DType::UInt16, "u16", 16},
    {DType::UInt32, "u32", 32},
    {DType::UInt64, "u64", 64},
    {DType::Bool, "bool", 8},
    {DType::String, "string", 0},
    {DType::Complex64, "c64", 64},
    {DType::Complex128, "c128", 128},
}};

const DTypeInfo& info(DType t) {
  return kInfo[static_cast<size_t>(t)];
}

}  // namespace

int dtypeBits(DType t) {
  return info(t).bits;
}
size_t dtypeSize(DType t) {
  return static_cast<size_t>((info(t).bits + 7) / 8);
}

size_t dtypeStorageBytes(DType t, int64_t count) {
  if (count <= 0) return 0;
  return checkedBytes(count, static_cast<unsigned>(info(t).bits)).value_or(SIZE_MAX);
}

std::string_view dtypeName(DType t) {
  return info(t).name;
}

std::optional<DType> dtypeFromName(std::string_view name) {
  for (const auto& i : kInfo)
    if (i.name == name) return i.type;
  return std::nullopt;
}

bool isFloat(DType t) {
  return t == DType::Float32 || t == DType::Float16 || t == DType::BFloat16 || t == DType::Float64;
}
bool isSignedInt(DType t) {
  return t == DType::Int4 || t == DType::Int8 || t == DType::Int16 || t == DType::Int32 ||
         t == DType::Int64;
}
bool isUnsignedInt(DType t) {
  return t == DType::UInt4 || t == DType::UInt8 || t == DType::UInt16 || t == DType::UInt32 ||
         t == DType::UInt64;
}

}  // namespace nnport
