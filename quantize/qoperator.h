// The QOperator rewrite (`--format qoperator`): on a QDQ graph, a node whose
// op record names an integer form (QuantizationRule::integerOp: QLinearConv,
// QLinearMatMul, com.microsoft's QLinearAdd, ...) and that reads every
// quantized operand through a DequantizeLinear and feeds exactly one
// QuantizeLinear becomes that integer op, reading and writing the quantized
// tensors directly. Nodes that do not fit stay in QDQ form, listed with the
// reason (ONNX Runtime runs the mix). Works on any QDQ model, nnport's own
// or another tool's, so the interpreter can also use it to run QDQ models
// with integer kernels.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "quantize/plan.h"

namespace nnport::quant {

struct QOperatorResult {
  std::map<std::string, size_t> converted;  // integer op -> nodes
  std::vector<FloatNode> kept;              // stayed QDQ, with why
};

Expected<QOperatorResult> toQOperator(Model& m);

}  // namespace nnport::quant
