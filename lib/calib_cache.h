// `--calib-cache DIR`: calibration statistics kept between runs. The entry
// for a run is DIR/calib-<key>.json, the key a 64-bit FNV-1a hash of
// everything the statistics depend on: the model as calibrated (its text
// form and every initializer's bytes), the calibration files (names and
// bytes, in reading order) and the sample limit. Scheme options are not in
// the key: a cached entry holds ranges and histograms of every tensor the
// plan may need, so a re-run with another scheme, method or type skips the
// forward passes. An entry that lacks a tensor the plan now wants (another
// --exclude) is recomputed and replaced.
#pragma once

#include <optional>
#include <set>
#include <string>

#include "ir/graph.h"
#include "quantize/calibrate.h"

namespace nnport {

// DIR/calib-<16 hex digits>.json for this model and data.
Expected<std::string> calibCachePath(const std::string& dir, const Model& m,
                                     const std::string& calibDir, size_t calibCount);

// The cached calibration when the file exists and covers every one of
// `tensors` with histograms; nullopt when it must be computed. A file that
// exists but cannot be read back is an error naming it.
Expected<std::optional<quant::Calibration>> loadCalibCache(const std::string& path,
                                                           const std::set<std::string>& tensors);

// Writes the entry atomically (creating DIR when needed).
Status saveCalibCache(const std::string& path, const quant::Calibration& c);

}  // namespace nnport
