// ONNX TensorProto.DataType codes <-> our DType. The one place these integer
// codes are spelled out; parsers, emitters and ops (Cast, EyeLike, Random*)
// share it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "ir/dtype.h"

namespace nnport {

// nullopt for codes we have no DType for (UNDEFINED, the float8 types).
std::optional<DType> dtypeFromOnnx(int64_t code);
// 0 (UNDEFINED) for DType::Undefined.
int64_t dtypeToOnnx(DType t);
// The enum names ("FLOAT", "INT64", ...), as Cast-1 spelled its `to` attribute.
std::optional<DType> dtypeFromOnnxName(std::string_view name);

}  // namespace nnport
