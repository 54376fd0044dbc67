// Node attributes. Known ops read them through their schema (typed, with
// defaults); the generic form below also carries unknown and custom ops'
// attributes through untouched, including subgraphs and type protos, which
// are kept as serialized bytes of the source format.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/tensor.h"

namespace nnport {

enum class AttrKind : uint8_t {
  Undefined,
  Float,
  Int,
  String,
  Tensor,
  Graph,
  Floats,
  Ints,
  Strings,
  Tensors,
  Graphs,
  SparseTensor,
  SparseTensors,
  TypeProto,
  TypeProtos,
};

const char* attrKindName(AttrKind k);

struct Attribute {
  std::string name;
  AttrKind kind = AttrKind::Undefined;
  float f = 0.f;
  int64_t i = 0;
  std::string s;
  std::vector<float> floats;
  std::vector<int64_t> ints;
  std::vector<std::string> strings;
  std::vector<TensorPtr> tensors;  // Tensor (one) or Tensors
  // Graph(s), SparseTensor(s), TypeProto(s): serialized ONNX messages, kept
  // verbatim so they round-trip losslessly.
  std::vector<std::string> opaque;
  std::string docString;
  std::string refAttrName;  // ONNX function attribute references

  static Attribute ofInt(std::string n, int64_t v);
  static Attribute ofFloat(std::string n, float v);
  static Attribute ofString(std::string n, std::string v);
  static Attribute ofInts(std::string n, std::vector<int64_t> v);
  static Attribute ofFloats(std::string n, std::vector<float> v);
  static Attribute ofTensor(std::string n, TensorPtr t);

  bool operator==(const Attribute& o) const;
  bool operator!=(const Attribute& o) const { return !(*this == o); }
};

// Ordered list of attributes (order is kept for lossless re-export).
class AttributeMap {
 public:
  const Attribute* find(const std::string& name) const;
  Attribute* find(const std::string& name);
  void set(Attribute a);  // replaces an attribute of the same name
  bool erase(const std::string& name);
  const std::vector<Attribute>& all() const { return attrs_; }
  size_t size() const { return attrs_.size(); }
  bool empty() const { return attrs_.empty(); }

  std::optional<int64_t> getInt(const std::string& n) const;
  std::optional<float> getFloat(const std::string& n) const;
  std::optional<std::string> getString(const std::string& n) const;
  std::optional<std::vector<int64_t>> getInts(const std::string& n) const;
  std::optional<std::vector<float>> getFloats(const std::string& n) const;
  TensorPtr getTensor(const std::string& n) const;

  bool operator==(const AttributeMap& o) const { return attrs_ == o.attrs_; }

 private:
  std::vector<Attribute> attrs_;
};

}  // namespace nnport
