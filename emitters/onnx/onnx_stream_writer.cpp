// The payload-splicing ONNX writer (see onnx_stream_writer.h). Protobuf
// writes a message's known fields in field-number order, so the full
// ModelProto's bytes are: the model's fields before `graph` (7), the graph's
// tag and length, the graph's fields before `initializer` (5), one record per
// initializer, the graph's remaining fields, the model's remaining fields.
// An initializer with a payload is its header's fields before `raw_data`
// (9), then raw_data's tag, length and bytes, then the header's other fields.
#include "emitters/onnx/onnx_stream_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <unordered_set>

namespace nnport::onnxproto {
namespace {

constexpr int kModelGraphField = 7;
constexpr int kGraphInitializerField = 5;
constexpr int kTensorRawDataField = 9;

void putVarint(std::string& s, uint64_t v) {
  while (v >= 0x80) {
    s.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  s.push_back(static_cast<char>(v));
}

// The tag and length that open a length-delimited field.
std::string fieldHead(int field, uint64_t length) {
  std::string s;
  putVarint(s, (static_cast<uint64_t>(field) << 3) | 2);
  putVarint(s, length);
  return s;
}

bool readVarint(const std::string& b, size_t& pos, uint64_t& v) {
  v = 0;
  for (int shift = 0; shift < 64 && pos < b.size(); shift += 7) {
    const auto byte = static_cast<uint8_t>(b[pos++]);
    v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return true;
  }
  return false;
}

// Where the top-level fields numbered above `field` start in `bytes`, a
// message serialized by protobuf (so in field order, unknown fields last).
size_t splitAfter(const std::string& bytes, int field) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    const size_t start = pos;
    uint64_t tag = 0, len = 0;
    if (!readVarint(bytes, pos, tag)) return bytes.size();
    if ((tag >> 3) > static_cast<uint64_t>(field)) return start;
    switch (tag & 7) {
      case 0:
        if (!readVarint(bytes, pos, len)) return bytes.size();
        break;
      case 1:
        pos += 8;
        break;
      case 2:
        if (!readVarint(bytes, pos, len)) return bytes.size();
        pos += len;
        break;
      case 5:
        pos += 4;
        break;
      default:
        return bytes.size();  // groups: not in ONNX
    }
  }
  return bytes.size();
}

// A piece of the output: bytes held here, or borrowed from an IR buffer.
struct Chunk {
  std::string bytes;
  const char* borrowed = nullptr;
  size_t borrowedSize = 0;
  const char* data() const { return borrowed ? borrowed : bytes.data(); }
  size_t size() const { return borrowed ? borrowedSize : bytes.size(); }
};

// One initializer record (tag, length, TensorProto) into `out`; returns its size.
size_t addInitializer(const onnx::TensorProto& t, const Tensor* payload, std::vector<Chunk>& out) {
  std::string header = t.SerializeAsString();
  if (!payload) {
    std::string head = fieldHead(kGraphInitializerField, header.size());
    out.push_back({head + header});
    return out.back().size();
  }
  const size_t split = splitAfter(header, kTensorRawDataField - 1);
  const size_t bytes = payload->byteSize();
  std::string rawHead = fieldHead(kTensorRawDataField, bytes);
  const size_t tensorSize = header.size() + rawHead.size() + bytes;
  std::string head = fieldHead(kGraphInitializerField, tensorSize);
  const size_t n = head.size() + tensorSize;
  out.push_back({head + header.substr(0, split) + rawHead});
  out.push_back({"", reinterpret_cast<const char*>(payload->rawBytes()), bytes});
  out.push_back({header.substr(split)});
  return n;
}

// The whole file as chunks; `proto` is taken apart and put back together.
std::vector<Chunk> chunksOf(onnx::ModelProto& proto, const InitializerPayloads& payloads) {
  onnx::GraphProto graph;
  graph.Swap(proto.mutable_graph());
  proto.clear_graph();
  google::protobuf::RepeatedPtrField<onnx::TensorProto> inits;
  inits.Swap(graph.mutable_initializer());
  const std::string model = proto.SerializeAsString();
  const std::string graphBytes = graph.SerializeAsString();

  std::vector<Chunk> out(1);  // out[0]: everything before the first initializer
  size_t recordBytes = 0;
  for (int i = 0; i < inits.size(); ++i) {
    const Tensor* payload = static_cast<size_t>(i) < payloads.size() ? payloads[i] : nullptr;
    recordBytes += addInitializer(inits[i], payload, out);
  }
  const size_t m = splitAfter(model, kModelGraphField - 1);
  const size_t g = splitAfter(graphBytes, kGraphInitializerField - 1);
  out[0].bytes = model.substr(0, m) + fieldHead(kModelGraphField, graphBytes.size() + recordBytes) +
                 graphBytes.substr(0, g);
  out.push_back({graphBytes.substr(g) + model.substr(m)});

  inits.Swap(graph.mutable_initializer());
  proto.mutable_graph()->Swap(&graph);
  return out;
}

// write(2) until done; small chunks are gathered into one buffer first.
class FileSink {
 public:
  explicit FileSink(int fd) : fd_(fd) {}
  bool put(const char* p, size_t n) {
    if (n < kDirect) {
      buf_.append(p, n);
      return buf_.size() < kBuffer || flush();
    }
    return flush() && writeAll(p, n);
  }
  bool flush() {
    const bool ok = writeAll(buf_.data(), buf_.size());
    buf_.clear();
    return ok;
  }

 private:
  static constexpr size_t kDirect = 64 << 10, kBuffer = 1 << 20;
  bool writeAll(const char* p, size_t n) {
    while (n) {
      const ssize_t w = ::write(fd_, p, n);
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) return false;
      p += w;
      n -= static_cast<size_t>(w);
    }
    return true;
  }
  int fd_;
  std::string buf_;
};

}  // namespace

InitializerPayloads payloadsFor(const Graph& ir, const onnx::GraphProto& g) {
  InitializerPayloads out;
  out.reserve(static_cast<size_t>(g.initializer_size()));
  for (const auto& t : g.initializer()) {
    const bool headerOnly = !t.has_raw_data() && t.data_type() != onnx::TensorProto::STRING &&
                            t.data_location() != onnx::TensorProto::EXTERNAL &&
                            t.float_data_size() + t.int32_data_size() + t.int64_data_size() +
                                    t.double_data_size() + t.uint64_data_size() ==
                                0;
    const Value* v = headerOnly ? ir.findValue(t.name()) : nullptr;
    out.push_back(v && v->initializer() && v->initializer()->byteSize() ? v->initializer().get()
                                                                        : nullptr);
  }
  return out;
}

Status writeWithPayloads(onnx::ModelProto& proto, const InitializerPayloads& payloads,
                         const std::string& path, const std::string& target) {
  const std::vector<Chunk> chunks = chunksOf(proto, payloads);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::io("{}: cannot write: {}", target, std::strerror(errno));
  FileSink sink(fd);
  bool ok = true;
  for (const Chunk& c : chunks) ok = ok && sink.put(c.data(), c.size());
  ok = sink.flush() && ok;
  ok = (::close(fd) == 0) && ok;
  if (!ok) return Status::io("{}: writing the model failed (disk full?)", target);
  return Status::ok();
}

std::string serializeWithPayloads(onnx::ModelProto& proto, const InitializerPayloads& payloads) {
  std::string s;
  for (const Chunk& c : chunksOf(proto, payloads)) s.append(c.data(), c.size());
  return s;
}

onnx::ModelProto checkableCopy(const onnx::ModelProto& proto, const InitializerPayloads& payloads) {
  onnx::ModelProto copy = proto;
  onnx::GraphProto& g = *copy.mutable_graph();
  std::unordered_set<std::string> inputs;
  for (const auto& in : g.input()) inputs.insert(in.name());
  google::protobuf::RepeatedPtrField<onnx::TensorProto> kept;
  for (int i = 0; i < g.initializer_size(); ++i) {
    onnx::TensorProto& t = *g.mutable_initializer(i);
    if (static_cast<size_t>(i) >= payloads.size() || !payloads[i]) {
      kept.Add()->Swap(&t);
      continue;
    }
    if (inputs.count(t.name())) continue;
    onnx::ValueInfoProto* vi = g.add_input();
    vi->set_name(t.name());
    auto* tt = vi->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(t.data_type());
    auto* shape = tt->mutable_shape();
    for (int64_t d : t.dims()) shape->add_dim()->set_dim_value(d);
  }
  g.mutable_initializer()->Swap(&kept);
  return copy;
}

}  // namespace nnport::onnxproto
