#include "quantize/histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nnport::quant {

uint64_t Histogram::total() const {
  uint64_t t = 0;
  for (uint64_t c : counts_) t += c;
  return t;
}

void Histogram::assign(double width, int64_t first, std::vector<uint64_t> counts) {
  width_ = width;
  first_ = first;
  counts_ = std::move(counts);
}

int64_t Histogram::binOf(float v) const {
  return static_cast<int64_t>(std::floor(static_cast<double>(v) / width_));
}

void Histogram::coarsen() {
  const int64_t newFirst = first_ >= 0 ? first_ / 2 : -((-first_ + 1) / 2);
  const int64_t last = first_ + static_cast<int64_t>(counts_.size()) - 1;
  const int64_t newLast = last >= 0 ? last / 2 : -((-last + 1) / 2);
  std::vector<uint64_t> merged(static_cast<size_t>(newLast - newFirst + 1), 0);
  for (size_t k = 0; k < counts_.size(); ++k) {
    const int64_t i = first_ + static_cast<int64_t>(k);
    const int64_t j = i >= 0 ? i / 2 : -((-i + 1) / 2);
    merged[static_cast<size_t>(j - newFirst)] += counts_[k];
  }
  counts_ = std::move(merged);
  first_ = newFirst;
  width_ *= 2;
}

void Histogram::cover(int64_t lo, int64_t hi) {
  const int64_t last = first_ + static_cast<int64_t>(counts_.size()) - 1;
  const int64_t newFirst = std::min(first_, lo), newLast = std::max(last, hi);
  if (newFirst == first_ && newLast == last) return;
  std::vector<uint64_t> grown(static_cast<size_t>(newLast - newFirst + 1), 0);
  std::copy(counts_.begin(), counts_.end(), grown.begin() + (first_ - newFirst));
  counts_ = std::move(grown);
  first_ = newFirst;
}

void Histogram::add(const float* x, size_t n, float lo, float hi) {
  if (n == 0 || !(lo <= hi)) return;
  if (counts_.empty()) {
    // Start with the first sample's range in half the bins, leaving room.
    const double span = std::max(
        static_cast<double>(hi) - lo,
        std::max(std::fabs(static_cast<double>(lo)), std::fabs(static_cast<double>(hi))) * 1e-3);
    width_ = span > 0 ? span / static_cast<double>(kMaxBins / 2) : 1e-6;
    first_ = binOf(lo);
    counts_.assign(1, 0);
  }
  while (std::max(binOf(hi), first_ + static_cast<int64_t>(counts_.size()) - 1) -
             std::min(binOf(lo), first_) + 1 >
         kMaxBins)
    coarsen();
  cover(binOf(lo), binOf(hi));
  // Multiplying by the inverse can land one bin off the division at the
  // edges; the clamp keeps such a value in the outermost bin.
  const int64_t last = static_cast<int64_t>(counts_.size()) - 1;
  const double inv = 1.0 / width_;
  for (size_t i = 0; i < n; ++i) {
    const float v = x[i];
    if (!std::isfinite(v)) continue;
    const auto b = static_cast<int64_t>(std::floor(static_cast<double>(v) * inv)) - first_;
    ++counts_[static_cast<size_t>(std::clamp<int64_t>(b, 0, last))];
  }
}

void TensorStats::add(const float* x, size_t n, bool withHistogram) {
  float lo = std::numeric_limits<float>::infinity(), hi = -lo;
  uint64_t bad = 0, zero = 0;
  for (size_t i = 0; i < n; ++i) {
    const float v = x[i];
    if (!std::isfinite(v)) {
      ++bad;
      continue;
    }
    zero += v == 0.0f ? 1 : 0;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  nonFinite += bad;
  zeros += zero;
  values += n;
  if (lo > hi) return;  // nothing finite
  if (samples == 0) {
    min = lo, max = hi, emaMin = lo, emaMax = hi;
  } else {
    min = std::min(min, lo), max = std::max(max, hi);
    emaMin += kEmaConstant * (lo - emaMin);
    emaMax += kEmaConstant * (hi - emaMax);
  }
  ++samples;
  if (withHistogram) hist.add(x, n, lo, hi);
}

}  // namespace nnport::quant
