#include "quantize/calib_cache.h"

#include <nlohmann/json.hpp>

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

TensorStats statsOf(const nlohmann::json& j) {
  TensorStats s;
  s.min = j.at("min").get<float>();
  s.max = j.at("max").get<float>();
  s.emaMin = j.at("ema_min").get<double>();
  s.emaMax = j.at("ema_max").get<double>();
  s.samples = j.at("samples").get<uint64_t>();
  s.values = j.at("values").get<uint64_t>();
  s.nonFinite = j.at("non_finite").get<uint64_t>();
  s.zeros = j.at("zeros").get<uint64_t>();
  if (j.contains("histogram")) {
    const auto& h = j.at("histogram");
    auto counts = h.at("counts").get<std::vector<uint64_t>>();
    const double width = h.at("width").get<double>();
    if (!(width > 0) || counts.empty() || counts.size() > Histogram::kMaxBins)
      throw std::invalid_argument("a histogram has no width or a bad bin count");
    s.hist.assign(width, h.at("first").get<int64_t>(), std::move(counts));
  }
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
    c.samples = j.at("samples").get<size_t>();
    for (const auto& [name, stats] : j.at("tensors").items()) c.tensors[name] = statsOf(stats);
    return c;
  } catch (const std::exception& e) {
    return Status::invalid("damaged calibration cache: {}", e.what());
  }
}

}  // namespace nnport::quant
