// The IR reader's decoding of tensor and attribute objects: every field is
// type-checked, every blob reference range-checked against the .bin, and a
// tensor's bytes must be exactly what its dtype and dims need.
#include "ir/serialize/ir_json_read_attrs.h"

#include <optional>

namespace nnport::irjson {
namespace {

std::optional<AttrKind> attrKindFromName(const std::string& s) {
  for (int k = 0; k <= static_cast<int>(AttrKind::TypeProtos); ++k)
    if (s == attrKindName(static_cast<AttrKind>(k))) return static_cast<AttrKind>(k);
  return std::nullopt;
}

}  // namespace

Expected<TensorPtr> TensorAttrReader::readTensor(const Json& j, const std::string& ctx) const {
  if (!j.is_object()) return Status::invalid("{}: expected an object", ctx);
  DType dtype = DType::Undefined;
  const Json* f = nullptr;
  NNP_RETURN_IF_ERROR(need(j, "dtype", ctx, &f));
  NNP_RETURN_IF_ERROR(asDType(*f, ctx + ": dtype", &dtype));
  NNP_RETURN_IF_ERROR(needList(j, "dims", ctx, &f));
  std::vector<int64_t> dims;
  for (size_t k = 0; k < f->size(); ++k) {
    uint64_t d = 0;
    NNP_RETURN_IF_ERROR(asSize((*f)[k], fmt::format("{}: dims[{}]", ctx, k), &d));
    dims.push_back(static_cast<int64_t>(d));
  }
  const auto count = checkedElementCount(dims);
  if (!count) return Status::invalid("{}: the element count of the dims overflows", ctx);
  uint64_t offset = 0, nbytes = 0;
  NNP_RETURN_IF_ERROR(need(j, "offset", ctx, &f));
  NNP_RETURN_IF_ERROR(asSize(*f, ctx + ": offset", &offset));
  NNP_RETURN_IF_ERROR(need(j, "nbytes", ctx, &f));
  NNP_RETURN_IF_ERROR(asSize(*f, ctx + ": nbytes", &nbytes));
  BlobRef blob;
  NNP_RETURN_IF_ERROR(checkRange(offset, nbytes, ctx, &blob));
  std::string doc;
  NNP_RETURN_IF_ERROR(optText(j, "doc_string", ctx, &doc));

  std::shared_ptr<Tensor> t;
  if (dtype == DType::String) {
    NNP_RETURN_IF_ERROR(needList(j, "string_sizes", ctx, &f));
    if (static_cast<uint64_t>(*count) != f->size())
      return Status::invalid("{}: {} string sizes for {} elements", ctx, f->size(), *count);
    std::vector<std::string> strings;
    strings.reserve(f->size());
    size_t pos = 0;
    for (size_t k = 0; k < f->size(); ++k) {
      uint64_t size = 0;
      NNP_RETURN_IF_ERROR(asSize((*f)[k], fmt::format("{}: string_sizes[{}]", ctx, k), &size));
      if (size > blob.size - pos)
        return Status::invalid("{}: the strings need more than its {} bytes", ctx, blob.size);
      strings.push_back(blobBytes({blob.offset + pos, static_cast<size_t>(size)}));
      pos += static_cast<size_t>(size);
    }
    if (pos != blob.size)
      return Status::invalid("{}: the strings use {} of its {} bytes", ctx, pos, blob.size);
    t = std::make_shared<Tensor>(Tensor::ofStrings(std::move(dims), std::move(strings)));
  } else {
    if (dtype == DType::Undefined && *count != 0)
      return Status::invalid("{}: a tensor of {} elements has no element type", ctx, *count);
    const auto bits = static_cast<uint64_t>(dtypeBits(dtype));
    if (bits != 0 && static_cast<uint64_t>(*count) > (SIZE_MAX - 7) / bits)
      return Status::invalid("{}: {} elements are too many", ctx, *count);
    const size_t need = dtypeStorageBytes(dtype, *count);
    if (need != blob.size)
      return Status::invalid("{}: holds {} bytes, {} {} elements need {}", ctx, blob.size, *count,
                             dtypeName(dtype), need);
    auto buffer = blob.size ? bin_.slice(blob.offset, blob.size) : makeOwnedBuffer({});
    t = std::make_shared<Tensor>(dtype, std::move(dims), std::move(buffer));
  }
  t->docString = std::move(doc);
  return TensorPtr(std::move(t));
}

Expected<Attribute> TensorAttrReader::readAttribute(const Json& j, const std::string& where) const {
  Attribute a;
  NNP_RETURN_IF_ERROR(reqText(j, "name", where, &a.name));
  if (a.name.empty()) return Status::invalid("{}: an attribute has no name", where);
  const std::string ctx = fmt::format("{}: attribute '{}'", where, a.name);
  std::string kind;
  NNP_RETURN_IF_ERROR(reqText(j, "kind", ctx, &kind));
  auto k = attrKindFromName(kind);
  if (!k) return Status::invalid("{}: unknown attribute kind '{}'", ctx, kind);
  a.kind = *k;
  const Json* f = nullptr;
  // The field of the attribute's kind is required, the others optional.
  auto field = [&](const char* key, bool primary) -> Status {
    f = member(j, key);
    if (!f && primary) return Status::invalid("{}: missing key '{}'", ctx, key);
    return Status::ok();
  };
  const std::string at = ctx + ": ";
  NNP_RETURN_IF_ERROR(field("f", a.kind == AttrKind::Float));
  if (f) NNP_RETURN_IF_ERROR(asFloat(*f, at + "f", &a.f));
  NNP_RETURN_IF_ERROR(field("i", a.kind == AttrKind::Int));
  if (f) NNP_RETURN_IF_ERROR(asInt(*f, at + "i", &a.i));
  NNP_RETURN_IF_ERROR(field("s", a.kind == AttrKind::String));
  if (f) NNP_RETURN_IF_ERROR(asText(*f, at + "s", &a.s));
  const bool tensorKind = a.kind == AttrKind::Tensor || a.kind == AttrKind::Tensors;
  const bool opaqueKind = a.kind == AttrKind::Graph || a.kind == AttrKind::Graphs ||
                          a.kind == AttrKind::SparseTensor || a.kind == AttrKind::SparseTensors ||
                          a.kind == AttrKind::TypeProto || a.kind == AttrKind::TypeProtos;
  const struct {
    const char* key;
    bool primary;
  } lists[] = {{"floats", a.kind == AttrKind::Floats},
               {"ints", a.kind == AttrKind::Ints},
               {"strings", a.kind == AttrKind::Strings},
               {"tensors", tensorKind},
               {"opaque", opaqueKind}};
  for (const auto& l : lists) {
    NNP_RETURN_IF_ERROR(field(l.key, l.primary));
    if (!f) continue;
    const std::string what = at + l.key;
    if (!f->is_array()) return Status::invalid("{}: expected a list", what);
    const std::string key = l.key;
    if (key == "floats") NNP_RETURN_IF_ERROR(floatList(*f, what, &a.floats));
    if (key == "ints") NNP_RETURN_IF_ERROR(intList(*f, what, &a.ints));
    for (size_t n = 0; n < f->size(); ++n) {
      const std::string item = fmt::format("{}[{}]", what, n);
      if (key == "strings") {
        a.strings.emplace_back();
        NNP_RETURN_IF_ERROR(asText((*f)[n], item, &a.strings.back()));
      } else if (key == "tensors") {
        NNP_ASSIGN_OR_RETURN(TensorPtr t, readTensor((*f)[n], item));
        a.tensors.push_back(std::move(t));
      } else if (key == "opaque") {
        a.opaque.emplace_back();
        NNP_RETURN_IF_ERROR(asBlobBytes((*f)[n], item, &a.opaque.back()));
      }
    }
  }
  NNP_RETURN_IF_ERROR(optText(j, "doc_string", ctx, &a.docString));
  NNP_RETURN_IF_ERROR(optText(j, "ref_attr_name", ctx, &a.refAttrName));
  return a;
}

}  // namespace nnport::irjson
