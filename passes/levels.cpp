// The optimization levels, as pipeline strings (not code): what `-O1` and
// `-O2` mean is read here and in docs/passes.md.
#include <map>

#include "passes/pass_manager.h"

namespace nnport {

namespace {

const std::map<std::string, std::string>& levels() {
  static const std::map<std::string, std::string> table{
      {"O0", ""},
      {"O1", "eliminate-identity,fold-constants,dce"},
      {"O2", "{eliminate-identity,fold-shapes,fold-constants,fuse-conv-bn},dce"},
  };
  return table;
}

}  // namespace

Expected<std::string> levelPipeline(const std::string& level) {
  auto it = levels().find(level);
  if (it == levels().end()) return Status::usage("unknown optimization level '{}'; valid: O0, O1, O2", level);
  return it->second;
}

std::vector<std::string> levelNames() {
  std::vector<std::string> out;
  for (const auto& [name, p] : levels()) out.push_back(name);
  return out;
}

}  // namespace nnport
