#include "lib/calib_cache.h"

#include <filesystem>

#include "ir/printer.h"
#include "lib/calib_data.h"
#include "quantize/calib_cache.h"
#include "support/atomic_file.h"

namespace nnport {
namespace {

namespace fs = std::filesystem;

uint64_t hashString(const std::string& s, uint64_t h) {
  const uint64_t size = s.size();
  h = quant::fnv1a(&size, sizeof size, h);
  return quant::fnv1a(s.data(), s.size(), h);
}

uint64_t hashModel(const Model& m, uint64_t h) {
  h = hashString(printModel(m), h);
  for (const Value* v : m.graph.initializers()) {
    const TensorPtr& t = v->initializer();
    h = hashString(v->name(), h);
    if (t && t->rawBytes()) h = quant::fnv1a(t->rawBytes(), t->byteSize(), h);
  }
  return h;
}

}  // namespace

Expected<std::string> calibCachePath(const std::string& dir, const Model& m,
                                     const std::string& calibDir, size_t calibCount) {
  uint64_t h = hashModel(m, quant::kFnvOffset);
  NNP_ASSIGN_OR_RETURN(auto files, calibrationFiles(calibDir, m));
  for (const std::string& f : files) {
    NNP_ASSIGN_OR_RETURN(std::string bytes, readWholeFile(f));
    h = hashString(fs::path(f).filename().string(), h);
    h = hashString(bytes, h);
  }
  const uint64_t count = calibCount;
  h = quant::fnv1a(&count, sizeof count, h);
  return (fs::path(dir) / fmt::format("calib-{:016x}.json", h)).string();
}

Expected<std::optional<quant::Calibration>> loadCalibCache(const std::string& path,
                                                           const std::set<std::string>& tensors) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return std::optional<quant::Calibration>();
  NNP_ASSIGN_OR_RETURN(std::string text, readWholeFile(path));
  auto c = quant::calibrationFromJson(text);
  if (!c) return c.status().withContext(path);
  for (const std::string& t : tensors) {
    auto it = c->tensors.find(t);
    // A tensor no sample reached is cached with samples == 0 and no histogram.
    if (it == c->tensors.end() || (it->second.samples > 0 && it->second.hist.empty()))
      return std::optional<quant::Calibration>();
  }
  return std::optional<quant::Calibration>(std::move(*c));
}

Status saveCalibCache(const std::string& path, const quant::Calibration& c) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  if (ec) return Status::io("{}: cannot create the cache directory: {}", path, ec.message());
  AtomicFile f(path);
  NNP_RETURN_IF_ERROR(f.open());
  NNP_RETURN_IF_ERROR(writeWholeFile(f.tempPath(), quant::calibrationToJson(c)));
  return f.commit();
}

}  // namespace nnport
