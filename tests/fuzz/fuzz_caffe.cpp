// libFuzzer harness: arbitrary bytes as a Caffe prototxt + caffemodel pair
// (framed: tests/fuzz/fuzz_util.h; an empty caffemodel part is a net
// without weights), parsed in memory as `nnport convert -sf caffe` does,
// then taken through what convert does with any model. Nothing touches the
// disk.
#include <cstddef>
#include <cstdint>
#include <string>

#include "parsers/caffe/caffe_parser.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nnport;
  fuzz::capMemory();
  auto [prototxt, caffemodel] = fuzz::splitFramed(data, size);
  auto model = caffe::parseCaffeFromMemory(prototxt, caffemodel, ParseRequest{}, "fuzz.prototxt",
                                           "fuzz.caffemodel");
  fuzz::afterParse(model);
  return 0;
}
