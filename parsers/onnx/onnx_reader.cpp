// Reads an ONNX file into a ModelProto, with clear errors for files that are
// empty, truncated, not protobuf, or past protobuf's 2 GB message limit.
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <climits>

#include "parsers/onnx/onnx_reader.h"

namespace nnport::onnxproto {

Expected<std::unique_ptr<onnx::ModelProto>> readModelProto(const std::string& path) {
  NNP_ASSIGN_OR_RETURN(std::shared_ptr<MappedFile> file, MappedFile::open(path));
  return parseModelProto(file->data(), file->size(), path);
}

Expected<std::unique_ptr<onnx::ModelProto>> parseModelProto(const uint8_t* data, size_t size,
                                                            const std::string& path) {
  if (size == 0) return Status::invalid("{}: file is empty", path);
  if (size > static_cast<size_t>(INT_MAX))
    return Status::unsupported(
        "{}: ONNX protobuf files are limited to 2 GB; larger models keep their weights in "
        "external data files",
        path);
  google::protobuf::io::ArrayInputStream raw(data, static_cast<int>(size));
  google::protobuf::io::CodedInputStream coded(&raw);
  coded.SetTotalBytesLimit(INT_MAX);
  auto model = std::make_unique<onnx::ModelProto>();
  if (!model->ParseFromCodedStream(&coded) || !coded.ConsumedEntireMessage())
    return Status::invalid(
        "{}: not a valid ONNX model (protobuf decoding failed: the file is "
        "truncated or not a ModelProto)",
        path);
  if (!model->has_graph())
    return Status::invalid("{}: not an ONNX model (no graph in the file)", path);
  if (model->ir_version() <= 0)
    return Status::invalid("{}: not an ONNX model (ir_version is missing)", path);
  return model;
}

}  // namespace nnport::onnxproto
