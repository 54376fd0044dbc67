// Building graphs: constants and nodes as parsers and passes add them, one
// set of helpers so every layer makes them the same way. Naming stays with
// the caller (a parser keeps its source's names; a pass makes unique ones
// with uniqueConstant).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace nnport {

// Tensors from values; the dims' product must equal the value count.
TensorPtr floatTensor(std::vector<int64_t> dims, const std::vector<float>& v);
TensorPtr int64Tensor(std::vector<int64_t> dims, const std::vector<int64_t>& v);
// Values computed in double stored as `dtype`, Float32 or Float64 (folded
// weights keep their model's precision).
TensorPtr realTensor(DType dtype, std::vector<int64_t> dims, const std::vector<double>& v);
TensorPtr scalarFloat(float v);
TensorPtr int64Vector(const std::vector<int64_t>& v);  // 1-D

// A new initializer named `base`, or base_1, base_2, ... when that is taken.
Value* uniqueConstant(Graph& g, const std::string& base, TensorPtr t);

// A node with its attributes (outputs named as Graph::addNode names them).
Node* addNodeWith(Graph& g, const std::string& op, const std::vector<Value*>& inputs,
                  const std::vector<std::string>& outputs, const std::string& name,
                  std::vector<Attribute> attrs);

}  // namespace nnport
