// Relu and Relu6 fused into the quantized op before it, where the scheme
// allows: when a quantized Conv, ConvTranspose, Gemm or MatMul feeds only a
// Relu (or a Clip with min 0 and a max the output's grid does not pass)
// whose output is quantized with the zero point at the bottom of its grid
// (an asymmetric scheme: the range starts at 0), saturation already does
// what the activation does, so the Q/DQ pair between the two is dropped:
//   DQ -> Conv -> Q -> DQ -> Relu -> Q   becomes   DQ -> Conv -> Relu -> Q
// which ONNX Runtime and TensorRT run as one integer op with one rounding
// (and the QOperator rewrite turns into one QLinearConv). Above all, the
// op's output is quantized on the activation's narrow grid instead of its
// own wide one (a Relu6 after a Conv with outputs in [-30, 20]). With a
// symmetric scheme the pair stays: the activation there is not on the grid.
#pragma once

#include <string>
#include <vector>

#include "ir/graph.h"

namespace nnport::quant {

// The QuantizeLinear reading `v` as its only use, or nullptr.
Node* soleQuantizer(const Value* v);
// The Relu or Clip that is `v`'s only use and that its output's only
// reader, a QuantizeLinear, implements by saturation; or nullptr.
Node* activationOnGrid(const Value* v);

// Drops the pairs as above; returns the fused producers' output names.
std::vector<std::string> fuseActivations(Graph& g);

}  // namespace nnport::quant
