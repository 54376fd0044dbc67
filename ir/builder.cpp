// Constants and nodes for parsers and passes.
#include "ir/builder.h"

namespace nnport {

TensorPtr floatTensor(std::vector<int64_t> dims, const std::vector<float>& v) {
  return std::make_shared<const Tensor>(Tensor::fromVector(DType::Float32, std::move(dims), v));
}

TensorPtr int64Tensor(std::vector<int64_t> dims, const std::vector<int64_t>& v) {
  return std::make_shared<const Tensor>(Tensor::fromVector(DType::Int64, std::move(dims), v));
}

TensorPtr realTensor(DType dtype, std::vector<int64_t> dims, const std::vector<double>& v) {
  if (dtype == DType::Float64)
    return std::make_shared<const Tensor>(Tensor::fromVector(DType::Float64, std::move(dims), v));
  return floatTensor(std::move(dims), std::vector<float>(v.begin(), v.end()));
}

TensorPtr scalarFloat(float v) {
  return floatTensor({}, {v});
}

TensorPtr int64Vector(const std::vector<int64_t>& v) {
  return int64Tensor({static_cast<int64_t>(v.size())}, v);
}

Value* uniqueConstant(Graph& g, const std::string& base, TensorPtr t) {
  return g.addInitializer(g.uniqueName(base), std::move(t));
}

Node* addNodeWith(Graph& g, const std::string& op, const std::vector<Value*>& inputs,
                  const std::vector<std::string>& outputs, const std::string& name,
                  std::vector<Attribute> attrs) {
  Node* n = g.addNode(op, "", inputs, outputs, name);
  for (Attribute& a : attrs) n->attrs.set(std::move(a));
  return n;
}

}  // namespace nnport
