#include "quantize/range_methods.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace nnport::quant {

std::optional<CalibMethod> parseCalibMethod(const std::string& s) {
  if (s == "minmax") return CalibMethod::MinMax;
  if (s == "ema") return CalibMethod::Ema;
  if (s == "percentile") return CalibMethod::Percentile;
  if (s == "entropy") return CalibMethod::Entropy;
  if (s == "mse") return CalibMethod::Mse;
  return std::nullopt;
}

std::string methodName(CalibMethod m) {
  switch (m) {
    case CalibMethod::MinMax:
      return "minmax";
    case CalibMethod::Ema:
      return "ema";
    case CalibMethod::Percentile:
      return "percentile";
    case CalibMethod::Entropy:
      return "entropy";
    case CalibMethod::Mse:
      return "mse";
  }
  return "?";
}

bool needsHistogram(CalibMethod m) {
  return m == CalibMethod::Percentile || m == CalibMethod::Entropy || m == CalibMethod::Mse;
}

namespace {

// The histogram of |x|: bin i < 0 covers [i*w, (i+1)*w), whose magnitudes
// are those of |x|-bin -i-1, so folding is exact.
std::vector<double> foldedAbs(const Histogram& h) {
  std::vector<double> out;
  for (size_t k = 0; k < h.counts().size(); ++k) {
    const int64_t i = h.firstBin() + static_cast<int64_t>(k);
    const auto j = static_cast<size_t>(i >= 0 ? i : -i - 1);
    if (out.size() <= j) out.resize(j + 1, 0.0);
    out[j] += static_cast<double>(h.counts()[k]);
  }
  return out;
}

double absMax(const TensorStats& st) {
  return std::max(std::fabs(static_cast<double>(st.min)), std::fabs(static_cast<double>(st.max)));
}

// The upper edge of the first bin where the cumulative count reaches
// `fraction` of the total.
double upperEdgeAt(const std::vector<double>& bins, double fraction, double width) {
  double total = 0;
  for (double c : bins) total += c;
  double seen = 0;
  for (size_t i = 0; i < bins.size(); ++i) {
    seen += bins[i];
    if (seen >= fraction * total) return static_cast<double>(i + 1) * width;
  }
  return static_cast<double>(bins.size()) * width;
}

RealRange percentileRange(const TensorStats& st, double p, bool symmetric) {
  const Histogram& h = st.hist;
  if (h.empty()) return {st.min, st.max};
  if (symmetric) {
    const double t = std::min(upperEdgeAt(foldedAbs(h), p / 100.0, h.width()), absMax(st));
    return {-t, t};
  }
  const double cut = (100.0 - p) / 200.0;
  std::vector<double> bins(h.counts().begin(), h.counts().end());
  const double origin = static_cast<double>(h.firstBin()) * h.width();
  const double hi = origin + upperEdgeAt(bins, 1.0 - cut, h.width());
  std::reverse(bins.begin(), bins.end());
  const double top = origin + static_cast<double>(bins.size()) * h.width();
  const double lo = top - upperEdgeAt(bins, 1.0 - cut, h.width());
  return {std::max<double>(lo, st.min), std::min<double>(hi, st.max)};
}

// KL(P || Q) of two unnormalized distributions over the same bins.
double divergence(const std::vector<double>& p, const std::vector<double>& q) {
  double sp = 0, sq = 0;
  for (size_t i = 0; i < p.size(); ++i) sp += p[i], sq += q[i];
  if (sp <= 0 || sq <= 0) return std::numeric_limits<double>::infinity();
  double kl = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] <= 0) continue;
    const double pi = p[i] / sp;
    const double qi = std::max(q[i] / sq, 1e-12);
    kl += pi * std::log(pi / qi);
  }
  return kl;
}

// P: bins [0, n) with the rest folded into the last; Q: the same bins
// merged into `levels` groups, each group's mass spread over its non-empty
// bins.
double thresholdDivergence(const std::vector<double>& abs, size_t n, size_t levels) {
  std::vector<double> p(abs.begin(), abs.begin() + static_cast<std::ptrdiff_t>(n));
  for (size_t i = n; i < abs.size(); ++i) p[n - 1] += abs[i];
  std::vector<double> q(n, 0.0);
  for (size_t g = 0; g < levels; ++g) {
    const size_t b = g * n / levels, e = (g + 1) * n / levels;
    double mass = 0;
    size_t nonEmpty = 0;
    for (size_t i = b; i < e; ++i) mass += abs[i], nonEmpty += abs[i] > 0 ? 1 : 0;
    for (size_t i = b; i < e; ++i)
      if (abs[i] > 0) q[i] = mass / static_cast<double>(nonEmpty);
  }
  return divergence(p, q);
}

RealRange entropyRange(const TensorStats& st) {
  constexpr size_t kLevels = 128;
  const Histogram& h = st.hist;
  if (h.empty()) return {st.min, st.max};
  std::vector<double> abs = foldedAbs(h);
  if (abs.size() <= kLevels) return {st.min, st.max};
  // Exact zeros (a ReLU's output is mostly zeros) are exact after
  // quantization; left in, their spike would make every wide threshold
  // look bad.
  abs[0] = std::max(0.0, abs[0] - static_cast<double>(st.zeros));
  size_t best = abs.size();
  double bestKl = std::numeric_limits<double>::infinity();
  // At most ~512 candidate thresholds: each costs a pass over the bins.
  const size_t stride = std::max<size_t>(1, (abs.size() - kLevels) / 512);
  for (size_t n = kLevels; n <= abs.size(); n += stride) {
    const double kl = thresholdDivergence(abs, n, kLevels);
    if (kl < bestKl) bestKl = kl, best = n;
  }
  const double t = std::min(static_cast<double>(best) * h.width(), absMax(st));
  return {std::max<double>(-t, st.min), std::min<double>(t, st.max)};
}

// The histogram's squared quantization error for the range [lo, hi].
double histogramError(const Histogram& h, double lo, double hi, const TensorScheme& s) {
  const Affine a = affineFor(lo, hi, s);
  const GridRange g = gridOf(s);
  double err = 0;
  for (size_t k = 0; k < h.counts().size(); ++k) {
    if (h.counts()[k] == 0) continue;
    const double c =
        (static_cast<double>(h.firstBin() + static_cast<int64_t>(k)) + 0.5) * h.width();
    const double d = c - dequantizeValue(quantizeValue(c, a, g), a);
    err += static_cast<double>(h.counts()[k]) * d * d;
  }
  return err;
}

RealRange mseRange(const TensorStats& st, const TensorScheme& s) {
  if (st.hist.empty()) return {st.min, st.max};
  RealRange best{st.min, st.max};
  double bestErr = std::numeric_limits<double>::infinity();
  for (int k = 100; k >= 1; --k) {
    const double f = k / 100.0;
    const RealRange r = s.symmetric ? RealRange{-f * absMax(st), f * absMax(st)}
                                    : RealRange{f * st.min, f * st.max};
    const double e = histogramError(st.hist, r.min, r.max, s);
    if (e < bestErr) bestErr = e, best = r;
  }
  return best;
}

}  // namespace

RealRange chooseRange(const TensorStats& st, CalibMethod m, double percentile,
                      const TensorScheme& s) {
  switch (m) {
    case CalibMethod::MinMax:
      return {st.min, st.max};
    case CalibMethod::Ema:
      return {st.emaMin, st.emaMax};
    case CalibMethod::Percentile:
      return percentileRange(st, percentile, s.symmetric);
    case CalibMethod::Entropy:
      return entropyRange(st);
    case CalibMethod::Mse:
      return mseRange(st, s);
  }
  return {st.min, st.max};
}

std::optional<double> clippedFraction(const TensorStats& st, const RealRange& r) {
  const Histogram& h = st.hist;
  if (h.empty()) return std::nullopt;
  double out = 0, total = 0;
  for (size_t k = 0; k < h.counts().size(); ++k) {
    const double lo = static_cast<double>(h.firstBin() + static_cast<int64_t>(k)) * h.width();
    const double c = static_cast<double>(h.counts()[k]);
    total += c;
    // A bin counts as clipped when it lies wholly outside the range.
    if (lo + h.width() <= r.min || lo > r.max) out += c;
  }
  return total > 0 ? out / total : 0.0;
}

}  // namespace nnport::quant
