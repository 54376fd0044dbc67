// The optimization levels, as pipeline strings (not code): what `-O1` and
// `-O2` mean is read here and in docs/passes.md.
#include <map>

#include "passes/pass_manager.h"

namespace nnport {

namespace {

const std::map<std::string, std::string>& levels() {
  static const std::map<std::string, std::string> table{
      {"O0", ""},
      {"O1", "eliminate-identity,fold-constants,eliminate-noop,cse,dedup-initializers,dce"},
      {"O2",
       "{eliminate-identity,eliminate-noop,fold-shapes,fold-constants,cse,fuse-conv-bn,fuse-bn,"
       "fuse-conv-mul-add,fuse-matmul-add,fuse-pad,push-transposes,merge-transposes,merge-reshapes,"
       "merge-slices},dedup-initializers,dce"},
  };
  return table;
}

}  // namespace

Expected<std::string> levelPipeline(const std::string& level) {
  auto it = levels().find(level);
  if (it == levels().end())
    return Status::usage("unknown optimization level '{}'; valid: O0, O1, O2", level);
  return it->second;
}

std::vector<std::string> levelNames() {
  std::vector<std::string> out;
  for (const auto& [name, p] : levels()) out.push_back(name);
  return out;
}

}  // namespace nnport
