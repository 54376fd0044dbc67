// Buffers (owned, mapped, lazily mapped) and Tensor element access.
#include "ir/tensor.h"

#include "support/checked_math.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

namespace nnport {
namespace {

class OwnedBuffer final : public Buffer {
 public:
  explicit OwnedBuffer(std::vector<uint8_t> b) : bytes_(std::move(b)) {}
  const uint8_t* data() const override { return bytes_.data(); }
  size_t size() const override { return bytes_.size(); }
  uint8_t* mutableData() override { return bytes_.data(); }

 private:
  std::vector<uint8_t> bytes_;
};

class StringBuffer final : public Buffer {
 public:
  explicit StringBuffer(std::string b) : bytes_(std::move(b)) {}
  const uint8_t* data() const override { return reinterpret_cast<const uint8_t*>(bytes_.data()); }
  size_t size() const override { return bytes_.size(); }
  uint8_t* mutableData() override { return reinterpret_cast<uint8_t*>(bytes_.data()); }

 private:
  std::string bytes_;
};

class MappedSlice final : public Buffer {
 public:
  MappedSlice(std::shared_ptr<MappedFile> f, size_t off, size_t size)
      : file_(std::move(f)), offset_(off), size_(size) {}
  const uint8_t* data() const override { return file_->data() + offset_; }
  size_t size() const override { return size_; }

 private:
  std::shared_ptr<MappedFile> file_;
  size_t offset_;
  size_t size_;
};

// A mapped slice at an address not aligned for its elements: data() copies
// it once into aligned memory.
class UnalignedMappedSlice final : public Buffer {
 public:
  UnalignedMappedSlice(std::shared_ptr<MappedFile> f, size_t off, size_t size)
      : file_(std::move(f)), offset_(off), size_(size) {}
  const uint8_t* data() const override {
    std::call_once(once_, [this] {
      copy_.reset(new uint8_t[size_]);
      std::memcpy(copy_.get(), bytes(), size_);
    });
    return copy_.get();
  }
  const uint8_t* bytes() const override { return file_->data() + offset_; }
  size_t size() const override { return size_; }

 private:
  std::shared_ptr<MappedFile> file_;
  size_t offset_;
  size_t size_;
  mutable std::once_flag once_;
  mutable std::unique_ptr<uint8_t[]> copy_;
};

class LazyFileSlice final : public Buffer {
 public:
  LazyFileSlice(std::string path, size_t off, size_t size)
      : path_(std::move(path)), offset_(off), size_(size) {}
  const uint8_t* data() const override {
    std::call_once(once_, [this] {
      auto f = MappedFile::open(path_);
      if (f && f.value()->size() >= offset_ + size_) file_ = f.value();
    });
    // The file was checked when the slice was made; if it shrank since, the
    // tensor reads as zeros rather than out of bounds.
    if (!file_) {
      fallback_.assign(size_, 0);
      return fallback_.data();
    }
    return file_->data() + offset_;
  }
  size_t size() const override { return size_; }
  bool materialized() const override { return file_ != nullptr; }

 private:
  std::string path_;
  size_t offset_;
  size_t size_;
  mutable std::once_flag once_;
  mutable std::shared_ptr<MappedFile> file_;
  mutable std::vector<uint8_t> fallback_;
};

}  // namespace

std::shared_ptr<Buffer> makeOwnedBuffer(std::vector<uint8_t> bytes) {
  return std::make_shared<OwnedBuffer>(std::move(bytes));
}
std::shared_ptr<Buffer> makeStringBuffer(std::string bytes) {
  return std::make_shared<StringBuffer>(std::move(bytes));
}
std::shared_ptr<Buffer> makeMappedSlice(std::shared_ptr<MappedFile> file, size_t offset,
                                        size_t size, size_t align) {
  const auto address = reinterpret_cast<uintptr_t>(file->data() + offset);
  if (align > 1 && address % align != 0)
    return std::make_shared<UnalignedMappedSlice>(std::move(file), offset, size);
  return std::make_shared<MappedSlice>(std::move(file), offset, size);
}
std::shared_ptr<Buffer> makeLazyFileSlice(std::string path, size_t offset, size_t size) {
  return std::make_shared<LazyFileSlice>(std::move(path), offset, size);
}

Expected<std::shared_ptr<MappedFile>> MappedFile::open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::invalid("{}: cannot open: {}", path, std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::invalid("{}: not a regular file", path);
  }
  std::shared_ptr<MappedFile> f(new MappedFile());
  f->path_ = path;
  f->size_ = static_cast<size_t>(st.st_size);
  if (f->size_ > 0) {
    void* p = ::mmap(nullptr, f->size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      ::close(fd);
      return Status::invalid("{}: cannot map: {}", path, std::strerror(errno));
    }
    f->data_ = static_cast<const uint8_t*>(p);
  }
  ::close(fd);
  return f;
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
}

Tensor Tensor::ofStrings(std::vector<int64_t> dims, std::vector<std::string> strings) {
  Tensor t(DType::String, std::move(dims), nullptr);
  t.strings_ = std::move(strings);
  return t;
}

Tensor Tensor::copyOf(DType dtype, std::vector<int64_t> dims, const void* data, size_t bytes) {
  std::vector<uint8_t> b(bytes);
  if (bytes) std::memcpy(b.data(), data, bytes);
  return Tensor(dtype, std::move(dims), makeOwnedBuffer(std::move(b)));
}

int64_t Tensor::numElements() const {
  auto n = checkedElementCount(dims_);
  return n ? *n : -1;
}

size_t Tensor::byteSize() const {
  return buffer_ ? buffer_->size() : 0;
}

const uint8_t* Tensor::rawData() const {
  return buffer_ ? buffer_->data() : nullptr;
}

Status Tensor::validate() const {
  auto n = checkedElementCount(dims_);
  if (!n) return Status::invalid("tensor dims are negative or their product overflows");
  if (dtype_ == DType::String) {
    if (static_cast<int64_t>(strings_.size()) != *n)
      return Status::invalid("string tensor has {} elements, dims need {}", strings_.size(), *n);
    return Status::ok();
  }
  const size_t need = dtypeStorageBytes(dtype_, *n);
  if (byteSize() != need)
    return Status::invalid("tensor holds {} bytes, {} {} elements need {}", byteSize(), *n,
                           dtypeName(dtype_), need);
  return Status::ok();
}

float halfToFloat(uint16_t h) {
  const uint32_t sign = (h & 0x8000u) << 16;
  uint32_t exp = (h >> 10) & 0x1f;
  uint32_t mant = h & 0x3ffu;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: normalize
      exp = 127 - 15 + 1;
      while (!(mant & 0x400u)) {
        mant <<= 1;
        --exp;
      }
      bits = sign | (exp << 23) | ((mant & 0x3ffu) << 13);
    }
  } else if (exp == 0x1f) {
    bits = sign | 0x7f800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

float bfloat16ToFloat(uint16_t h) {
  const uint32_t bits = static_cast<uint32_t>(h) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

int64_t Tensor::intAt(int64_t i) const {
  const uint8_t* p = rawData();
  switch (dtype_) {
    case DType::Int8:
      return reinterpret_cast<const int8_t*>(p)[i];
    case DType::Int16:
      return reinterpret_cast<const int16_t*>(p)[i];
    case DType::Int32:
      return reinterpret_cast<const int32_t*>(p)[i];
    case DType::Int64:
      return reinterpret_cast<const int64_t*>(p)[i];
    case DType::UInt8:
    case DType::Bool:
      return p[i];
    case DType::UInt16:
      return reinterpret_cast<const uint16_t*>(p)[i];
    case DType::UInt32:
      return reinterpret_cast<const uint32_t*>(p)[i];
    case DType::UInt64:
      return static_cast<int64_t>(reinterpret_cast<const uint64_t*>(p)[i]);
    default:
      return isFloat(dtype_) ? saturatingCast<int64_t>(floatAt(i)) : 0;
  }
}

double Tensor::floatAt(int64_t i) const {
  const uint8_t* p = rawData();
  switch (dtype_) {
    case DType::Float32:
      return reinterpret_cast<const float*>(p)[i];
    case DType::Float64:
      return reinterpret_cast<const double*>(p)[i];
    case DType::Float16:
      return halfToFloat(reinterpret_cast<const uint16_t*>(p)[i]);
    case DType::BFloat16:
      return bfloat16ToFloat(reinterpret_cast<const uint16_t*>(p)[i]);
    default:
      return (isInteger(dtype_) || dtype_ == DType::Bool) ? static_cast<double>(intAt(i)) : 0.0;
  }
}

std::vector<int64_t> Tensor::toInt64Vector() const {
  std::vector<int64_t> out;
  const int64_t n = numElements();
  if (n <= 0 || byteSize() < dtypeStorageBytes(dtype_, n)) return out;
  out.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) out.push_back(intAt(i));
  return out;
}

}  // namespace nnport
