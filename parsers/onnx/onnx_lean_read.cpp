// The wire-level walk behind readLeanModelProto: ModelProto.graph (field 7)
// -> GraphProto.initializer (5) -> TensorProto.raw_data (9). Every other
// field is copied as it is; a message that holds a stripped field gets its
// length rewritten.
#include "parsers/onnx/onnx_lean_read.h"

#include "parsers/onnx/onnx_reader.h"

namespace nnport::onnxproto {
namespace {

constexpr uint64_t kModelGraph = 7, kGraphInitializer = 5, kTensorRawData = 9;

struct Field {
  uint64_t number = 0;
  size_t begin = 0;       // the tag's first byte
  size_t valueBegin = 0;  // for length-delimited fields, the payload
  size_t end = 0;
  bool delimited = false;
};

void putVarint(std::string& s, uint64_t v) {
  while (v >= 0x80) {
    s.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  s.push_back(static_cast<char>(v));
}

class Walker {
 public:
  Walker(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  // The model without large raw_data, or nullopt when malformed.
  std::optional<std::string> model(std::vector<std::optional<RawDataSlice>>& slices) {
    slices_ = &slices;
    std::string out;
    out.reserve(1 << 16);
    for (size_t pos = 0; pos < size_;) {
      Field f;
      if (!next(pos, size_, f)) return std::nullopt;
      if (f.number == kModelGraph && f.delimited) {
        std::string graph;
        if (!this->graph(f.valueBegin, f.end, graph)) return std::nullopt;
        putDelimited(out, kModelGraph, graph);
      } else {
        copy(out, f);
      }
    }
    return out;
  }

 private:
  bool graph(size_t begin, size_t end, std::string& out) {
    for (size_t pos = begin; pos < end;) {
      Field f;
      if (!next(pos, end, f)) return false;
      if (f.number == kGraphInitializer && f.delimited) {
        std::string tensor;
        std::optional<RawDataSlice> slice;
        if (!this->tensor(f.valueBegin, f.end, tensor, slice)) return false;
        slices_->push_back(slice);
        putDelimited(out, kGraphInitializer, tensor);
      } else {
        copy(out, f);
      }
    }
    return true;
  }

  // Leaves raw_data out when the tensor has exactly one, and it is large.
  bool tensor(size_t begin, size_t end, std::string& out, std::optional<RawDataSlice>& slice) {
    std::vector<Field> fields;
    int raws = 0;
    for (size_t pos = begin; pos < end;) {
      Field f;
      if (!next(pos, end, f)) return false;
      raws += f.number == kTensorRawData;
      fields.push_back(f);
    }
    for (const Field& f : fields) {
      const size_t n = f.end - f.valueBegin;
      if (raws == 1 && f.number == kTensorRawData && f.delimited && n >= kLeanRawDataBytes) {
        slice = RawDataSlice{f.valueBegin, n};
        continue;
      }
      copy(out, f);
    }
    return true;
  }

  bool varint(size_t& pos, size_t end, uint64_t& v) const {
    v = 0;
    for (int shift = 0; shift < 64 && pos < end; shift += 7) {
      const uint8_t b = data_[pos++];
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }

  bool next(size_t& pos, size_t end, Field& f) const {
    f.begin = pos;
    uint64_t tag = 0, len = 0;
    if (!varint(pos, end, tag) || (tag >> 3) == 0) return false;
    f.number = tag >> 3;
    f.delimited = false;
    switch (tag & 7) {
      case 0:
        if (!varint(pos, end, len)) return false;
        break;
      case 1:
        pos += 8;
        break;
      case 5:
        pos += 4;
        break;
      case 2:
        if (!varint(pos, end, len) || len > end - pos) return false;
        f.delimited = true;
        f.valueBegin = pos;
        pos += len;
        break;
      default:
        return false;  // groups are not used by ONNX
    }
    if (pos > end) return false;
    f.end = pos;
    if (!f.delimited) f.valueBegin = f.end;
    return true;
  }

  void copy(std::string& out, const Field& f) const {
    out.append(reinterpret_cast<const char*>(data_ + f.begin), f.end - f.begin);
  }
  static void putDelimited(std::string& out, uint64_t number, const std::string& payload) {
    putVarint(out, (number << 3) | 2);
    putVarint(out, payload.size());
    out += payload;
  }

  const uint8_t* data_;
  size_t size_;
  std::vector<std::optional<RawDataSlice>>* slices_ = nullptr;
};

}  // namespace

std::optional<std::string> stripLargeRawData(const uint8_t* data, size_t size,
                                             std::vector<std::optional<RawDataSlice>>& slices) {
  slices.clear();
  std::optional<std::string> lean = Walker(data, size).model(slices);
  bool any = false;
  for (const auto& s : slices) any = any || s.has_value();
  if (!lean || !any) {
    slices.clear();
    return std::nullopt;
  }
  return lean;
}

Expected<LeanModelProto> readLeanModelProto(const std::string& path) {
  LeanModelProto r;
  NNP_ASSIGN_OR_RETURN(r.file, MappedFile::open(path));
  std::optional<std::string> lean = stripLargeRawData(r.file->data(), r.file->size(), r.rawData);
  if (lean) {
    NNP_ASSIGN_OR_RETURN(r.proto, parseModelProto(reinterpret_cast<const uint8_t*>(lean->data()),
                                                  lean->size(), path));
  } else {
    NNP_ASSIGN_OR_RETURN(r.proto, parseModelProto(r.file->data(), r.file->size(), path));
  }
  // A graph field seen twice merges; a count that disagrees with the walk
  // means the slices cannot be matched to initializers.
  if (!r.rawData.empty() &&
      r.rawData.size() != static_cast<size_t>(r.proto->graph().initializer_size()))
    return Status::internal("{}: initializer count differs between the wire walk and protobuf",
                            path);
  return r;
}

}  // namespace nnport::onnxproto
