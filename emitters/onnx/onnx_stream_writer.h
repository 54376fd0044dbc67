// Writing a ModelProto whose large initializers carry no bytes (header-only
// TensorProtos from exportModel's rawDataLimit), taking their raw_data
// straight from the IR's buffers while the file is written. The file holds
// the bytes SerializeToString would give for the full proto, in the same
// canonical field order, without the weights ever being copied into it.
#pragma once

#include <onnx/onnx_pb.h>

#include <string>
#include <vector>

#include "ir/graph.h"

namespace nnport::onnxproto {

// payloads[i]: the tensor whose bytes become raw_data of initializer i, or
// nullptr when initializer i is complete in the proto.
using InitializerPayloads = std::vector<const Tensor*>;

// For every header-only initializer of `g` (no raw_data, no typed data),
// the IR tensor of the same name; `ir` must be the graph `g` was made from.
InitializerPayloads payloadsFor(const Graph& ir, const onnx::GraphProto& g);

// Serializes `proto` with the payloads spliced in, to the file `path`
// (created or truncated); `target` names the output in errors. `proto` is
// modified during the call and restored before it returns.
Status writeWithPayloads(onnx::ModelProto& proto, const InitializerPayloads& payloads,
                         const std::string& path, const std::string& target);

// The same bytes in memory (for tests).
std::string serializeWithPayloads(onnx::ModelProto& proto, const InitializerPayloads& payloads);

// A copy of `proto` for ONNX's checker and shape inference: every
// initializer with a payload becomes a graph input of the same type and
// shape (the checker wants a tensor's bytes present; the structure, types
// and shapes it checks are the same).
onnx::ModelProto checkableCopy(const onnx::ModelProto& proto, const InitializerPayloads& payloads);

}  // namespace nnport::onnxproto
