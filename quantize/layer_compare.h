// Float-vs-quantized agreement per layer: both models run on the same
// samples, and every quantized node's output in the quantized model (its
// value before its own QuantizeLinear, same name as in the float model) is
// compared with its float twin. Scores accumulate over samples in constant
// memory: SQNR = 10 log10(sum x^2 / sum (x - x')^2), cosine similarity.
#pragma once

#include <string>
#include <vector>

#include "quantize/calibrate.h"

namespace nnport::quant {

struct LayerScore {
  std::string tensor, node, op;
  double sqnrDb = 0, cosine = 0, maxAbsError = 0;
  bool output = false;  // a graph output
};

// `names`: tensor -> producing node (name, op) in the quantized model.
struct CompareTarget {
  std::string tensor, node, op;
};

// Scores of `targets` (worst SQNR first) and of every graph output, over at
// most `count` samples of `next`.
Expected<std::vector<LayerScore>> compareLayers(const Model& floatModel, const Model& quantized,
                                                const std::vector<CompareTarget>& targets,
                                                const SampleSource& next, size_t count);

}  // namespace nnport::quant
