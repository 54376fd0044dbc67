// Constant tensor data. Bytes live in a Buffer that may own them, borrow a
// memory-mapped file region, or map a file lazily on first touch, so weights
// are not copied on import.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ir/shape.h"
#include "support/status.h"

namespace nnport {

class Buffer {
 public:
  virtual ~Buffer() = default;
  virtual const uint8_t* data() const = 0;  // may materialize lazily; aligned for any element
  // The bytes where they are stored, possibly not aligned for their element
  // type: for copying, writing and comparing without making an aligned copy.
  virtual const uint8_t* bytes() const { return data(); }
  virtual size_t size() const = 0;
  virtual bool materialized() const { return true; }
  // The bytes, writable, for buffers that own them; nullptr for mapped files.
  virtual uint8_t* mutableData() { return nullptr; }
};

std::shared_ptr<Buffer> makeOwnedBuffer(std::vector<uint8_t> bytes);
std::shared_ptr<Buffer> makeStringBuffer(std::string bytes);  // takes the string, no copy

// Bytes allocated without being zeroed, for a producer that writes every
// byte before it shares the buffer (a pass computing new weights).
class WritableBuffer final : public Buffer {
 public:
  explicit WritableBuffer(size_t size) : bytes_(new uint8_t[size]), size_(size) {}
  const uint8_t* data() const override { return bytes_.get(); }
  uint8_t* mutableData() override { return bytes_.get(); }
  size_t size() const override { return size_; }

 private:
  std::unique_ptr<uint8_t[]> bytes_;
  size_t size_;
};

// A read-only memory-mapped file.
class MappedFile {
 public:
  static Expected<std::shared_ptr<MappedFile>> open(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }

 private:
  MappedFile() = default;
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  std::string path_;
};

// A slice of an already mapped file. When the slice's address is not a
// multiple of `align` (a tensor's raw bytes at any offset of a protobuf
// file), data() returns an aligned copy made on first call; bytes() never copies.
std::shared_ptr<Buffer> makeMappedSlice(std::shared_ptr<MappedFile> file, size_t offset,
                                        size_t size, size_t align = 1);
// A slice of a file that is mapped on first data() call. The caller checked
// that offset+size fits in the file when the slice was made.
std::shared_ptr<Buffer> makeLazyFileSlice(std::string path, size_t offset, size_t size);

class Tensor {
 public:
  Tensor() = default;
  Tensor(DType dtype, std::vector<int64_t> dims, std::shared_ptr<Buffer> buffer)
      : dtype_(dtype), dims_(std::move(dims)), buffer_(std::move(buffer)) {}
  static Tensor ofStrings(std::vector<int64_t> dims, std::vector<std::string> strings);
  // A tensor of `dims` whose bytes are copied from `data`.
  static Tensor copyOf(DType dtype, std::vector<int64_t> dims, const void* data, size_t bytes);
  template <typename T>
  static Tensor fromVector(DType dtype, std::vector<int64_t> dims, const std::vector<T>& v) {
    return copyOf(dtype, std::move(dims), v.data(), v.size() * sizeof(T));
  }

  DType dtype() const { return dtype_; }
  const std::vector<int64_t>& dims() const { return dims_; }
  int64_t numElements() const;
  size_t byteSize() const;  // bytes of the data (0 for strings)
  const uint8_t* rawData() const;
  // The bytes without alignment guarantee (Buffer::bytes): for byte copies.
  const uint8_t* rawBytes() const { return buffer_ ? buffer_->bytes() : nullptr; }
  template <typename T>
  const T* data() const {
    return reinterpret_cast<const T*>(rawData());
  }
  const std::vector<std::string>& strings() const { return strings_; }
  bool materialized() const { return !buffer_ || buffer_->materialized(); }
  const std::shared_ptr<Buffer>& buffer() const { return buffer_; }
  // Writable bytes when this tensor alone holds a buffer that owns them, so
  // a pass that also holds the only reference to the tensor may update it
  // in place; nullptr otherwise.
  uint8_t* exclusiveMutableData() {
    return buffer_ && buffer_.use_count() == 1 ? buffer_->mutableData() : nullptr;
  }

  // Checks that the buffer holds exactly the bytes the dims require.
  Status validate() const;
  // Reads element i as int64 / double (integers, bools and floats).
  int64_t intAt(int64_t i) const;
  double floatAt(int64_t i) const;
  std::vector<int64_t> toInt64Vector() const;

  // Lossless extras carried from the source format.
  std::string docString;

 private:
  DType dtype_ = DType::Undefined;
  std::vector<int64_t> dims_;
  std::shared_ptr<Buffer> buffer_;
  std::vector<std::string> strings_;
};

using TensorPtr = std::shared_ptr<const Tensor>;

float halfToFloat(uint16_t h);
float bfloat16ToFloat(uint16_t h);

}  // namespace nnport
