// Reading ONNX ModelProto files.
#pragma once

#include <onnx/onnx_pb.h>

#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace nnport::onnxproto {

Expected<std::unique_ptr<onnx::ModelProto>> readModelProto(const std::string& path);
Expected<std::unique_ptr<onnx::ModelProto>> parseModelProto(const uint8_t* data, size_t size,
                                                            const std::string& path);

// Converts a parsed ModelProto into the IR. `modelPath` names the file in
// errors and locates external data. Raw tensor bytes are moved out of `proto`.
// `leftInFile` (from readLeanModelProto): per initializer of the top-level
// graph, the bytes of a raw_data left out of the proto, or nullptr.
using InitializerBytes = std::vector<std::shared_ptr<Buffer>>;
Expected<std::unique_ptr<Model>> importModel(onnx::ModelProto& proto, const std::string& modelPath,
                                             const InitializerBytes* leftInFile = nullptr);

// Highest default-domain opset this build understands.
constexpr int64_t kMaxOnnxOpset = 17;

}  // namespace nnport::onnxproto
