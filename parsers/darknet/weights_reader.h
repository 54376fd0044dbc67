// Darknet .weights files: a header (major, minor, revision as int32, then
// the count of images seen: 64-bit when major*10+minor >= 2 and both are
// below 1000, else 32-bit), then the parameters of each layer back to back
// as little-endian float32, in layer order, with nothing after the last.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/tensor.h"

namespace nnport::darknet {

struct WeightsHeader {
  int32_t major = 0, minor = 0, revision = 0;
  uint64_t seen = 0;
  size_t size = 0;         // header bytes: 20 (64-bit seen) or 16
  bool transposed = false;  // major or minor > 1000: connected weights stored inputs x outputs
};

Expected<WeightsHeader> parseWeightsHeader(const uint8_t* data, size_t size,
                                           const std::string& file);

// Hands out the file's floats in order; every read names the layer asking,
// so a short file is reported against the first layer it cannot feed.
class WeightsReader {
 public:
  static Expected<std::unique_ptr<WeightsReader>> open(const std::string& path);

  const WeightsHeader& header() const { return header_; }
  size_t offset() const { return offset_; }
  // The next `count` floats as a tensor of `dims`, borrowed from the mapped file.
  Expected<TensorPtr> take(const std::vector<int64_t>& dims, const std::string& layer,
                           const std::string& what);
  // The next `count` floats, copied (for parameters that are transformed).
  Expected<std::vector<float>> takeCopy(int64_t count, const std::string& layer,
                                        const std::string& what);
  // Fails when bytes are left after the last layer.
  Status finish(const std::string& lastLayer) const;

 private:
  Expected<size_t> reserve(int64_t count, const std::string& layer, const std::string& what);
  std::shared_ptr<MappedFile> file_;
  WeightsHeader header_;
  size_t offset_ = 0;
};

}  // namespace nnport::darknet
