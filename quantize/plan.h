// Which nodes the quantizer quantizes and which tensors it must observe.
// A node is quantized when its op record has a quantization rule
// (ir/ops/registry.h), it is in the default domain, it is not excluded, and
// its activation inputs and output are float32. Everything else stays float
// and is listed with the reason; nothing is dropped.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/ops/registry.h"
#include "quantize/range_methods.h"
#include "quantize/scheme.h"

namespace nnport::quant {

struct QuantizeOptions {
  Scheme scheme;
  CalibMethod method = CalibMethod::MinMax;
  double percentile = 99.999;
  std::vector<std::string> exclude;  // node names or op types, kept float
};

struct FloatNode {
  std::string node, op, reason;
};

// One operand of a quantized node and how it is quantized.
enum class OperandRole { Activation, Weight, Bias, Constant };
struct PlannedOperand {
  size_t index = 0;
  OperandRole role = OperandRole::Activation;
};

struct PlannedNode {
  Node* node = nullptr;
  std::vector<PlannedOperand> operands;
};

struct QuantPlan {
  std::vector<PlannedNode> nodes;  // in graph order
  std::set<std::string> tensors;   // activations to observe: operands and outputs
  std::vector<FloatNode> kept;     // nodes that stay float, with why
};

Expected<QuantPlan> planQuantization(const Model& m, const QuantizeOptions& o);

// Whether the model already holds quantized ops (Q/DQ, QLinear*, *Integer).
bool isQuantized(const Graph& g);

}  // namespace nnport::quant
