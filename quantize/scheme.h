// Quantization schemes: how a real range [rmin, rmax] maps to an 8-bit grid
// (scale and zero point), and the presets that deployment targets need.
//   q = saturate(round_half_even(x / scale) + zero_point)
//   x ~ (q - zero_point) * scale
// The range is widened to contain 0, so 0 is exact (padding, ReLU).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ir/dtype.h"
#include "support/status.h"

namespace nnport::quant {

enum class QType { Int8, UInt8 };

struct TensorScheme {
  QType type = QType::Int8;
  bool symmetric = false;
  bool reduceRange = false;  // 7 bits (U8S8 on x86 without VNNI)
};

struct GridRange {
  int64_t qmin = 0, qmax = 0;
};
// The integer grid of a scheme: int8 [-128, 127] ([-127, 127] when
// symmetric, so the zero point is 0 and +/- ranges are equal), uint8
// [0, 255]; reduceRange halves them.
GridRange gridOf(const TensorScheme& s);

struct Affine {
  float scale = 1.0f;
  int64_t zeroPoint = 0;
};
// Scale and zero point for [rmin, rmax]. A range of zero width gets scale 1
// so nothing divides by zero downstream.
Affine affineFor(double rmin, double rmax, const TensorScheme& s);

DType storageOf(QType t);
std::string qtypeName(QType t);
std::optional<QType> parseQType(const std::string& s);

// Quantizes / dequantizes one value with an affine map (round half to even).
int64_t quantizeValue(double x, const Affine& a, const GridRange& g);
inline double dequantizeValue(int64_t q, const Affine& a) {
  return static_cast<double>(q - a.zeroPoint) * a.scale;
}

// What the whole model uses: activations per tensor, weights per output
// channel or per tensor.
struct Scheme {
  TensorScheme activation{QType::Int8, false, false};
  TensorScheme weight{QType::Int8, true, false};
  bool perChannel = true;
};

// A deployment target's scheme (docs/quantization.md says why each):
//   tensorrt: int8 symmetric activations, per-channel symmetric int8 weights;
//   ort-cpu:  uint8 asymmetric activations, per-channel symmetric int8
//             weights, reduce-range weights (U8S8 runs on every x86 CPU);
//   k210:     uint8 asymmetric per tensor for both;
//   vip:      uint8 asymmetric affine per tensor for both.
Expected<Scheme> targetScheme(const std::string& target);
std::vector<std::string> targetNames();

}  // namespace nnport::quant
