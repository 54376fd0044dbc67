// NumPy .npy files (format versions 1-3, little-endian, C order) and ONNX
// TensorProto .pb files as tensor inputs and outputs of `nnport run`.
#pragma once

#include <string>

#include "exec/rt_tensor.h"

namespace nnport {

Expected<exec::RtTensor> readNpy(const std::string& path);
Expected<exec::RtTensor> parseNpy(const std::string& bytes, const std::string& nameForErrors);
std::string encodeNpy(const exec::RtTensor& t);                     // version 1.0 header
Status writeNpy(const exec::RtTensor& t, const std::string& path);  // atomic

// .npy or .pb by extension; the .pb's tensor name is returned in `name`.
Expected<exec::RtTensor> readTensorFile(const std::string& path, std::string* name = nullptr);

}  // namespace nnport
