// IR -> ONNX ModelProto, and writing it (inline or with external data).
#pragma once

#include <onnx/onnx_pb.h>

#include <cstdint>

#include "emitters/registry.h"

namespace nnport::onnxproto {

// Builds the ModelProto. Fails, naming the node, for IR ops ONNX cannot express.
// Initializers of `rawDataLimit` bytes or more get no raw_data (the writer
// streams them to external data straight from the IR's buffers).
Expected<std::unique_ptr<onnx::ModelProto>> exportModel(const Model& m,
                                                        size_t rawDataLimit = SIZE_MAX);

// ONNX checker (and, at full level, strict shape inference) on a proto.
// `runChecker` false skips check_model (for protos whose external data is
// not beside the current directory).
// Large raw_data is moved out of `proto` during inference and put back.
Status verifyModelProto(onnx::ModelProto& proto, const std::string& path, bool runChecker = true);

Status writeOnnx(const Model& m, const std::string& path, const EmitOptions& opts);

}  // namespace nnport::onnxproto
