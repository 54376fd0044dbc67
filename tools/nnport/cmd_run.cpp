// `nnport run`: execute a model with the reference interpreter.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <memory>

#include "exec/executor.h"
#include "lib/npy.h"
#include "lib/pipeline.h"
#include "lib/quantize.h"
#include "tools/nnport/cli.h"
#include "tools/nnport/run_inputs.h"

namespace nnport::cli {
namespace {

struct RunArgs {
  std::string model, outputDir, kernels = "fast", qdq = "integer";
  InputArgs in;
  int threads = 1;
  bool json = false;
};

// Characters outside [A-Za-z0-9._-] become '_' so any tensor name is a file name.
std::string fileNameFor(const std::string& tensor) {
  std::string out = tensor;
  for (char& c : out)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) c = '_';
  return out.empty() ? "_" : out;
}

int runModel(const RunArgs& a) {
  auto m = loadModelFile(a.model);
  if (!m) return reportError(m.status());
  if (a.qdq == "integer")
    if (auto r = prepareIntegerExecution(**m); !r)
      return reportError(r.status().withContext(a.model));
  exec::ExecOptions opts;
  opts.kernels = a.kernels == "reference" ? exec::KernelSet::Reference : exec::KernelSet::Fast;
  opts.threads = a.threads;
  auto e = exec::Executor::create(**m, opts);
  if (!e) return reportError(e.status().withContext(a.model));
  auto inputs = gatherInputs(a.in, **e, a.model);
  if (!inputs) return reportError(inputs.status());
  auto outs = (*e)->run(*inputs);
  if (!outs) return reportError(outs.status().withContext(a.model));
  nlohmann::json report = nlohmann::json::array();
  std::error_code ec;
  if (!a.outputDir.empty() && !std::filesystem::create_directories(a.outputDir, ec) && ec)
    return reportError(
        Status::io("{}: cannot create the output directory: {}", a.outputDir, ec.message()));
  for (const auto& [name, t] : *outs) {
    std::string file;
    if (!a.outputDir.empty()) {
      file = (std::filesystem::path(a.outputDir) / (fileNameFor(name) + ".npy")).string();
      if (Status st = writeNpy(t, file); !st) return reportError(st);
    }
    std::vector<Dim> dims(t.dims().begin(), t.dims().end());
    report.push_back(
        {{"name", name}, {"dtype", dtypeName(t.dtype())}, {"shape", t.dims()}, {"file", file}});
    if (!a.json)
      std::cout << fmt::format("output {}: {}{}{}\n", name, dtypeName(t.dtype()), Shape(dims).str(),
                               file.empty() ? "" : " -> " + file);
  }
  if (a.json) std::cout << jsonText(nlohmann::json{{"outputs", report}}) << "\n";
  return kExitOk;
}

}  // namespace

void addRun(CLI::App& app, Action& action) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* c = app.add_subcommand("run", "Run a model with the reference interpreter");
  c->add_option("model", args->model, "Model file")->required();
  addInputOptions(c, args->in);
  c->add_option("--output-dir", args->outputDir, "Write each output as DIR/NAME.npy");
  c->add_option("--kernels", args->kernels, "fast (default) or reference")
      ->check(CLI::IsMember({"fast", "reference"}));
  c->add_option("--threads", args->threads, "Threads (default 1)")->check(CLI::Range(1, 256));
  c->add_flag("--json", args->json, "Print the outputs as JSON");
  c->add_option("--qdq", args->qdq,
                "Quantized models: integer (default: Q/DQ patterns run as QLinear ops on integer "
                "kernels, as ONNX Runtime does) or float (the graph as written, Q/DQ emulated)")
      ->check(CLI::IsMember({"integer", "float"}));
  c->footer(
      "Examples:\n"
      "  nnport run model.onnx --input input=x.npy --output-dir out/\n"
      "  nnport run model.onnx --random-inputs 0 --output-dir out/ --kernels reference");
  c->callback([&action, args] { action = [args] { return runModel(*args); }; });
}

}  // namespace nnport::cli
