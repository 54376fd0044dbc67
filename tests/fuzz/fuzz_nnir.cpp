// libFuzzer harness: arbitrary bytes as a .nnir text IR file (what `nnport
// convert x.nnir ...` and the golden pass tests read). A model that reads
// goes through what convert does, and its complete print (what the .nnir
// emitter writes) must read back and print the same.
#include <cstddef>
#include <cstdint>
#include <string>

#include "ir/printer.h"
#include "ir/text_parser.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nnport;
  fuzz::capMemory();
  auto model = parseModelText(std::string(reinterpret_cast<const char*>(data), size));
  if (!model) {
    fuzz::trapOnInternal(model.status());
    return 0;
  }
  PrintOptions complete;
  complete.complete = true;
  const std::string text = printModel(**model, complete);
  auto back = parseModelText(text);
  if (!back || printModel(**back, complete) != text) __builtin_trap();
  (void)fuzz::convertInMemory(**model);
  return 0;
}
