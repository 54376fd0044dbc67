// Relu fused into the quantized op before it, where the scheme allows: when
// a quantized Conv, ConvTranspose, Gemm or MatMul feeds only a Relu whose
// output is quantized with the zero point at the bottom of its grid (an
// asymmetric scheme: the range starts at 0), saturation already does what
// the Relu does, so the Q/DQ pair between the two is dropped:
//   DQ -> Conv -> Q -> DQ -> Relu -> Q   becomes   DQ -> Conv -> Relu -> Q
// which ONNX Runtime and TensorRT run as one integer op with one rounding
// (and the QOperator rewrite turns into one QLinearConv). With a symmetric
// scheme the pair stays: a Relu there is not on the grid.
#pragma once

#include <string>
#include <vector>

#include "ir/graph.h"

namespace nnport::quant {

// The QuantizeLinear reading `v` as its only use, or nullptr.
Node* soleQuantizer(const Value* v);
// The Relu that is `v`'s only use, with its output read only by a
// QuantizeLinear whose zero point is the lowest value of its type, or nullptr.
Node* reluOnGrid(const Value* v);

// Drops the pairs as above; returns the fused producers' output names.
std::vector<std::string> fuseRelus(Graph& g);

}  // namespace nnport::quant
