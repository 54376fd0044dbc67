#include "quantize/scheme.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace nnport::quant {

GridRange gridOf(const TensorScheme& s) {
  const int bits = s.reduceRange ? 7 : 8;
  const int64_t levels = int64_t{1} << bits;
  if (s.type == QType::UInt8) return {0, levels - 1};
  const int64_t half = levels / 2;
  return {s.symmetric ? -(half - 1) : -half, half - 1};
}

Affine affineFor(double rmin, double rmax, const TensorScheme& s) {
  rmin = std::min(rmin, 0.0);
  rmax = std::max(rmax, 0.0);
  const GridRange g = gridOf(s);
  Affine a;
  if (s.symmetric) {
    const double absmax = std::max(-rmin, rmax);
    // int8: zero point 0 and [-qmax, qmax]; uint8: the middle of [0, 255].
    const int64_t zero = s.type == QType::Int8 ? 0 : (g.qmax + 1) / 2;
    const double span = static_cast<double>(std::min(g.qmax - zero, zero - g.qmin));
    a.scale = absmax > 0 ? static_cast<float>(absmax / span) : 1.0f;
    a.zeroPoint = zero;
    return a;
  }
  if (rmax - rmin <= 0) return {1.0f, g.qmin < 0 && g.qmax > 0 ? 0 : g.qmin};
  a.scale = static_cast<float>((rmax - rmin) / static_cast<double>(g.qmax - g.qmin));
  const double zero = static_cast<double>(g.qmin) - rmin / a.scale;
  a.zeroPoint = std::clamp(static_cast<int64_t>(std::nearbyint(zero)), g.qmin, g.qmax);
  return a;
}

DType storageOf(QType t) {
  return t == QType::Int8 ? DType::Int8 : DType::UInt8;
}

std::string qtypeName(QType t) {
  return t == QType::Int8 ? "int8" : "uint8";
}

std::optional<QType> parseQType(const std::string& s) {
  if (s == "int8") return QType::Int8;
  if (s == "uint8") return QType::UInt8;
  return std::nullopt;
}

int64_t quantizeValue(double x, const Affine& a, const GridRange& g) {
  if (std::isnan(x)) return std::clamp<int64_t>(a.zeroPoint, g.qmin, g.qmax);
  const double q = std::nearbyint(x / a.scale) + static_cast<double>(a.zeroPoint);
  return static_cast<int64_t>(
      std::clamp(q, static_cast<double>(g.qmin), static_cast<double>(g.qmax)));
}

namespace {

const std::map<std::string, Scheme>& targets() {
  static const std::map<std::string, Scheme> table{
      {"tensorrt", {{QType::Int8, true, false}, {QType::Int8, true, false}, true}},
      {"ort-cpu", {{QType::UInt8, false, false}, {QType::Int8, true, true}, true}},
      {"k210", {{QType::UInt8, false, false}, {QType::UInt8, false, false}, false}},
      {"vip", {{QType::UInt8, false, false}, {QType::UInt8, false, false}, false}},
  };
  return table;
}

}  // namespace

Expected<Scheme> targetScheme(const std::string& target) {
  auto it = targets().find(target);
  if (it == targets().end())
    return Status::usage("unknown --target '{}'; valid: tensorrt, ort-cpu, k210, vip", target);
  return it->second;
}

std::vector<std::string> targetNames() {
  std::vector<std::string> out;
  for (const auto& [name, s] : targets()) out.push_back(name);
  return out;
}

}  // namespace nnport::quant
