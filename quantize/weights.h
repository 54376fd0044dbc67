// Quantizing constant tensors: weights per output channel (or per tensor)
// from their own ranges, and biases to int32 with scale
// input_scale x weight_scale[c] and zero point 0.
#pragma once

#include <cstdint>
#include <vector>

#include "ir/tensor.h"
#include "quantize/scheme.h"

namespace nnport::quant {

struct QuantizedTensor {
  TensorPtr data;  // int8 or uint8
  std::vector<float> scales;
  std::vector<int64_t> zeroPoints;
  int64_t axis = -1;  // -1: per tensor
};

// `w` is float32; axis -1 quantizes per tensor.
QuantizedTensor quantizeWeight(const Tensor& w, int64_t axis, const TensorScheme& s);

// An int32 bias; weightScales has one entry (per tensor) or one per channel.
// Values past the int32 range saturate.
TensorPtr quantizeBias(const Tensor& b, float inputScale, const std::vector<float>& weightScales);

// A tensor of `dtype` (Int8, UInt8 or Int32) holding `v`; rank 0 when
// `scalar`, else 1-D.
TensorPtr integerTensor(DType dtype, const std::vector<int64_t>& v, bool scalar);

}  // namespace nnport::quant
