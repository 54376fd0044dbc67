// libFuzzer harness: arbitrary bytes as a Darknet cfg + weights pair
// (framed: tests/fuzz/fuzz_util.h), parsed in memory as `nnport convert -sf
// darknet` does, then taken through what convert does with any model.
// Nothing touches the disk.
#include <cstddef>
#include <cstdint>
#include <string>

#include "parsers/darknet/darknet_parser.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nnport;
  fuzz::capMemory();
  auto [cfg, weights] = fuzz::splitFramed(data, size);
  auto model = darknet::parseDarknetBuffers(cfg, "fuzz.cfg", std::move(weights), "fuzz.weights");
  fuzz::afterParse(model);
  return 0;
}
