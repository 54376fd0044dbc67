// Attribute constructors, comparison and typed lookups.
#include "ir/attribute.h"

#include <cstring>

namespace nnport {

const char* attrKindName(AttrKind k) {
  switch (k) {
    case AttrKind::Undefined:
      return "undefined";
    case AttrKind::Float:
      return "float";
    case AttrKind::Int:
      return "int";
    case AttrKind::String:
      return "string";
    case AttrKind::Tensor:
      return "tensor";
    case AttrKind::Graph:
      return "graph";
    case AttrKind::Floats:
      return "floats";
    case AttrKind::Ints:
      return "ints";
    case AttrKind::Strings:
      return "strings";
    case AttrKind::Tensors:
      return "tensors";
    case AttrKind::Graphs:
      return "graphs";
    case AttrKind::SparseTensor:
      return "sparse_tensor";
    case AttrKind::SparseTensors:
      return "sparse_tensors";
    case AttrKind::TypeProto:
      return "type_proto";
    case AttrKind::TypeProtos:
      return "type_protos";
  }
  return "?";
}

Attribute Attribute::ofInt(std::string n, int64_t v) {
  Attribute a;
  a.name = std::move(n);
  a.kind = AttrKind::Int;
  a.i = v;
  return a;
}
Attribute Attribute::ofFloat(std::string n, float v) {
  Attribute a;
  a.name = std::move(n);
  a.kind = AttrKind::Float;
  a.f = v;
  return a;
}
Attribute Attribute::ofString(std::string n, std::string v) {
  Attribute a;
  a.name = std::move(n);
  a.kind = AttrKind::String;
  a.s = std::move(v);
  return a;
}
Attribute Attribute::ofInts(std::string n, std::vector<int64_t> v) {
  Attribute a;
  a.name = std::move(n);
  a.kind = AttrKind::Ints;
  a.ints = std::move(v);
  return a;
}
Attribute Attribute::ofFloats(std::string n, std::vector<float> v) {
  Attribute a;
  a.name = std::move(n);
  a.kind = AttrKind::Floats;
  a.floats = std::move(v);
  return a;
}
Attribute Attribute::ofTensor(std::string n, TensorPtr t) {
  Attribute a;
  a.name = std::move(n);
  a.kind = AttrKind::Tensor;
  a.tensors.push_back(std::move(t));
  return a;
}

namespace {
bool sameTensor(const TensorPtr& a, const TensorPtr& b) {
  if (a == b) return true;
  if (!a || !b) return false;
  if (a->dtype() != b->dtype() || a->dims() != b->dims() || a->strings() != b->strings())
    return false;
  if (a->byteSize() != b->byteSize()) return false;
  return a->byteSize() == 0 || std::memcmp(a->rawData(), b->rawData(), a->byteSize()) == 0;
}
bool floatsBitEqual(const std::vector<float>& a, const std::vector<float>& b) {
  return a.size() == b.size() &&
         (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}
}  // namespace

bool Attribute::operator==(const Attribute& o) const {
  if (name != o.name || kind != o.kind || i != o.i || s != o.s || ints != o.ints ||
      strings != o.strings || opaque != o.opaque || docString != o.docString ||
      refAttrName != o.refAttrName || tensors.size() != o.tensors.size())
    return false;
  if (std::memcmp(&f, &o.f, sizeof f) != 0 || !floatsBitEqual(floats, o.floats)) return false;
  for (size_t k = 0; k < tensors.size(); ++k)
    if (!sameTensor(tensors[k], o.tensors[k])) return false;
  return true;
}

const Attribute* AttributeMap::find(const std::string& name) const {
  for (const auto& a : attrs_)
    if (a.name == name) return &a;
  return nullptr;
}
Attribute* AttributeMap::find(const std::string& name) {
  for (auto& a : attrs_)
    if (a.name == name) return &a;
  return nullptr;
}
void AttributeMap::set(Attribute a) {
  if (Attribute* old = find(a.name)) {
    *old = std::move(a);
    return;
  }
  attrs_.push_back(std::move(a));
}
bool AttributeMap::erase(const std::string& name) {
  for (auto it = attrs_.begin(); it != attrs_.end(); ++it) {
    if (it->name == name) {
      attrs_.erase(it);
      return true;
    }
  }
  return false;
}

std::optional<int64_t> AttributeMap::getInt(const std::string& n) const {
  const Attribute* a = find(n);
  if (!a || a->kind != AttrKind::Int) return std::nullopt;
  return a->i;
}
std::optional<float> AttributeMap::getFloat(const std::string& n) const {
  const Attribute* a = find(n);
  if (!a || a->kind != AttrKind::Float) return std::nullopt;
  return a->f;
}
std::optional<std::string> AttributeMap::getString(const std::string& n) const {
  const Attribute* a = find(n);
  if (!a || a->kind != AttrKind::String) return std::nullopt;
  return a->s;
}
std::optional<std::vector<int64_t>> AttributeMap::getInts(const std::string& n) const {
  const Attribute* a = find(n);
  if (!a || a->kind != AttrKind::Ints) return std::nullopt;
  return a->ints;
}
std::optional<std::vector<float>> AttributeMap::getFloats(const std::string& n) const {
  const Attribute* a = find(n);
  if (!a || a->kind != AttrKind::Floats) return std::nullopt;
  return a->floats;
}
TensorPtr AttributeMap::getTensor(const std::string& n) const {
  const Attribute* a = find(n);
  if (!a || a->kind != AttrKind::Tensor || a->tensors.empty()) return nullptr;
  return a->tensors[0];
}

}  // namespace nnport
