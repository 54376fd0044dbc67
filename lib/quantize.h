// Post-training quantization as a library step (what `nnport quantize` and
// `nnport convert --calib` run): calibrate the float model on a data
// directory, rewrite it to QDQ, score the layers against the float model,
// and write the report.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "quantize/layer_compare.h"
#include "quantize/qdq.h"
#include "quantize/qoperator.h"

namespace nnport {

struct QuantizeSpec {
  std::string calib;  // a directory (lib/calib_data.h)
  quant::QuantizeOptions options;
  size_t calibCount = 0;       // 0: every sample
  size_t compareSamples = 4;   // samples the per-layer scores run on
  std::string format = "qdq";  // or "qoperator"
  std::string reportPath;      // JSON; empty: none
  std::string cacheDir;        // --calib-cache (lib/calib_cache.h); empty: none
  std::function<void(size_t done, size_t total)> progress;
};

struct QuantizeOutcome {
  quant::QuantizeResult result;
  std::vector<quant::LayerScore> layers;  // worst first
  quant::QOperatorResult qoperator;       // --format qoperator
  size_t samples = 0;
  double calibrationMs = 0;  // the forward passes (or reading the cache)
  std::string cacheFile;     // the cache entry used or written
  bool fromCache = false;
};

// Quantizes `m` in place (a float model; one already quantized is an error).
Expected<QuantizeOutcome> quantizeInPlace(Model& m, const QuantizeSpec& spec);

// The Q/DQ patterns of a quantized model become integer ops in memory (the
// QOperator rewrite), so the interpreter runs them on integer kernels as
// ONNX Runtime does when it creates a session. A float model is unchanged.
Expected<quant::QOperatorResult> prepareIntegerExecution(Model& m);

// The report as JSON text, and a readable table of the worst layers.
std::string quantizeReportJson(const QuantizeOutcome& o, const QuantizeSpec& spec);
std::string quantizeReportTable(const QuantizeOutcome& o, size_t rows);

}  // namespace nnport
