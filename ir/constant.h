// Reading constant operands, one definition for every layer: a value is a
// constant when it is an initializer or the output of an ai.onnx Constant
// node (as torch and TensorFlow exports write shapes, pads and axes).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "ir/graph.h"

namespace nnport {

// The tensor `v` holds as a constant: its initializer, or its Constant
// node's value (`value`, `value_int(s)`, `value_float(s)`), with bytes that
// match its dims; nullptr for anything else.
TensorPtr constantTensor(const Value* v);

// The integers of an integer-typed constant, widened to int64 (empty for an
// empty tensor); nullopt when `v` is not one.
std::optional<std::vector<int64_t>> constantInts(const Value* v);

}  // namespace nnport
