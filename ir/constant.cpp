// Constant operands: initializers and Constant nodes' values.
#include "ir/constant.h"

namespace nnport {

namespace {

// A Constant node's value as a tensor (the scalar and list forms made one).
TensorPtr constantNodeValue(const Node& c) {
  if (TensorPtr t = c.attrs.getTensor("value")) return t;
  auto make = [](DType d, std::vector<int64_t> dims, const auto& v) {
    return std::make_shared<const Tensor>(Tensor::fromVector(d, std::move(dims), v));
  };
  if (auto ints = c.attrs.getInts("value_ints"))
    return make(DType::Int64, {static_cast<int64_t>(ints->size())}, *ints);
  if (auto i = c.attrs.getInt("value_int")) return make(DType::Int64, {}, std::vector<int64_t>{*i});
  if (auto fs = c.attrs.getFloats("value_floats"))
    return make(DType::Float32, {static_cast<int64_t>(fs->size())}, *fs);
  if (auto f = c.attrs.getFloat("value_float"))
    return make(DType::Float32, {}, std::vector<float>{*f});
  return nullptr;
}

}  // namespace

TensorPtr constantTensor(const Value* v) {
  if (!v) return nullptr;
  TensorPtr t = v->initializer();
  const Node* p = v->producer();
  const bool constantNode =
      p && p->opType() == "Constant" && (p->domain().empty() || p->domain() == "ai.onnx");
  if (!t && constantNode) t = constantNodeValue(*p);
  if (!t || !t->validate().isOk() || (t->numElements() > 0 && !t->rawData())) return nullptr;
  return t;
}

std::optional<std::vector<int64_t>> constantInts(const Value* v) {
  TensorPtr t = constantTensor(v);
  if (!t || !isInteger(t->dtype())) return std::nullopt;
  return t->toInt64Vector();
}

}  // namespace nnport
