// Conversions between ONNX protobuf messages and IR pieces, shared by the
// ONNX parser and the ONNX emitter.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>

#include "ir/graph.h"

namespace nnport::onnxproto {

// Where tensors with external data are resolved from, and the file name used
// in error messages.
struct TensorSource {
  std::string modelDir;
  std::string fileName;
};

// Imports a TensorProto, taking raw_data without copying (the proto's string
// is moved into the tensor) and mapping external data lazily.
// `rawData`, when given, holds the raw_data bytes left out of `p`.
Expected<TensorPtr> importTensor(onnx::TensorProto& p, const TensorSource& src,
                                 const std::string& where,
                                 std::shared_ptr<Buffer> rawData = nullptr);
// Writes a tensor as raw_data (string tensors as string_data).
void exportTensor(const Tensor& t, const std::string& name, onnx::TensorProto* p);

// Tensor types; non-tensor types are returned as nullopt (kept as bytes).
Expected<std::optional<TensorType>> importType(const onnx::TypeProto& t, const std::string& where);
void exportType(const TensorType& t, onnx::TypeProto* p);

Expected<Attribute> importAttribute(onnx::AttributeProto& a, const TensorSource& src,
                                    const std::string& where);
void exportAttribute(const Attribute& a, onnx::AttributeProto* p);

}  // namespace nnport::onnxproto
