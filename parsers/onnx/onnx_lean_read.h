// Reading an ONNX file without copying its large raw_data: the mapped file
// is rewritten without those fields (a small copy of everything else), the
// rest is parsed by protobuf, and the weights become slices of the mapping.
#pragma once

#include <onnx/onnx_pb.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ir/tensor.h"

namespace nnport::onnxproto {

// Where a top-level initializer's raw_data lies in the mapped file.
struct RawDataSlice {
  size_t offset = 0, size = 0;
};

struct LeanModelProto {
  std::unique_ptr<onnx::ModelProto> proto;
  std::shared_ptr<MappedFile> file;
  // One entry per initializer of proto->graph(), in order: the slice its
  // raw_data was taken from, or nullopt when the proto still holds its data.
  std::vector<std::optional<RawDataSlice>> rawData;
};

// raw_data fields this large are left in the file.
constexpr size_t kLeanRawDataBytes = 16 << 10;

// `data` with the large raw_data of the top-level graph's initializers left
// out, and their slices (offsets into `data`); nullopt when `data` is not a
// well-formed message down to those tensors (the caller parses it as it is
// and reports protobuf's error) or when nothing is left out.
std::optional<std::string> stripLargeRawData(const uint8_t* data, size_t size,
                                             std::vector<std::optional<RawDataSlice>>& slices);

Expected<LeanModelProto> readLeanModelProto(const std::string& path);

}  // namespace nnport::onnxproto
