// Input options shared by `run` and `compare`: --input NAME=FILE and
// --random-inputs SEED.
#pragma once

#include <CLI/CLI.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "exec/executor.h"

namespace nnport::cli {

struct InputArgs {
  std::vector<std::string> inputs;
  std::optional<uint64_t> seed;
};

void addInputOptions(CLI::App* c, InputArgs& a);
// Reads the named files and fills the remaining inputs randomly when a seed
// was given; `model` names the model in errors about its declared inputs.
Expected<std::map<std::string, exec::RtTensor>> gatherInputs(const InputArgs& a,
                                                             const exec::Executor& e,
                                                             const std::string& model);

}  // namespace nnport::cli
