// Shared pieces of the nnport CLI: exit codes, error reporting, and the
// subcommand registration functions.
#pragma once

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>

#include "support/status.h"

namespace nnport::cli {

// Documented in the README; stable for scripts.
enum ExitCode : int {
  kExitOk = 0,
  kExitCheckFailed = 1,  // a verification (e.g. a tolerance) failed
  kExitUsage = 2,
  kExitInvalidInput = 3,
  kExitUnsupported = 4,
  kExitInternal = 5,
  kExitIo = 6,
  kExitOverBudget = 7,  // past the memory budget (--max-memory)
};

int exitCodeFor(const Status& s);
// Prints "nnport: error: <message>" as one line on stderr, control bytes
// and invalid UTF-8 escaped; returns the exit code.
int reportError(const Status& s);
// JSON text of a report; names that are not valid UTF-8 come out with
// U+FFFD in place of the bad bytes instead of failing.
std::string jsonText(const nlohmann::json& j);

// Each subcommand adds itself to the app and sets the action to run when chosen.
using Action = std::function<int()>;
void addConvert(CLI::App& app, Action& action);
void addToIr(CLI::App& app, Action& action);
void addFromIr(CLI::App& app, Action& action);
void addInspect(CLI::App& app, Action& action);
void addRun(CLI::App& app, Action& action);
void addCompare(CLI::App& app, Action& action);
void addBench(CLI::App& app, Action& action);
void addOptimize(CLI::App& app, Action& action);
void addPasses(CLI::App& app, Action& action);
void addQuantize(CLI::App& app, Action& action);

// Splits "a,b" lists given as one option value.
std::vector<std::string> splitList(const std::vector<std::string>& values);

}  // namespace nnport::cli
