// The calibration cache's content: a Calibration (ranges, moving averages
// and histograms of every observed tensor) as JSON text and back, exactly
// (floats are written with round-trip precision, counts as integers), so a
// re-run with other scheme options picks the same ranges without running
// the model again. lib/calib_cache.h decides when an entry may be used.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "quantize/calibrate.h"

namespace nnport::quant {

// 64-bit FNV-1a over `n` bytes, continuing from `h`.
constexpr uint64_t kFnvOffset = 0xcbf29ce484222325ULL;
uint64_t fnv1a(const void* data, size_t n, uint64_t h = kFnvOffset);

std::string calibrationToJson(const Calibration& c);
// Invalid text (a damaged or foreign file) is an error naming what is wrong.
Expected<Calibration> calibrationFromJson(const std::string& text);

}  // namespace nnport::quant
