// Calibration methods: the real range a tensor is quantized over, chosen
// from its streamed statistics (quantize/histogram.h).
//   minmax      the observed range;
//   ema         per-sample ranges, moving-averaged (constant 0.01);
//   percentile  cut the tails of the histogram: p% of |x| when symmetric,
//               (100-p)/2 % on each side when asymmetric;
//   entropy     the |x| threshold whose 128-level quantized distribution is
//               closest (Kullback-Leibler) to the histogram's (TensorRT's
//               calibrator);
//   mse         the shrink of the observed range that minimizes the
//               quantization error over the histogram, with the tensor's
//               own scheme.
#pragma once

#include <optional>
#include <string>

#include "quantize/histogram.h"
#include "quantize/scheme.h"

namespace nnport::quant {

enum class CalibMethod { MinMax, Ema, Percentile, Entropy, Mse };

std::optional<CalibMethod> parseCalibMethod(const std::string& s);
std::string methodName(CalibMethod m);
bool needsHistogram(CalibMethod m);

struct RealRange {
  double min = 0, max = 0;
};

RealRange chooseRange(const TensorStats& st, CalibMethod m, double percentile,
                      const TensorScheme& s);

// The fraction of the histogram's values outside [r.min, r.max]; nullopt
// without a histogram.
std::optional<double> clippedFraction(const TensorStats& st, const RealRange& r);

}  // namespace nnport::quant
