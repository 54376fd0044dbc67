// libFuzzer harness: arbitrary bytes as a .npy tensor file (what `nnport
// run --input NAME=FILE` reads).
#include <cstddef>
#include <cstdint>
#include <string>

#include "lib/npy.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nnport::fuzz::capMemory();
  auto t = nnport::parseNpy(std::string(reinterpret_cast<const char*>(data), size), "fuzz.npy");
  if (t && t->byteSize() != nnport::dtypeStorageBytes(t->dtype(), t->numElements()))
    __builtin_trap();  // the tensor must hold exactly what its header declares
  return 0;
}
