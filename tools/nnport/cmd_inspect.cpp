// `nnport inspect`: what a model holds and what it costs.
#include <iostream>
#include <memory>

#include "ir/printer.h"
#include "lib/inspect.h"
#include "lib/pipeline.h"
#include "tools/nnport/cli.h"

namespace nnport::cli {
namespace {

struct InspectArgs {
  std::string model, format, weights;
  bool json = false, ir = false;
  size_t top = 10;
};

int runInspect(const InspectArgs& a) {
  ParseRequest req;
  req.network = a.model;
  req.weights = a.weights;
  if (req.weights.empty() && fileExtension(a.model) != ".json") std::swap(req.network, req.weights);
  auto m = loadModel(a.format, req);
  if (!m) return reportError(m.status());
  auto stats = computeStats(**m, a.top);
  if (!stats) return reportError(stats.status());
  if (a.ir) {
    std::cout << printModel(**m);
    return kExitOk;
  }
  if (a.json) {
    nlohmann::json j = statsToJson(*stats);
    j["file"] = a.model;
    std::cout << jsonText(j) << "\n";
  } else {
    std::cout << statsToText(*stats, a.model);
  }
  return kExitOk;
}

}  // namespace

void addInspect(CLI::App& app, Action& action) {
  auto args = std::make_shared<InspectArgs>();
  CLI::App* c = app.add_subcommand("inspect", "Show inputs, outputs, ops, parameters and MACs");
  c->add_option("model", args->model, "Model file")->required();
  c->add_option("-f,--format", args->format, "Input format (default: extension)");
  c->add_option("-w,--weights", args->weights, "Weights file for two-file formats");
  c->add_flag("--json", args->json, "Print JSON (keys: inputs, outputs, nodes, ops, params, macs)");
  c->add_flag("--ir", args->ir, "Print the model in the IR text form");
  c->add_option("--top", args->top, "How many of the largest tensors to list (default 10)");
  c->footer(
      "Examples:\n"
      "  nnport inspect resnet50.onnx\n"
      "  nnport inspect resnet50.onnx --json | jq .macs.total\n"
      "  nnport inspect model_ir.json --ir");
  c->callback([&action, args] { action = [args] { return runInspect(*args); }; });
}

}  // namespace nnport::cli
