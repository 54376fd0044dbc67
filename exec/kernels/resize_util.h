// Sampling plans of the Resize and Upsample kernels: for one axis, which
// input positions (and with which weights) every output position reads.
// The coordinate transformation maps an output index to a fractional input
// coordinate; nearest, linear and cubic turn that into 1, 2 or 4 taps.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

namespace nnport::exec {

struct ResizeOptions {
  std::string mode = "nearest";                    // nearest, linear, cubic
  std::string transform = "half_pixel";            // coordinate_transformation_mode
  std::string nearestMode = "round_prefer_floor";  // or "legacy" (Resize-10, Upsample)
  double cubicA = -0.75;
  bool excludeOutside = false;
  double extrapolation = 0.0;
};

// One axis: `in` input positions resized to `out` with `scale` (out/in, or
// the given scale). `length` is the resized length the coordinate formulas
// use: in * scale before flooring when scales are given (as the ONNX
// backend tests expect for align_corners), else out. roi bounds are used
// by tf_crop_and_resize only.
struct AxisResize {
  int64_t in = 1, out = 1;
  double scale = 1.0, length = 1.0, roiStart = 0.0, roiEnd = 1.0;
};

// For output position o: taps input positions index[o*taps + t] with
// weight[o*taps + t]; `outside[o]` marks positions tf_crop_and_resize
// fills with the extrapolation value.
struct AxisTaps {
  int64_t taps = 1;
  std::vector<int64_t> index;
  std::vector<double> weight;
  std::vector<uint8_t> outside;
  bool identity = false;  // out == in and o reads exactly position o
};

inline bool isKnownTransform(const std::string& t) {
  return t == "half_pixel" || t == "half_pixel_symmetric" || t == "pytorch_half_pixel" ||
         t == "align_corners" || t == "asymmetric" || t == "tf_half_pixel_for_nn" ||
         t == "tf_crop_and_resize";
}

inline bool isKnownNearestMode(const std::string& m) {
  return m == "round_prefer_floor" || m == "round_prefer_ceil" || m == "floor" || m == "ceil" ||
         m == "legacy";
}

// The input coordinate output index x samples.
inline double originalCoordinate(const std::string& t, const AxisResize& a, int64_t x) {
  const double xr = static_cast<double>(x), in = static_cast<double>(a.in);
  const double out = a.length;
  if (t == "half_pixel") return (xr + 0.5) / a.scale - 0.5;
  if (t == "half_pixel_symmetric") {
    const double adjustment = static_cast<double>(a.out) / (a.scale * in);
    const double center = in / 2;
    return center * (1 - adjustment) + (xr + 0.5) / a.scale - 0.5;
  }
  if (t == "pytorch_half_pixel") return out > 1 ? (xr + 0.5) / a.scale - 0.5 : 0.0;
  if (t == "align_corners") return out > 1 ? xr * (in - 1) / (out - 1) : 0.0;
  if (t == "tf_half_pixel_for_nn") return (xr + 0.5) / a.scale;
  if (t == "tf_crop_and_resize") {
    if (out > 1) return a.roiStart * (in - 1) + xr * (a.roiEnd - a.roiStart) * (in - 1) / (out - 1);
    return 0.5 * (a.roiStart + a.roiEnd) * (in - 1);
  }
  return xr / a.scale;  // asymmetric
}

// The nearest input index for coordinate c. "legacy" is Resize-10 and
// Upsample: floor, or ceil when the axis is downsampled.
inline int64_t nearestIndex(const std::string& mode, double c, bool downsampling) {
  const double f = std::floor(c);
  if (c == f) return static_cast<int64_t>(f);
  const bool half = c - f == 0.5;
  double r;
  if (mode == "floor")
    r = f;
  else if (mode == "ceil")
    r = f + 1;
  else if (mode == "legacy")
    r = downsampling ? f + 1 : f;
  else if (half)
    r = mode == "round_prefer_ceil" ? f + 1 : f;
  else
    r = std::round(c);
  return static_cast<int64_t>(r);
}

// Keys' cubic convolution weights for the taps at floor-1 .. floor+2 of a
// coordinate whose fractional part is t.
inline void cubicWeights(double a, double t, double* w) {
  const double d[4] = {t + 1, t, 1 - t, 2 - t};
  for (int k = 0; k < 4; ++k) {
    const double x = d[k];
    w[k] = x <= 1 ? ((a + 2) * x - (a + 3)) * x * x + 1 : ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  }
}

// The sampling plan of one axis. Taps outside [0, in) read the edge value,
// or get weight 0 with the rest renormalized (exclude_outside).
inline AxisTaps planAxis(const ResizeOptions& o, const AxisResize& a) {
  AxisTaps p;
  p.taps = o.mode == "nearest" ? 1 : o.mode == "linear" ? 2 : 4;
  const auto n = static_cast<size_t>(a.out * p.taps);
  p.index.assign(n, 0);
  p.weight.assign(n, 0.0);
  p.outside.assign(static_cast<size_t>(a.out), 0);
  p.identity = a.in == a.out;
  const bool crop = o.transform == "tf_crop_and_resize";
  for (int64_t x = 0; x < a.out; ++x) {
    const double c = originalCoordinate(o.transform, a, x);
    if (crop && (c < 0 || c > static_cast<double>(a.in - 1))) p.outside[x] = 1;
    int64_t* idx = &p.index[static_cast<size_t>(x * p.taps)];
    double* w = &p.weight[static_cast<size_t>(x * p.taps)];
    const double f = std::floor(c);
    if (p.taps == 1) {
      idx[0] = nearestIndex(o.nearestMode, c, a.scale < 1);
      w[0] = 1;
    } else if (p.taps == 2) {
      idx[0] = static_cast<int64_t>(f);
      idx[1] = idx[0] + 1;
      w[1] = c - f;
      w[0] = 1 - w[1];
    } else {
      for (int k = 0; k < 4; ++k) idx[k] = static_cast<int64_t>(f) - 1 + k;
      cubicWeights(o.cubicA, c - f, w);
    }
    double sum = 0;
    for (int64_t t = 0; t < p.taps; ++t) {
      const bool out = idx[t] < 0 || idx[t] >= a.in;
      if (out && o.excludeOutside) w[t] = 0;
      idx[t] = std::clamp<int64_t>(idx[t], 0, a.in - 1);
      sum += w[t];
    }
    if (o.excludeOutside && sum != 0)
      for (int64_t t = 0; t < p.taps; ++t) w[t] /= sum;
    for (int64_t t = 0; t < p.taps; ++t)
      if (w[t] != 0 && !(idx[t] == x && w[t] == 1)) p.identity = false;
    if (p.outside[x]) p.identity = false;
  }
  return p;
}

}  // namespace nnport::exec
