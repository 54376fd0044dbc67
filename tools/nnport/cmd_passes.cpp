// `nnport passes`: the registered passes with their one-line descriptions,
// and the pipelines the -O levels stand for.
#include <iostream>

#include "passes/pass_manager.h"
#include "tools/nnport/cli.h"

namespace nnport::cli {

void addPasses(CLI::App& app, Action& action) {
  CLI::App* c = app.add_subcommand("passes", "List the optimization passes and -O levels");
  c->callback([&action] {
    action = [] {
      for (const PassInfo* p : PassRegistry::instance().all())
        std::cout << fmt::format("{:<24} {}\n", p->name, p->description);
      std::cout << "\n";
      for (const std::string& level : levelNames())
        std::cout << fmt::format("-{:<3} \"{}\"\n", level, levelPipeline(level).value());
      return kExitOk;
    };
  });
}

}  // namespace nnport::cli
