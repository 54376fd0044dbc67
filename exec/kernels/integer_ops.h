// Integer convolution and matrix product, shared by ConvInteger /
// MatMulInteger and the QLinear kernels: uint8/int8 operands minus their
// zero points, products accumulated in int32. Implemented in conv.cpp and
// matmul.cpp.
#pragma once

#include "exec/kernel.h"

namespace nnport::exec {

// conv(X - x_zero_point, W - w_zero_point) as an int32 [N, M, out...]
// tensor; the node's group/strides/pads/dilations/auto_pad apply. The x
// zero point is per tensor, the w zero point per tensor or per output
// channel.
Expected<RtTensor> integerConv(KernelContext& ctx, const RtTensor& x, const RtTensor* xZero,
                               const RtTensor& w, const RtTensor* wZero);

// matmul(A - a_zero_point, B - b_zero_point) as an int32 tensor with
// numpy matmul broadcasting; zero points per tensor, per row of A, per
// column of B.
Expected<RtTensor> integerMatMul(KernelContext& ctx, const RtTensor& a, const RtTensor* aZero,
                                 const RtTensor& b, const RtTensor* bZero);

}  // namespace nnport::exec
