#include "quantize/histogram.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

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

void Histogram::add(const float* x, size_t n, float lo, float hi, bool allFinite) {
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
  // The bins cover [lo, hi], so t stays within [-1, last + 1]; floor(v*inv)
  // - first == floor(t), and truncation equals floor wherever the clamp
  // does not decide (t >= 0), without a call to floor.
  // Bin indices are computed a block at a time (a loop the compiler
  // vectorizes; clamping before truncation gives the same bins), then
  // counted into four interleaved arrays: runs of one bin (the zeros after a
  // Relu) would otherwise chain every increment on the one before.
  const double inv = 1.0 / width_, first = static_cast<double>(first_);
  const double top = static_cast<double>(last);
  const size_t bins = counts_.size();
  constexpr size_t kWays = 4, kBlock = 256;
  constexpr size_t kChunk = size_t{1} << 30;  // keeps the uint32 counts from wrapping
  std::vector<uint32_t> part(kWays * bins);
  uint32_t idx[kBlock];
  for (size_t start = 0; start < n; start += kChunk) {
    const size_t end = std::min(n, start + kChunk);
    for (size_t b0 = start; b0 < end; b0 += kBlock) {
      const size_t m = std::min(kBlock, end - b0);
      for (size_t j = 0; j < m; ++j) {
        double t = static_cast<double>(x[b0 + j]) * inv - first;
        t = t > 0 ? t : 0;  // NaN lands at 0 here and is dropped below
        idx[j] = static_cast<uint32_t>(t < top ? t : top);
      }
      if (allFinite) {
        for (size_t j = 0; j < m; ++j) ++part[(j % kWays) * bins + idx[j]];
      } else {
        for (size_t j = 0; j < m; ++j)
          if (std::isfinite(x[b0 + j])) ++part[(j % kWays) * bins + idx[j]];
      }
    }
    for (size_t w = 0; w < kWays; ++w)
      for (size_t b = 0; b < bins; ++b) counts_[b] += std::exchange(part[w * bins + b], 0u);
  }
}

namespace {

struct Scan {
  float lo, hi;
  uint64_t zeros = 0, nonFinite = 0;
};

// Range and zero count in independent lanes, so the compiler can keep them
// in vector registers (the calibration's hot loop). NaN compares false and
// leaves lo/hi alone; infinities show in lo/hi and send the caller to the
// careful scan.
Scan fastScan(const float* x, size_t n) {
  constexpr size_t kLanes = 16;
  float lo[kLanes], hi[kLanes];
  uint32_t zeros[kLanes] = {}, nans[kLanes] = {};
  std::fill(lo, lo + kLanes, std::numeric_limits<float>::infinity());
  std::fill(hi, hi + kLanes, -std::numeric_limits<float>::infinity());
  Scan s{lo[0], hi[0]};
  size_t i = 0;
  for (; i + kLanes <= n; i += kLanes) {
    for (size_t l = 0; l < kLanes; ++l) {
      const float v = x[i + l];
      lo[l] = v < lo[l] ? v : lo[l];
      hi[l] = v > hi[l] ? v : hi[l];
      zeros[l] += v == 0.0f;
      nans[l] += v != v;
    }
    if ((i / kLanes) % (1u << 20) == (1u << 20) - 1)  // keep the lane counters from wrapping
      for (size_t l = 0; l < kLanes; ++l) {
        s.zeros += std::exchange(zeros[l], 0u);
        s.nonFinite += std::exchange(nans[l], 0u);
      }
  }
  for (; i < n; ++i) {
    const float v = x[i];
    lo[0] = v < lo[0] ? v : lo[0];
    hi[0] = v > hi[0] ? v : hi[0];
    zeros[0] += v == 0.0f;
    nans[0] += v != v;
  }
  for (size_t l = 0; l < kLanes; ++l) {
    s.lo = std::min(s.lo, lo[l]);
    s.hi = std::max(s.hi, hi[l]);
    s.zeros += zeros[l];
    s.nonFinite += nans[l];
  }
  return s;
}

Scan carefulScan(const float* x, size_t n) {
  Scan s{std::numeric_limits<float>::infinity(), -std::numeric_limits<float>::infinity()};
  for (size_t i = 0; i < n; ++i) {
    const float v = x[i];
    if (!std::isfinite(v)) {
      ++s.nonFinite;
      continue;
    }
    s.zeros += v == 0.0f ? 1 : 0;
    s.lo = std::min(s.lo, v);
    s.hi = std::max(s.hi, v);
  }
  return s;
}

}  // namespace

void TensorStats::add(const float* x, size_t n, bool withHistogram) {
  Scan s = fastScan(x, n);
  if (std::isinf(s.lo) || std::isinf(s.hi)) s = carefulScan(x, n);  // infinities, or all NaN
  const float lo = s.lo, hi = s.hi;
  const uint64_t bad = s.nonFinite, zero = s.zeros;
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
  if (withHistogram) hist.add(x, n, lo, hi, bad == 0);
}

}  // namespace nnport::quant
