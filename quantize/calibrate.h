// Calibration: runs the float model through the interpreter on every
// sample and streams the statistics of the chosen tensors
// (quantize/histogram.h) through the executor's observer. No activation is
// kept, so memory does not grow with the number of samples; each sample
// may have its own shape (dynamic dims).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "exec/executor.h"
#include "quantize/histogram.h"

namespace nnport::quant {

using Sample = std::map<std::string, exec::RtTensor>;
// The next sample, nullopt after the last; an error stops calibration.
using SampleSource = std::function<Expected<std::optional<Sample>>()>;

struct CalibrationOptions {
  bool histograms = false;
  size_t maxSamples = 0;  // 0: all the source gives
  exec::ExecOptions exec;
  std::function<void(size_t done)> progress;  // after each sample
};

struct Calibration {
  std::map<std::string, TensorStats> tensors;
  size_t samples = 0;
};

// Observes the float32 tensors named in `names` (graph inputs included).
// An empty source is an error; a tensor no sample reached keeps
// samples == 0 (its node stays float).
Expected<Calibration> calibrate(const Model& m, const std::set<std::string>& names,
                                const SampleSource& next, const CalibrationOptions& o);

}  // namespace nnport::quant
