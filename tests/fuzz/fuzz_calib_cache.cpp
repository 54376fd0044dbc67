// libFuzzer harness: arbitrary bytes as a calibration cache entry (what
// `--calib-cache DIR` reads back), then every calibration method on each
// tensor's statistics, as the quantizer would on a hit. A parsed entry must
// write back to text that parses to the same entry.
#include <cstddef>
#include <cstdint>
#include <string>

#include "quantize/calib_cache.h"
#include "quantize/range_methods.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nnport::quant;
  nnport::fuzz::capMemory();
  auto c = calibrationFromJson(std::string(reinterpret_cast<const char*>(data), size));
  if (!c) return 0;
  const std::string text = calibrationToJson(*c);
  auto again = calibrationFromJson(text);
  if (!again || calibrationToJson(*again) != text) __builtin_trap();
  TensorScheme scheme;  // int8 asymmetric
  for (const auto& [name, stats] : c->tensors)
    for (auto m : {CalibMethod::MinMax, CalibMethod::Ema, CalibMethod::Percentile,
                   CalibMethod::Entropy, CalibMethod::Mse}) {
      const RealRange r = chooseRange(stats, m, 99.9, scheme);
      (void)clippedFraction(stats, r);
    }
  return 0;
}
