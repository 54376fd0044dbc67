// Darknet .weights files: a header (major, minor, revision as int32, then
// the count of images seen: 64-bit when major*10+minor >= 2 and both are
// below 1000, else 32-bit), then the parameters of each layer back to back
// as little-endian float32, in layer order, with nothing after the last.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ir/tensor.h"

namespace nnport::darknet {

struct WeightsHeader {
  int32_t major = 0, minor = 0, revision = 0;
  uint64_t seen = 0;
  size_t size = 0;          // header bytes: 20 (64-bit seen) or 16
  bool transposed = false;  // major or minor > 1000: connected weights stored inputs x outputs
};

Expected<WeightsHeader> parseWeightsHeader(const uint8_t* data, size_t size,
                                           const std::string& file);

// Hands out the file's floats in order; every read names the layer asking,
// so a short file is reported against the first layer it cannot feed. A
// read is checked against the bytes left before anything is made of it.
class WeightsReader {
 public:
  static Expected<std::unique_ptr<WeightsReader>> open(const std::string& path);
  // The file's bytes already in memory (the fuzz harness); `name` stands for
  // the path in errors. Tensors are copies rather than borrowed slices.
  static Expected<std::unique_ptr<WeightsReader>> fromBytes(std::string bytes,
                                                            const std::string& name);

  const WeightsHeader& header() const { return header_; }
  size_t offset() const { return offset_; }
  // The next floats as a tensor of `dims`, borrowed from the mapped file.
  Expected<TensorPtr> take(const std::vector<int64_t>& dims, const std::string& layer,
                           const std::string& what);
  // The next `count` floats, copied (for parameters that are transformed).
  Expected<std::vector<float>> takeCopy(int64_t count, const std::string& layer,
                                        const std::string& what);
  // Fails when bytes are left after the last layer.
  Status finish(const std::string& lastLayer) const;

 private:
  WeightsReader() = default;
  Status readHeader();
  Expected<size_t> reserve(std::optional<int64_t> count, const std::string& layer,
                           const std::string& what);
  std::shared_ptr<MappedFile> file_;  // null when the bytes are in `bytes_`
  std::string bytes_;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  std::string path_;
  WeightsHeader header_;
  size_t offset_ = 0;
};

}  // namespace nnport::darknet
