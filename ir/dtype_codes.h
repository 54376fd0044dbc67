// Element types as attribute integers. The IR's ops that take a type as an
// attribute (Cast.to, EyeLike.dtype, Random*.dtype, ...) number it as ONNX's
// TensorProto.DataType does; this is the one place the numbering is spelled
// out. Nothing here touches protobuf: the ONNX proto code is in ir/onnx/.
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
