// .npy reading/writing and TensorProto .pb reading.
#include "lib/npy.h"

#include <cstring>

#include "ir/onnx/onnx_proto.h"
#include "support/atomic_file.h"
#include "support/format_registry.h"
#include "support/memory_budget.h"

namespace nnport {
namespace {

struct Descr {
  const char* code;  // without the byte-order character
  DType dtype;
};
constexpr Descr kDescrs[] = {{"f4", DType::Float32}, {"f8", DType::Float64}, {"f2", DType::Float16},
                             {"i1", DType::Int8},    {"u1", DType::UInt8},   {"i2", DType::Int16},
                             {"u2", DType::UInt16},  {"i4", DType::Int32},   {"u4", DType::UInt32},
                             {"i8", DType::Int64},   {"u8", DType::UInt64},  {"b1", DType::Bool}};

// The value text after `'key':` in the header dict, up to the next top-level comma.
std::string field(const std::string& header, const std::string& key) {
  auto at = header.find("'" + key + "'");
  if (at == std::string::npos) return "";
  at = header.find(':', at);
  if (at == std::string::npos) return "";
  size_t end = at + 1;
  int depth = 0;
  for (; end < header.size(); ++end) {
    const char c = header[end];
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if ((c == ',' && depth == 0) || c == '}') break;
  }
  std::string v = header.substr(at + 1, end - at - 1);
  v.erase(0, v.find_first_not_of(" "));
  v.erase(v.find_last_not_of(" ") + 1);
  return v;
}

Expected<std::vector<int64_t>> parseShape(const std::string& text, const std::string& file) {
  if (text.size() < 2 || text.front() != '(' || text.back() != ')')
    return Status::invalid("{}: .npy header has no valid 'shape'", file);
  std::vector<int64_t> dims;
  std::string inner = text.substr(1, text.size() - 2);
  size_t start = 0;
  while (start < inner.size()) {
    size_t end = inner.find(',', start);
    if (end == std::string::npos) end = inner.size();
    std::string item = inner.substr(start, end - start);
    item.erase(0, item.find_first_not_of(" "));
    item.erase(item.find_last_not_of(" ") + 1);
    if (!item.empty()) {
      char* rest = nullptr;
      const long long v = std::strtoll(item.c_str(), &rest, 10);
      if (*rest != '\0' || v < 0)
        return Status::invalid("{}: .npy shape entry '{}' is not a size", file, item);
      dims.push_back(v);
    }
    start = end + 1;
  }
  return dims;
}

}  // namespace

Expected<exec::RtTensor> parseNpy(const std::string& bytes, const std::string& file) {
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0)
    return Status::invalid("{}: not a .npy file (bad magic)", file);
  const int major = static_cast<unsigned char>(bytes[6]);
  size_t headerLen, offset;
  if (major == 1) {
    headerLen = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) return Status::invalid("{}: truncated .npy header", file);
    uint32_t len;
    std::memcpy(&len, bytes.data() + 8, 4);
    headerLen = len;
    offset = 12;
  } else {
    return Status::unsupported("{}: .npy format version {} is not supported", file, major);
  }
  if (bytes.size() < offset + headerLen) return Status::invalid("{}: truncated .npy header", file);
  const std::string header = bytes.substr(offset, headerLen);
  std::string descr = field(header, "descr");
  if (descr.size() < 4 || (descr.front() != '\'' && descr.front() != '"'))
    return Status::invalid("{}: .npy header has no valid 'descr'", file);
  descr = descr.substr(1, descr.size() - 2);
  if (descr[0] == '>')
    return Status::unsupported("{}: big-endian .npy data is not supported", file);
  const std::string code = descr.substr(1);
  const Descr* d = nullptr;
  for (const auto& c : kDescrs)
    if (code == c.code) d = &c;
  if (!d) return Status::unsupported("{}: .npy dtype '{}' is not supported", file, descr);
  if (field(header, "fortran_order") != "False")
    return Status::unsupported("{}: Fortran-ordered .npy data is not supported", file);
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> dims, parseShape(field(header, "shape"), file));
  auto count = checkedElementCount(dims);
  if (!count) return Status::invalid("{}: .npy shape overflows", file);
  const size_t need = dtypeStorageBytes(d->dtype, *count);
  const size_t have = bytes.size() - offset - headerLen;
  if (have != need)
    return Status::invalid("{}: .npy holds {} data bytes, shape and dtype need {}", file, have,
                           need);
  try {
    exec::RtTensor t = exec::RtTensor::allocate(d->dtype, dims);
    if (need) std::memcpy(t.raw(), bytes.data() + offset + headerLen, need);
    return t;
  } catch (const OverBudgetError& e) {
    return e.status().withContext(file);
  }
}

Expected<exec::RtTensor> readNpy(const std::string& path) {
  NNP_ASSIGN_OR_RETURN(std::string bytes, readWholeFile(path));
  return parseNpy(bytes, path);
}

std::string encodeNpy(const exec::RtTensor& t) {
  std::string descr = "f4";
  for (const auto& c : kDescrs)
    if (c.dtype == t.dtype()) descr = c.code;
  std::string shape = "(";
  for (int64_t d : t.dims()) shape += std::to_string(d) + ", ";
  if (t.rank() > 1)
    shape.erase(shape.size() - 2);
  else if (t.rank() == 1)
    shape.erase(shape.size() - 1);
  shape += ")";
  const char order = descr == "b1" || descr == "i1" || descr == "u1" ? '|' : '<';
  std::string header = fmt::format("{{'descr': '{}{}', 'fortran_order': False, 'shape': {}, }}",
                                   order, descr, shape);
  const size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  out += header;
  out.append(reinterpret_cast<const char*>(t.raw()), t.byteSize());
  return out;
}

Status writeNpy(const exec::RtTensor& t, const std::string& path) {
  AtomicFile f(path);
  NNP_RETURN_IF_ERROR(f.open());
  NNP_RETURN_IF_ERROR(writeWholeFile(f.tempPath(), encodeNpy(t)));
  return f.commit();
}

Expected<exec::RtTensor> readTensorFile(const std::string& path, std::string* name) {
  const std::string ext = fileExtension(path);
  if (ext == ".npy") return readNpy(path);
  if (ext != ".pb")
    return Status::usage("{}: tensor files are .npy or .pb (ONNX TensorProto)", path);
  NNP_ASSIGN_OR_RETURN(std::string bytes, readWholeFile(path));
  onnx::TensorProto proto;
  if (!proto.ParseFromString(bytes)) return Status::invalid("{}: not an ONNX TensorProto", path);
  NNP_ASSIGN_OR_RETURN(TensorPtr t, onnxproto::importTensor(proto, {".", path}, path));
  if (name) *name = proto.name();
  try {
    return exec::RtTensor::copyOf(*t);
  } catch (const OverBudgetError& e) {
    return e.status().withContext(path);
  }
}

}  // namespace nnport
