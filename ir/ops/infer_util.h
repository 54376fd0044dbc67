// Helpers shared by the op families' inference functions.
#pragma once

#include <optional>
#include <vector>

#include "ir/ops/registry.h"

namespace nnport {

// Axis in [-rank, rank) to [0, rank); nullopt when out of range.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

// Numpy-style multidirectional broadcasting of shapes; error names the node.
Expected<Shape> broadcastShapes(const InferenceContext& ctx, const std::vector<const Shape*>& shapes);

// Output 0 has input 0's type (unary elementwise ops).
Status inferSameAsInput0(InferenceContext& ctx);
// Output 0 has the broadcast of all present inputs' shapes; dtype of input 0
// (or `outDType` when not Undefined).
Status inferBroadcast(InferenceContext& ctx, DType outDType = DType::Undefined);

// One dimension of a sliding window op (conv/pool): output size from input,
// kernel, stride, dilation and total padding; symbolic input gives unknown.
Dim windowOutputDim(const Dim& in, int64_t kernel, int64_t stride, int64_t dilation,
                    int64_t padBegin, int64_t padEnd, bool ceilMode);

// Dim arithmetic used in shape propagation: known sizes multiply, anything
// symbolic gives an unknown dim.
Dim mulDims(const Dim& a, const Dim& b);

// Reads a shape value element as a plain Dim (literal >= 0 stays, a named
// symbol stays, anything else becomes unknown).
Dim shapeValueToDim(const Dim& v);

}  // namespace nnport
