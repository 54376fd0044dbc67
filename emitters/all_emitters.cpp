// The list of emitters; each registers itself from its own folder.
#include "emitters/registry.h"

namespace nnport {
namespace onnxproto {
void registerOnnxEmitter(EmitterRegistry& r);
}
void registerIrEmitter(EmitterRegistry& r);
void registerNnirEmitter(EmitterRegistry& r);

void registerAllEmitters(EmitterRegistry& r) {
  onnxproto::registerOnnxEmitter(r);
  registerIrEmitter(r);
  registerNnirEmitter(r);
}

}  // namespace nnport
