// Decoding of the IR file's tensor and attribute objects (internal to the IR
// reader): a tensor's dtype, dims and blob (checked against the .bin, whose
// bytes it then shares), and an attribute's kind and fields, any tensors in
// it included.
#pragma once

#include <string>

#include "ir/attribute.h"
#include "ir/serialize/ir_json_fields.h"
#include "ir/tensor.h"
#include "support/status.h"

namespace nnport::irjson {

class TensorAttrReader : protected JsonFields {
 public:
  explicit TensorAttrReader(const BinView& bin) : JsonFields(bin) {}

  Expected<TensorPtr> readTensor(const Json& j, const std::string& ctx) const;
  // `where` names the node the attribute belongs to.
  Expected<Attribute> readAttribute(const Json& j, const std::string& where) const;
};

}  // namespace nnport::irjson
