// The QDQ rewrite: every tensor a quantized node reads or writes gets one
// QuantizeLinear -> DequantizeLinear pair right after its producer, and every
// reader takes the DequantizeLinear output (the form ONNX Runtime and
// TensorRT turn into integer kernels); constant weights are stored
// quantized and feed one DequantizeLinear; biases are int32. Graph outputs
// keep their names. The quantized tensors carry their QuantParams.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "quantize/calibrate.h"
#include "quantize/plan.h"

namespace nnport::quant {

struct TensorReport {
  std::string name;
  QType type = QType::Int8;
  Affine affine;
  RealRange range;  // the calibrated range quantized over
  double observedMin = 0, observedMax = 0;
  std::optional<double> clipped;  // fraction outside the range (histograms only)
};

struct QuantizeResult {
  std::vector<TensorReport> tensors;
  std::vector<std::string> nodes;    // quantized, by name
  std::vector<std::string> outputs;  // their outputs' names in the float model
  std::vector<FloatNode> kept;       // stayed float
  size_t weights = 0;
  std::vector<std::string> notes;  // decisions taken (per-tensor fallback, ...)
};

Expected<QuantizeResult> insertQdq(Model& m, const QuantPlan& plan, const Calibration& cal,
                                   const QuantizeOptions& o);

}  // namespace nnport::quant
