// The emitter registry instance.
#include "emitters/registry.h"

namespace nnport {

EmitterRegistry& EmitterRegistry::instance() {
  static EmitterRegistry* r = [] {
    auto* reg = new EmitterRegistry();
    registerAllEmitters(*reg);
    return reg;
  }();
  return *r;
}

}  // namespace nnport
