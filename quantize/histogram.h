// Streaming statistics of one tensor over the calibration samples: range,
// moving-average range and a histogram, in memory that does not grow with
// the number of samples.
//
// The histogram's bins lie on a grid anchored at 0: bin i counts values in
// [i*width, (i+1)*width). When a sample reaches outside the bins held, the
// window grows; past kMaxBins the width doubles and neighbouring bins merge
// (i -> floor(i/2)), which is exact, so the result does not depend on how
// the samples were batched, only on their values and order of first range.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace nnport::quant {

class Histogram {
 public:
  static constexpr int64_t kMaxBins = 2048;

  // lo/hi: the finite min/max of x; allFinite: x holds no NaN or infinity.
  void add(const float* x, size_t n, float lo, float hi, bool allFinite = false);
  bool empty() const { return counts_.empty(); }
  double width() const { return width_; }
  int64_t firstBin() const { return first_; }
  const std::vector<uint64_t>& counts() const { return counts_; }
  uint64_t total() const;
  // Restores a histogram (the calibration cache).
  void assign(double width, int64_t first, std::vector<uint64_t> counts);

 private:
  void cover(int64_t lo, int64_t hi);  // make bins lo..hi present
  void coarsen();
  int64_t binOf(float v) const;
  double width_ = 0;
  int64_t first_ = 0;
  std::vector<uint64_t> counts_;
};

// Moving-average range constant (ONNX Runtime's default, 0.01).
constexpr double kEmaConstant = 0.01;

struct TensorStats {
  float min = 0, max = 0;         // over everything seen (finite values)
  double emaMin = 0, emaMax = 0;  // per-sample ranges, averaged
  uint64_t samples = 0, values = 0, nonFinite = 0;
  uint64_t zeros = 0;  // exact zeros (ReLU outputs, padding): exact in every scheme
  Histogram hist;      // kept when the method needs it

  void add(const float* x, size_t n, bool withHistogram);
};

}  // namespace nnport::quant
