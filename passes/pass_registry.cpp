// The pass registry.
#include "passes/pass.h"

namespace nnport {

PassRegistry& PassRegistry::instance() {
  static PassRegistry* r = [] {
    auto* reg = new PassRegistry();
    registerAllPasses(*reg);
    return reg;
  }();
  return *r;
}

void PassRegistry::add(PassInfo info) {
  std::string name = info.name;
  passes_[name] = std::move(info);
}

const PassInfo* PassRegistry::find(const std::string& name) const {
  auto it = passes_.find(name);
  return it == passes_.end() ? nullptr : &it->second;
}

std::vector<const PassInfo*> PassRegistry::all() const {
  std::vector<const PassInfo*> out;
  for (const auto& [name, info] : passes_) out.push_back(&info);
  return out;
}

std::string PassRegistry::namesList() const {
  std::string out;
  for (const auto& [name, info] : passes_) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace nnport
