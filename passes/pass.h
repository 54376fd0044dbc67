// The pass interface and registry. A pass rewrites a Model in place and
// reports how many rewrites it made and, for refusals ("BN not fused: its
// input has other consumers"), one note each; the pass manager prints them
// with --stats. Each pass is its own file (passes/<name>.cpp) and one line
// of passes/passes.def, which passes/all_passes.cpp turns into
// registrations (an explicit list: a static library drops self-registering
// objects nobody references).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace nnport {

struct PassResult {
  size_t changes = 0;
  std::vector<std::string> notes;  // refusals and other remarks, one line each
};

using PassFn = std::function<Expected<PassResult>(Model&)>;

struct PassInfo {
  std::string name;
  std::string description;  // one line, for `nnport passes`
  PassFn run;
};

class PassRegistry {
 public:
  static PassRegistry& instance();
  void add(PassInfo info);
  const PassInfo* find(const std::string& name) const;
  // By name.
  std::vector<const PassInfo*> all() const;
  std::string namesList() const;  // "a, b, c"

 private:
  std::map<std::string, PassInfo> passes_;
};

void registerAllPasses(PassRegistry& r);

}  // namespace nnport
