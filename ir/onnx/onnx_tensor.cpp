// TensorProto <-> Tensor: raw_data moved without copying, typed fields
// decoded, external data mapped lazily and checked against the file size.
#include <sys/stat.h>

#include <cstdint>
#include <cstring>

#include "ir/dtype_codes.h"
#include "ir/onnx/onnx_proto.h"

namespace nnport::onnxproto {
namespace {

template <typename Src, typename Dst>
std::vector<uint8_t> packAs(const google::protobuf::RepeatedField<Src>& field) {
  std::vector<uint8_t> out(static_cast<size_t>(field.size()) * sizeof(Dst));
  for (int i = 0; i < field.size(); ++i) {
    const Dst v = static_cast<Dst>(field.Get(i));
    std::memcpy(out.data() + static_cast<size_t>(i) * sizeof(Dst), &v, sizeof(Dst));
  }
  return out;
}

// Decodes the typed repeated fields of a TensorProto into little-endian bytes.
Expected<std::vector<uint8_t>> typedFieldBytes(const onnx::TensorProto& p, DType d,
                                               const std::string& where) {
  switch (d) {
    case DType::Float32:
    case DType::Complex64:
      return packAs<float, float>(p.float_data());
    case DType::Float64:
    case DType::Complex128:
      return packAs<double, double>(p.double_data());
    case DType::Int64:
      return packAs<int64_t, int64_t>(p.int64_data());
    case DType::UInt32:
      return packAs<uint64_t, uint32_t>(p.uint64_data());
    case DType::UInt64:
      return packAs<uint64_t, uint64_t>(p.uint64_data());
    case DType::Int32:
      return packAs<int32_t, int32_t>(p.int32_data());
    case DType::Int16:
      return packAs<int32_t, int16_t>(p.int32_data());
    case DType::Int8:
      return packAs<int32_t, int8_t>(p.int32_data());
    case DType::UInt16:
    case DType::Float16:
    case DType::BFloat16:
      return packAs<int32_t, uint16_t>(p.int32_data());
    case DType::UInt8:
    case DType::Bool:
      return packAs<int32_t, uint8_t>(p.int32_data());
    default:
      break;
  }
  return Status::unsupported("{}: tensor type {} has no typed-field storage", where, dtypeName(d));
}

bool safeRelativePath(const std::string& loc) {
  if (loc.empty() || loc[0] == '/') return false;
  size_t start = 0;
  while (start <= loc.size()) {
    size_t end = loc.find('/', start);
    if (end == std::string::npos) end = loc.size();
    if (loc.compare(start, end - start, "..") == 0 && end - start == 2) return false;
    start = end + 1;
  }
  return true;
}

Expected<std::shared_ptr<Buffer>> externalBuffer(const onnx::TensorProto& p, size_t need,
                                                 const TensorSource& src,
                                                 const std::string& where) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto& kv : p.external_data()) {
    try {
      if (kv.key() == "location")
        location = kv.value();
      else if (kv.key() == "offset")
        offset = std::stoll(kv.value());
      else if (kv.key() == "length")
        length = std::stoll(kv.value());
    } catch (const std::exception&) {
      return Status::invalid("{}: external data field '{}' is not a number", where, kv.key());
    }
  }
  if (!safeRelativePath(location))
    return Status::invalid(
        "{}: external data location '{}' must be a relative path inside the "
        "model's directory",
        where, location);
  if (offset < 0) return Status::invalid("{}: negative external data offset", where);
  if (length >= 0 && static_cast<size_t>(length) != need)
    return Status::invalid("{}: external data length {} does not match the {} bytes the dims need",
                           where, length, need);
  const std::string path = (src.modelDir.empty() ? "." : src.modelDir) + "/" + location;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    return Status::invalid("{}: external data file '{}' is missing", where, path);
  if (static_cast<uint64_t>(st.st_size) < static_cast<uint64_t>(offset) + need)
    return Status::invalid(
        "{}: external data file '{}' holds {} bytes, the tensor needs {} at "
        "offset {}",
        where, path, st.st_size, need, offset);
  return makeLazyFileSlice(path, static_cast<size_t>(offset), need);
}

}  // namespace

Expected<TensorPtr> importTensor(onnx::TensorProto& p, const TensorSource& src,
                                 const std::string& where, std::shared_ptr<Buffer> rawData) {
  auto dtype = dtypeFromOnnx(p.data_type());
  if (!dtype)
    return Status::unsupported("{}: tensor data type {} is not supported", where, p.data_type());
  std::vector<int64_t> dims(p.dims().begin(), p.dims().end());
  auto count = checkedElementCount(dims);
  if (!count)
    return Status::invalid("{}: tensor dims are negative or their product overflows", where);
  if (p.has_segment()) return Status::unsupported("{}: segmented tensors are not supported", where);

  if (*dtype == DType::String) {
    if (p.string_data_size() != *count)
      return Status::invalid("{}: string tensor has {} elements, dims need {}", where,
                             p.string_data_size(), *count);
    auto t = std::make_shared<Tensor>(
        Tensor::ofStrings(dims, {p.string_data().begin(), p.string_data().end()}));
    t->docString = p.doc_string();
    return TensorPtr(t);
  }
  const auto bits = static_cast<uint64_t>(dtypeBits(*dtype));
  if (bits != 0 && static_cast<uint64_t>(*count) > (SIZE_MAX - 7) / bits)
    return Status::invalid("{}: {} elements are too many to hold in memory", where, *count);
  const size_t need = dtypeStorageBytes(*dtype, *count);
  std::shared_ptr<Buffer> buf;
  if (p.data_location() == onnx::TensorProto::EXTERNAL) {
    NNP_ASSIGN_OR_RETURN(buf, externalBuffer(p, need, src, where));
  } else if (rawData) {
    if (rawData->size() != need)
      return Status::invalid("{}: raw_data holds {} bytes, {} {} elements need {}", where,
                             rawData->size(), *count, dtypeName(*dtype), need);
    buf = std::move(rawData);
  } else if (p.has_raw_data()) {
    if (p.raw_data().size() != need)
      return Status::invalid("{}: raw_data holds {} bytes, {} {} elements need {}", where,
                             p.raw_data().size(), *count, dtypeName(*dtype), need);
    buf = makeStringBuffer(std::move(*p.mutable_raw_data()));
  } else {
    NNP_ASSIGN_OR_RETURN(std::vector<uint8_t> bytes, typedFieldBytes(p, *dtype, where));
    if (bytes.size() != need)
      return Status::invalid("{}: tensor holds {} bytes of data, {} {} elements need {}", where,
                             bytes.size(), *count, dtypeName(*dtype), need);
    buf = makeOwnedBuffer(std::move(bytes));
  }
  auto t = std::make_shared<Tensor>(*dtype, std::move(dims), std::move(buf));
  t->docString = p.doc_string();
  return TensorPtr(t);
}

void exportTensor(const Tensor& t, const std::string& name, onnx::TensorProto* p) {
  p->set_name(name);
  p->set_data_type(static_cast<int32_t>(dtypeToOnnx(t.dtype())));
  for (int64_t d : t.dims()) p->add_dims(d);
  if (!t.docString.empty()) p->set_doc_string(t.docString);
  if (t.dtype() == DType::String) {
    for (const auto& s : t.strings()) p->add_string_data(s);
    return;
  }
  if (!t.buffer()) return;  // a header only: the bytes are written elsewhere
  p->set_raw_data(reinterpret_cast<const char*>(t.rawBytes()), t.byteSize());
}

Expected<std::optional<TensorType>> importType(const onnx::TypeProto& t, const std::string& where) {
  if (!t.has_tensor_type()) return std::optional<TensorType>();
  const auto& tt = t.tensor_type();
  TensorType out;
  if (tt.elem_type() != 0) {
    auto d = dtypeFromOnnx(tt.elem_type());
    if (!d)
      return Status::unsupported("{}: element type {} is not supported", where, tt.elem_type());
    out.dtype = *d;
  }
  if (tt.has_shape()) {
    std::vector<Dim> dims;
    for (const auto& d : tt.shape().dim()) {
      if (d.has_dim_value()) {
        if (d.dim_value() < 0)
          return Status::invalid("{}: negative dimension {}", where, d.dim_value());
        dims.emplace_back(d.dim_value());
      } else if (d.has_dim_param()) {
        dims.push_back(Dim::symbolic(d.dim_param()));
      } else {
        dims.emplace_back();
      }
    }
    out.shape = Shape(std::move(dims));
  }
  return std::optional<TensorType>(out);
}

void exportType(const TensorType& t, onnx::TypeProto* p) {
  auto* tt = p->mutable_tensor_type();
  tt->set_elem_type(static_cast<int32_t>(dtypeToOnnx(t.dtype)));
  if (!t.shape.rankKnown()) return;
  auto* shape = tt->mutable_shape();
  for (const Dim& d : t.shape.dims()) {
    auto* pd = shape->add_dim();
    if (d.isStatic())
      pd->set_dim_value(d.value);
    else if (!d.symbol.empty())
      pd->set_dim_param(d.symbol);
  }
}

}  // namespace nnport::onnxproto
