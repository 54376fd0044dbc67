// Emitter registry lookups.
#include "emitters/registry.h"

#include <algorithm>

#include "parsers/registry.h"

namespace nnport {

EmitterRegistry& EmitterRegistry::instance() {
  static EmitterRegistry* r = [] {
    auto* reg = new EmitterRegistry();
    registerAllEmitters(*reg);
    return reg;
  }();
  return *r;
}

const Emitter* EmitterRegistry::find(const std::string& name) const {
  for (const auto& e : emitters_)
    if (e.name == name) return &e;
  return nullptr;
}

const Emitter* EmitterRegistry::forPath(const std::string& path) const {
  const std::string ext = fileExtension(path);
  for (const auto& e : emitters_)
    if (std::find(e.extensions.begin(), e.extensions.end(), ext) != e.extensions.end()) return &e;
  return nullptr;
}

std::vector<std::string> EmitterRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& e : emitters_) out.push_back(e.name);
  return out;
}

}  // namespace nnport
