// Checked JSON getters for the IR reader.
#include "ir/serialize/ir_json_fields.h"

#include <cfloat>
#include <cmath>
#include <cstring>

#include "ir/serialize/ir_json.h"

namespace nnport::irjson {

const Json* member(const Json& obj, const char* key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

Status JsonFields::need(const Json& obj, const char* key, const std::string& ctx,
                        const Json** out) {
  if (!obj.is_object()) return Status::invalid("{}: expected an object", ctx);
  *out = member(obj, key);
  if (!*out) return Status::invalid("{}: missing key '{}'", ctx, key);
  return Status::ok();
}

Status JsonFields::needList(const Json& obj, const char* key, const std::string& ctx,
                            const Json** out) {
  NNP_RETURN_IF_ERROR(need(obj, key, ctx, out));
  if (!(*out)->is_array()) return Status::invalid("{}: {}: expected a list", ctx, key);
  return Status::ok();
}

Status JsonFields::optList(const Json& obj, const char* key, const std::string& ctx,
                           const Json** out) {
  *out = member(obj, key);
  if (*out && !(*out)->is_array()) return Status::invalid("{}: {}: expected a list", ctx, key);
  return Status::ok();
}

Status JsonFields::asInt(const Json& j, const std::string& what, int64_t* out) {
  if (!j.is_number_integer()) return Status::invalid("{}: expected an integer", what);
  if (j.is_number_unsigned() && j.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
    return Status::invalid("{}: {} does not fit in 64 bits", what, j.get<uint64_t>());
  *out = j.get<int64_t>();
  return Status::ok();
}

Status JsonFields::asSize(const Json& j, const std::string& what, uint64_t* out) {
  int64_t v = 0;
  NNP_RETURN_IF_ERROR(asInt(j, what, &v));
  if (v < 0) return Status::invalid("{}: {} is negative", what, v);
  *out = static_cast<uint64_t>(v);
  return Status::ok();
}

Status JsonFields::asFloat(const Json& j, const std::string& what, float* out) {
  if (j.is_number()) {
    const double d = j.get<double>();
    if (!std::isfinite(d) || std::fabs(d) > FLT_MAX)
      return Status::invalid("{}: {} is out of float range", what, d);
    *out = static_cast<float>(d);
    return Status::ok();
  }
  if (j.is_string()) {
    const std::string& s = j.get_ref<const std::string&>();
    uint32_t bits = 0;
    bool ok = s.size() == 10 && s[0] == '0' && s[1] == 'x';
    for (size_t k = 2; ok && k < s.size(); ++k) {
      const char c = s[k];
      const int digit = c >= '0' && c <= '9'   ? c - '0'
                        : c >= 'a' && c <= 'f' ? c - 'a' + 10
                        : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
      ok = digit >= 0;
      bits = bits << 4 | static_cast<uint32_t>(digit < 0 ? 0 : digit);
    }
    if (ok) {
      std::memcpy(out, &bits, sizeof bits);
      return Status::ok();
    }
  }
  return Status::invalid("{}: expected a number or \"0x\" and 8 hex digits", what);
}

Status JsonFields::checkRange(uint64_t offset, uint64_t size, const std::string& what,
                              BlobRef* out) const {
  if (offset % kIrBlobAlignment != 0)
    return Status::invalid("{}: .bin offset {} is not a multiple of {}", what, offset,
                           kIrBlobAlignment);
  if (offset > bin_.size || size > bin_.size - offset)
    return Status::invalid("{}: bytes [{}, {}+{}) lie outside the .bin ({} bytes)", what, offset,
                           offset, size, bin_.size);
  out->offset = static_cast<size_t>(offset);
  out->size = static_cast<size_t>(size);
  return Status::ok();
}

Status JsonFields::asBlob(const Json& j, const std::string& what, BlobRef* out) const {
  if (!j.is_array() || j.size() != 2)
    return Status::invalid("{}: expected [offset, size] into the .bin", what);
  uint64_t offset = 0, size = 0;
  NNP_RETURN_IF_ERROR(asSize(j[0], what, &offset));
  NNP_RETURN_IF_ERROR(asSize(j[1], what, &size));
  return checkRange(offset, size, what, out);
}

std::string JsonFields::blobBytes(const BlobRef& b) const {
  if (b.size == 0) return {};
  return std::string(reinterpret_cast<const char*>(bin_.data + b.offset), b.size);
}

Status JsonFields::asBlobBytes(const Json& j, const std::string& what, std::string* out) const {
  BlobRef b;
  NNP_RETURN_IF_ERROR(asBlob(j, what, &b));
  *out = blobBytes(b);
  return Status::ok();
}

Status JsonFields::asText(const Json& j, const std::string& what, std::string* out) const {
  if (j.is_string()) {
    *out = j.get_ref<const std::string&>();
    return Status::ok();
  }
  if (const Json* b = member(j, "bin")) return asBlobBytes(*b, what, out);
  return Status::invalid("{}: expected a string", what);
}

Status JsonFields::reqText(const Json& obj, const char* key, const std::string& ctx,
                           std::string* out) const {
  const Json* j = nullptr;
  NNP_RETURN_IF_ERROR(need(obj, key, ctx, &j));
  return asText(*j, ctx + ": " + key, out);
}

Status JsonFields::optText(const Json& obj, const char* key, const std::string& ctx,
                           std::string* out) const {
  const Json* j = member(obj, key);
  return j ? asText(*j, ctx + ": " + key, out) : Status::ok();
}

Status JsonFields::reqInt(const Json& obj, const char* key, const std::string& ctx, int64_t* out) {
  const Json* j = nullptr;
  NNP_RETURN_IF_ERROR(need(obj, key, ctx, &j));
  return asInt(*j, ctx + ": " + key, out);
}

Status JsonFields::asDType(const Json& j, const std::string& what, DType* out) const {
  std::string name;
  NNP_RETURN_IF_ERROR(asText(j, what, &name));
  auto t = dtypeFromName(name);
  if (!t) return Status::invalid("{}: unknown dtype '{}'", what, name);
  *out = *t;
  return Status::ok();
}

Status JsonFields::asShape(const Json& j, const std::string& what, Shape* out) const {
  if (j.is_null()) {
    *out = Shape::unknownRank();
    return Status::ok();
  }
  if (!j.is_array()) return Status::invalid("{}: expected a list or null", what);
  std::vector<Dim> dims;
  for (size_t k = 0; k < j.size(); ++k) {
    const Json& d = j[k];
    const std::string at = fmt::format("{}[{}]", what, k);
    if (d.is_null()) {
      dims.emplace_back();
    } else if (d.is_number()) {
      uint64_t size = 0;
      NNP_RETURN_IF_ERROR(asSize(d, at, &size));
      dims.emplace_back(static_cast<int64_t>(size));
    } else {
      std::string symbol;
      NNP_RETURN_IF_ERROR(asText(d, at, &symbol));
      if (symbol.empty()) return Status::invalid("{}: empty symbolic dim", at);
      dims.push_back(Dim::symbolic(std::move(symbol)));
    }
  }
  *out = Shape(std::move(dims));
  return Status::ok();
}

Status JsonFields::asType(const Json& obj, const std::string& ctx, TensorType* out) const {
  const Json* j = nullptr;
  NNP_RETURN_IF_ERROR(need(obj, "dtype", ctx, &j));
  NNP_RETURN_IF_ERROR(asDType(*j, ctx + ": dtype", &out->dtype));
  NNP_RETURN_IF_ERROR(need(obj, "shape", ctx, &j));
  return asShape(*j, ctx + ": shape", &out->shape);
}

Status JsonFields::floatList(const Json& list, const std::string& what,
                             std::vector<float>* out) const {
  for (size_t k = 0; k < list.size(); ++k) {
    float f = 0;
    NNP_RETURN_IF_ERROR(asFloat(list[k], fmt::format("{}[{}]", what, k), &f));
    out->push_back(f);
  }
  return Status::ok();
}

Status JsonFields::intList(const Json& list, const std::string& what, std::vector<int64_t>* out) {
  for (size_t k = 0; k < list.size(); ++k) {
    int64_t v = 0;
    NNP_RETURN_IF_ERROR(asInt(list[k], fmt::format("{}[{}]", what, k), &v));
    out->push_back(v);
  }
  return Status::ok();
}

Status JsonFields::blobList(const Json& obj, const char* key, const std::string& ctx,
                            std::vector<std::string>* out) const {
  const Json* list = nullptr;
  NNP_RETURN_IF_ERROR(needList(obj, key, ctx, &list));
  for (size_t k = 0; k < list->size(); ++k) {
    out->emplace_back();
    NNP_RETURN_IF_ERROR(
        asBlobBytes((*list)[k], fmt::format("{}: {}[{}]", ctx, key, k), &out->back()));
  }
  return Status::ok();
}

Status JsonFields::nameList(const Json& list, const std::string& what,
                            std::vector<std::string>* out) const {
  for (size_t k = 0; k < list.size(); ++k) {
    out->emplace_back();
    NNP_RETURN_IF_ERROR(asText(list[k], fmt::format("{}[{}]", what, k), &out->back()));
  }
  return Status::ok();
}

}  // namespace nnport::irjson
