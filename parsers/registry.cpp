// Parser registry lookups.
#include "parsers/registry.h"

#include <algorithm>
#include <cctype>

namespace nnport {

ParserRegistry& ParserRegistry::instance() {
  static ParserRegistry* r = [] {
    auto* reg = new ParserRegistry();
    registerAllParsers(*reg);
    return reg;
  }();
  return *r;
}

const Parser* ParserRegistry::find(const std::string& name) const {
  for (const auto& p : parsers_)
    if (p.name == name) return &p;
  return nullptr;
}

const Parser* ParserRegistry::forPath(const std::string& path) const {
  const std::string ext = fileExtension(path);
  for (const auto& p : parsers_)
    if (std::find(p.extensions.begin(), p.extensions.end(), ext) != p.extensions.end()) return &p;
  return nullptr;
}

std::vector<std::string> ParserRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& p : parsers_) out.push_back(p.name);
  return out;
}

std::string fileExtension(const std::string& path) {
  const auto slash = path.rfind('/');
  const auto dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot);
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

}  // namespace nnport
