// The quantization options shared by `nnport quantize` and `nnport convert
// --calib` (the same spellings on both), and their translation into the
// library's QuantizeSpec.
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "lib/quantize.h"

namespace nnport::cli {

struct QuantizeArgs {
  std::string calib, target, scheme, activationType, weightType, method = "minmax", format = "qdq";
  std::string report, cacheDir;
  double percentile = 99.999;
  size_t calibCount = 0, compareSamples = 4;
  bool perChannel = false, perTensor = false, reduceRange = false, quiet = false;
  std::vector<std::string> exclude;
};

void addQuantizeOptions(CLI::App* c, QuantizeArgs& a);
// nullopt when --calib is not given.
Expected<std::optional<QuantizeSpec>> quantizeSpecOf(const QuantizeArgs& a);
// The stderr summary after a quantization: kept-float nodes and worst layers.
void printQuantizeSummary(const QuantizeOutcome& o, bool quiet);

}  // namespace nnport::cli
