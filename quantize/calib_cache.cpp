#include "quantize/calib_cache.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace nnport::quant {
namespace {

constexpr int kVersion = 1;

nlohmann::json statsJson(const TensorStats& s) {
  nlohmann::json j = {{"min", s.min},
                      {"max", s.max},
                      {"ema_min", s.emaMin},
                      {"ema_max", s.emaMax},
                      {"samples", s.samples},
                      {"values", s.values},
                      {"non_finite", s.nonFinite},
                      {"zeros", s.zeros}};
  if (!s.hist.empty())
    j["histogram"] = {
        {"width", s.hist.width()}, {"first", s.hist.firstBin()}, {"counts", s.hist.counts()}};
  return j;
}

using nlohmann::json;

[[noreturn]] void bad(const std::string& what) {
  throw std::invalid_argument(what);
}

// A finite number within float range (every statistic is a float32 value or
// an average of them).
double real(const json& j, const char* key) {
  const json& v = j.at(key);
  if (!v.is_number()) bad(fmt::format("'{}' is not a number", key));
  const double d = v.get<double>();
  if (!std::isfinite(d) || std::fabs(d) > std::numeric_limits<float>::max())
    bad(fmt::format("'{}' is out of range", key));
  return d;
}

uint64_t count(const json& j, const char* key) {
  const json& v = j.at(key);
  if (!v.is_number_unsigned()) bad(fmt::format("'{}' is not a count", key));
  return v.get<uint64_t>();
}

void readHistogram(const json& h, Histogram& out) {
  const double width = real(h, "width");
  const json& first = h.at("first");
  if (!(width > 0) || !first.is_number_integer() || std::fabs(first.get<double>()) > 0x1p40)
    bad("a histogram has a bad width or first bin");
  std::vector<uint64_t> counts;
  uint64_t total = 0;
  for (const json& c : h.at("counts")) {
    if (!c.is_number_unsigned()) bad("a histogram count is not a count");
    counts.push_back(c.get<uint64_t>());
    total += counts.back();
  }
  if (counts.empty() || counts.size() > Histogram::kMaxBins || total == 0)
    bad("a histogram has no bins, too many, or no values");
  out.assign(width, first.get<int64_t>(), std::move(counts));
}

TensorStats statsOf(const json& j) {
  TensorStats s;
  s.min = static_cast<float>(real(j, "min"));
  s.max = static_cast<float>(real(j, "max"));
  s.emaMin = real(j, "ema_min");
  s.emaMax = real(j, "ema_max");
  s.samples = count(j, "samples");
  s.values = count(j, "values");
  s.nonFinite = count(j, "non_finite");
  s.zeros = count(j, "zeros");
  if (s.samples > 0 && !(s.min <= s.max)) bad("min is above max");
  if (j.contains("histogram")) readHistogram(j.at("histogram"), s.hist);
  return s;
}

}  // namespace

uint64_t fnv1a(const void* data, size_t n, uint64_t h) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::string calibrationToJson(const Calibration& c) {
  nlohmann::json j;
  j["nnport_calibration"] = kVersion;
  j["samples"] = c.samples;
  j["tensors"] = nlohmann::json::object();
  for (const auto& [name, stats] : c.tensors) j["tensors"][name] = statsJson(stats);
  return j.dump() + "\n";
}

Expected<Calibration> calibrationFromJson(const std::string& text) {
  try {
    const auto j = nlohmann::json::parse(text);
    if (j.value("nnport_calibration", 0) != kVersion)
      return Status::invalid("not an nnport calibration cache of version {}", kVersion);
    Calibration c;
    c.samples = count(j, "samples");
    for (const auto& [name, stats] : j.at("tensors").items()) c.tensors[name] = statsOf(stats);
    return c;
  } catch (const std::exception& e) {
    return Status::invalid("damaged calibration cache: {}", e.what());
  }
}

}  // namespace nnport::quant
