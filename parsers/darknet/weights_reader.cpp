// Reading Darknet .weights files (see weights_reader.h).
#include "parsers/darknet/weights_reader.h"

#include <cstring>

#include "support/checked_math.h"

namespace nnport::darknet {
namespace {

template <typename T>
T readLittle(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);  // the format is little-endian, as is every host we build for
  return v;
}

}  // namespace

Expected<WeightsHeader> parseWeightsHeader(const uint8_t* data, size_t size,
                                           const std::string& file) {
  WeightsHeader h;
  if (size < 12)
    return Status::invalid("{}: {} bytes, too short for a Darknet weights header", file, size);
  h.major = readLittle<int32_t>(data);
  h.minor = readLittle<int32_t>(data + 4);
  h.revision = readLittle<int32_t>(data + 8);
  if (h.major < 0 || h.minor < 0 || h.revision < 0)
    return Status::invalid("{}: version {}.{}.{} is not a Darknet weights header", file, h.major,
                           h.minor, h.revision);
  // Darknet's test, in 64 bits: its int arithmetic would overflow for the
  // versions past 1000 that mark transposed weights.
  const int64_t version = int64_t{h.major} * 10 + h.minor;
  const bool seen64 = version >= 2 && h.major < 1000 && h.minor < 1000;
  h.size = seen64 ? 20 : 16;
  if (size < h.size)
    return Status::invalid(
        "{}: {} bytes, too short for a Darknet weights header of version {}.{}.{}", file, size,
        h.major, h.minor, h.revision);
  h.seen = seen64 ? readLittle<uint64_t>(data + 12) : readLittle<uint32_t>(data + 12);
  h.transposed = h.major > 1000 || h.minor > 1000;
  return h;
}

Status WeightsReader::readHeader() {
  NNP_ASSIGN_OR_RETURN(header_, parseWeightsHeader(data_, size_, path_));
  offset_ = header_.size;
  return Status::ok();
}

Expected<std::unique_ptr<WeightsReader>> WeightsReader::open(const std::string& path) {
  NNP_ASSIGN_OR_RETURN(std::shared_ptr<MappedFile> file, MappedFile::open(path));
  auto r = std::unique_ptr<WeightsReader>(new WeightsReader());
  r->data_ = file->data();
  r->size_ = file->size();
  r->path_ = path;
  r->file_ = std::move(file);
  NNP_RETURN_IF_ERROR(r->readHeader());
  return r;
}

Expected<std::unique_ptr<WeightsReader>> WeightsReader::fromBytes(std::string bytes,
                                                                  const std::string& name) {
  auto r = std::unique_ptr<WeightsReader>(new WeightsReader());
  r->bytes_ = std::move(bytes);
  r->data_ = reinterpret_cast<const uint8_t*>(r->bytes_.data());
  r->size_ = r->bytes_.size();
  r->path_ = name;
  NNP_RETURN_IF_ERROR(r->readHeader());
  return r;
}

Expected<size_t> WeightsReader::reserve(std::optional<int64_t> count, const std::string& layer,
                                        const std::string& what) {
  const size_t left = size_ - offset_;
  if (!count || *count < 0)
    return Status::invalid("{}: {} needs more floats of {} than can be counted", path_, layer,
                           what);
  if (static_cast<uint64_t>(*count) > left / sizeof(float))
    return Status::invalid(
        "{}: the weights file is too short: {} needs {} floats of {} at byte {}, only {} bytes are "
        "left",
        path_, layer, *count, what, offset_, left);
  const size_t at = offset_;
  offset_ += static_cast<size_t>(*count) * sizeof(float);
  return at;
}

Expected<TensorPtr> WeightsReader::take(const std::vector<int64_t>& dims, const std::string& layer,
                                        const std::string& what) {
  NNP_ASSIGN_OR_RETURN(size_t at, reserve(checkedElementCount(dims), layer, what));
  const size_t bytes = offset_ - at;
  if (!file_)
    return std::make_shared<const Tensor>(Tensor::copyOf(DType::Float32, dims, data_ + at, bytes));
  return std::make_shared<const Tensor>(DType::Float32, dims, makeMappedSlice(file_, at, bytes));
}

Expected<std::vector<float>> WeightsReader::takeCopy(int64_t count, const std::string& layer,
                                                     const std::string& what) {
  NNP_ASSIGN_OR_RETURN(size_t at, reserve(count, layer, what));
  std::vector<float> v(static_cast<size_t>(count));
  std::memcpy(v.data(), data_ + at, v.size() * sizeof(float));
  return v;
}

Status WeightsReader::finish(const std::string& lastLayer) const {
  if (offset_ == size_) return Status::ok();
  return Status::invalid(
      "{}: the weights file is too long: {} bytes are left after the last layer with weights ({}); "
      "does it belong to this cfg?",
      path_, size_ - offset_, lastLayer);
}

}  // namespace nnport::darknet
