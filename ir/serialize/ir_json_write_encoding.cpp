// The IR writer's .bin appender, float encoding and compact JSON dump.
#include "ir/serialize/ir_json_write_encoding.h"

#include <algorithm>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "ir/serialize/ir_json.h"

namespace nnport::irwrite {

Json BinWriter::blob(const std::vector<Piece>& pieces) {
  uint64_t total = 0;
  for (const Piece& p : pieces) total += p.size;
  if (total == 0) return Json::array({0, 0});
  const uint64_t offset = (pos_ + kIrBlobAlignment - 1) / kIrBlobAlignment * kIrBlobAlignment;
  static const uint8_t kZeros[kIrBlobAlignment] = {};
  emit(kZeros, static_cast<size_t>(offset - pos_));
  for (const Piece& p : pieces) emit(p.data, p.size);
  return Json::array({offset, total});
}

void BinWriter::emit(const void* p, size_t n) {
  if (n == 0) return;
  if (!failed_ && !sink_(p, n)) failed_ = true;
  pos_ += n;
}

uint32_t floatBits(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}

Json floatJson(float f) {
  if (!std::isfinite(f)) return fmt::format("0x{:08x}", floatBits(f));
  const std::string shortest = fmt::format("{}", f);
  double d = 0;
  auto r = std::from_chars(shortest.data(), shortest.data() + shortest.size(), d);
  // The reader rejects magnitudes above FLT_MAX, which the shortest form of
  // FLT_MAX itself exceeds as a double.
  if (r.ec == std::errc() && std::fabs(d) <= FLT_MAX &&
      floatBits(static_cast<float>(d)) == floatBits(f))
    return d;
  return static_cast<double>(f);
}

Json floatsJson(const std::vector<float>& v) {
  Json out = Json::array();
  for (float f : v) out.push_back(floatJson(f));
  return out;
}

void dumpCompact(const Json& j, size_t depth, std::string& out) {
  const bool inlineList = j.is_array() && std::none_of(j.begin(), j.end(), [](const Json& v) {
                            return v.is_structured();
                          });
  if (!j.is_structured() || j.empty() || inlineList) {
    if (!inlineList) {
      out += j.dump();
      return;
    }
    out += "[";
    for (size_t i = 0; i < j.size(); ++i) out += (i ? ", " : "") + j[i].dump();
    out += "]";
    return;
  }
  out += j.is_object() ? "{\n" : "[\n";
  size_t i = 0;
  for (auto it = j.begin(); it != j.end(); ++it) {
    out.append(depth + 1, ' ');
    if (j.is_object()) out += Json(it.key()).dump() + ": ";
    dumpCompact(it.value(), depth + 1, out);
    out += ++i < j.size() ? ",\n" : "\n";
  }
  out.append(depth, ' ');
  out += j.is_object() ? "}" : "]";
}

}  // namespace nnport::irwrite
