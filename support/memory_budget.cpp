// The process-wide memory budget and byte-size parsing.
#include "support/memory_budget.h"

#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace nnport {
namespace {

std::atomic<uint64_t> g_limit{kDefaultMemoryBudget};
std::atomic<uint64_t> g_inUse{0};

}  // namespace

uint64_t MemoryBudget::limit() {
  return g_limit.load();
}
void MemoryBudget::setLimit(uint64_t bytes) {
  g_limit.store(bytes);
}
uint64_t MemoryBudget::inUse() {
  return g_inUse.load();
}

Status MemoryBudget::over(uint64_t bytes, std::string_view what) {
  const std::string need =
      bytes == UINT64_MAX ? "more bytes than can be counted" : formatBytes(bytes);
  return Status::overBudget(
      "{} needs {}, past the memory budget of {} ({} already in use); raise it with --max-memory",
      what, need, formatBytes(limit()), formatBytes(inUse()));
}

Status MemoryBudget::check(uint64_t bytes, std::string_view what) {
  const uint64_t cap = limit(), used = inUse();
  if (cap == kNoMemoryLimit && bytes != UINT64_MAX) return Status::ok();
  if (bytes > cap || used > cap - bytes) return over(bytes, what);
  return Status::ok();
}

Status MemoryBudget::acquire(uint64_t bytes, std::string_view what) {
  const uint64_t cap = limit();
  if (bytes == UINT64_MAX) return over(bytes, what);
  uint64_t used = g_inUse.load();
  do {
    if (cap != kNoMemoryLimit && (bytes > cap || used > cap - bytes)) return over(bytes, what);
  } while (!g_inUse.compare_exchange_weak(used, used + bytes));
  return Status::ok();
}

void MemoryBudget::release(uint64_t bytes) {
  g_inUse.fetch_sub(bytes);
}

Expected<uint64_t> parseByteSize(std::string_view text) {
  std::string s(text);
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s == "none" || s == "unlimited" || s == "0") return kNoMemoryLimit;
  char* end = nullptr;
  const double value = std::strtod(s.c_str(), &end);
  std::string unit(end);
  if (end == s.c_str() || !std::isfinite(value) || value <= 0)
    return Status::usage("'{}' is not a size (examples: 512M, 4G, 1.5GiB, none)", text);
  if (unit.size() > 1 && unit.back() == 'b') unit.pop_back();  // "gb", "gib"
  if (unit.size() > 1 && unit.back() == 'i') unit.pop_back();  // "gi"
  double scale = 1;
  if (unit == "k")
    scale = 1024.0;
  else if (unit == "m")
    scale = 1024.0 * 1024;
  else if (unit == "g")
    scale = 1024.0 * 1024 * 1024;
  else if (unit == "t")
    scale = 1024.0 * 1024 * 1024 * 1024;
  else if (!unit.empty() && unit != "b")
    return Status::usage("'{}': unknown size unit '{}' (K, M, G or T)", text, unit);
  const double bytes = value * scale;
  if (bytes >= 1.8e19) return kNoMemoryLimit;
  return static_cast<uint64_t>(bytes);
}

std::string formatBytes(uint64_t bytes) {
  if (bytes == kNoMemoryLimit) return "no limit";
  static const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return fmt::format("{} B", bytes);
  double v = static_cast<double>(bytes) / 1024;
  int u = 0;
  while (v >= 1024 && u < 5) {
    v /= 1024;
    ++u;
  }
  return fmt::format("{:.1f} {}", v, kUnits[u]);
}

}  // namespace nnport
