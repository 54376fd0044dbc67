// nnport: convert, inspect and (later) optimize and quantize models. The CLI
// is a thin layer over the library in lib/.
#include <google/protobuf/stubs/logging.h>

#include <cstring>
#include <iostream>
#include <map>

#include "support/atomic_file.h"
#include "support/memory_budget.h"
#include "tools/nnport/cli.h"

namespace {

// MMdnn's multi-letter single-dash spellings, mapped to long options
// (CLI11 only allows one letter after a single dash).
std::vector<std::string> rewriteMmdnnFlags(int argc, char** argv) {
  static const std::map<std::string, std::string> kSpellings = {
      {"-sf", "--srcFramework"},  {"-in", "--inputNetwork"}, {"-iw", "--inputWeight"},
      {"-df", "--dstFramework"},  {"-om", "--outputModel"},  {"-inode", "--inNodeName"},
      {"-node", "--dstNodeName"},
  };
  std::vector<std::string> args;
  for (int i = 0; i < argc; ++i) {
    auto it = kSpellings.find(argv[i]);
    args.push_back(it == kSpellings.end() ? argv[i] : it->second);
  }
  return args;
}

void silenceProtobuf(google::protobuf::LogLevel, const char*, int, const std::string&) {}

}  // namespace

int main(int argc, char** argv) {
  using namespace nnport::cli;
  nnport::installTemporaryCleanupHandlers();
  google::protobuf::SetLogHandler(silenceProtobuf);

  CLI::App app{"nnport: convert, inspect and compress neural-network models"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "nnport 0.1.0");
  app.footer(
      "Examples:\n"
      "  nnport convert model.onnx out.onnx\n"
      "  nnport convert -sf onnx -iw model.onnx -df onnx -om out.onnx --inputShape "
      "input:1,3,224,224\n"
      "  nnport inspect model.onnx --json\n"
      "  nnport run model.onnx --random-inputs 0 --output-dir out/\n"
      "  nnport compare model.onnx out.onnx --random-inputs 0\n"
      "  nnport bench model.onnx --threads 2 --iters 100 --json\n"
      "  nnport toir -sf onnx -iw model.onnx -o model_ir && nnport fromir -in model_ir.json "
      "-iw model_ir.bin -df onnx -om back.onnx\n"
      "Exit codes: 0 ok, 1 check failed, 2 usage, 3 invalid input, 4 unsupported, 5 internal, "
      "6 output not written, 7 past the memory budget");
  // Global, accepted before or after the subcommand's own options.
  std::string maxMemory;
  app.add_option("--max-memory", maxMemory,
                 "Memory budget for what the input makes nnport allocate beyond its files "
                 "(expanded constants, random inputs, interpreter tensors): 512M, 16G, none "
                 "(default 4G)");
  app.fallthrough();
  Action action;
  addConvert(app, action);
  addToIr(app, action);
  addFromIr(app, action);
  addInspect(app, action);
  addRun(app, action);
  addCompare(app, action);
  addBench(app, action);
  addOptimize(app, action);
  addPasses(app, action);
  addQuantize(app, action);

  std::vector<std::string> args = rewriteMmdnnFlags(argc, argv);
  std::vector<char*> cargs;
  for (auto& a : args) cargs.push_back(a.data());
  try {
    app.parse(static_cast<int>(cargs.size()), cargs.data());
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "nnport: usage error: " << e.what() << " (see nnport --help)\n";
    return kExitUsage;
  }
  if (!maxMemory.empty()) {
    auto limit = nnport::parseByteSize(maxMemory);
    if (!limit) return reportError(limit.status().withContext("--max-memory"));
    nnport::MemoryBudget::setLimit(*limit);
  }
  try {
    return action ? action() : kExitUsage;
  } catch (const nnport::OverBudgetError& e) {
    return reportError(e.status());
  } catch (const nnport::InternalError& e) {
    return reportError(e.status());
  } catch (const std::bad_alloc&) {
    return reportError(nnport::Status::overBudget(
        "ran out of memory (the machine has less than the budget allows; lower --max-memory)"));
  } catch (const std::exception& e) {
    return reportError(nnport::Status::internal("unexpected exception: {}", e.what()));
  }
}
