// `nnport run`: execute a model with the reference interpreter.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <memory>
#include <random>

#include "lib/exec/executor.h"
#include "lib/npy.h"
#include "lib/pipeline.h"
#include "tools/nnport/cli.h"

namespace nnport::cli {
namespace {

struct RunArgs {
  std::string model, outputDir, kernels = "fast";
  std::vector<std::string> inputs;
  std::optional<uint64_t> seed;
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

exec::RtTensor randomTensor(const Value& v, std::mt19937_64& rng) {
  std::vector<int64_t> dims;
  for (const Dim& d : v.type.shape.dims()) dims.push_back(d.isStatic() ? d.value : 1);
  exec::RtTensor t = exec::RtTensor::allocate(v.type.dtype, dims);
  std::uniform_real_distribution<double> uni(-1.0, 1.0);
  std::uniform_int_distribution<int> small(0, 9);
  for (int64_t i = 0; i < t.numElements(); ++i) {
    switch (v.type.dtype) {
      case DType::Float32: t.data<float>()[i] = static_cast<float>(uni(rng)); break;
      case DType::Float64: t.data<double>()[i] = uni(rng); break;
      case DType::Int64: t.data<int64_t>()[i] = small(rng); break;
      case DType::Int32: t.data<int32_t>()[i] = small(rng); break;
      case DType::UInt8:
      case DType::Bool: t.data<uint8_t>()[i] = static_cast<uint8_t>(small(rng) & 1); break;
      default: break;  // zeros
    }
  }
  return t;
}

Expected<std::map<std::string, exec::RtTensor>> gatherInputs(const RunArgs& a, exec::Executor& e) {
  std::map<std::string, exec::RtTensor> inputs;
  for (const auto& spec : a.inputs) {
    const auto eq = spec.find('=');
    std::string name = eq == std::string::npos ? "" : spec.substr(0, eq);
    const std::string file = eq == std::string::npos ? spec : spec.substr(eq + 1);
    std::string pbName;
    NNP_ASSIGN_OR_RETURN(exec::RtTensor t, readTensorFile(file, &pbName));
    if (name.empty()) name = pbName;
    if (name.empty() && e.inputs().size() == 1) name = e.inputs()[0]->name();
    if (name.empty()) return Status::usage("--input {}: name the input (NAME=FILE)", spec);
    inputs[name] = std::move(t);
  }
  if (a.seed) {
    std::mt19937_64 rng(*a.seed);
    for (const Value* v : e.inputs())
      if (!inputs.count(v->name())) inputs[v->name()] = randomTensor(*v, rng);
  }
  return inputs;
}

int runModel(const RunArgs& a) {
  auto m = loadModel("", {"", a.model});
  if (!m) return reportError(m.status());
  exec::ExecOptions opts;
  opts.kernels = a.kernels == "reference" ? exec::KernelSet::Reference : exec::KernelSet::Fast;
  opts.threads = a.threads;
  auto e = exec::Executor::create(**m, opts);
  if (!e) return reportError(e.status().withContext(a.model));
  auto inputs = gatherInputs(a, **e);
  if (!inputs) return reportError(inputs.status());
  auto outs = (*e)->run(*inputs);
  if (!outs) return reportError(outs.status().withContext(a.model));
  nlohmann::json report = nlohmann::json::array();
  std::error_code ec;
  if (!a.outputDir.empty() && !std::filesystem::create_directories(a.outputDir, ec) && ec)
    return reportError(Status::io("{}: cannot create the output directory: {}", a.outputDir, ec.message()));
  for (const auto& [name, t] : *outs) {
    std::string file;
    if (!a.outputDir.empty()) {
      file = (std::filesystem::path(a.outputDir) / (fileNameFor(name) + ".npy")).string();
      if (Status st = writeNpy(t, file); !st) return reportError(st);
    }
    std::vector<Dim> dims(t.dims().begin(), t.dims().end());
    report.push_back({{"name", name}, {"dtype", dtypeName(t.dtype())}, {"shape", t.dims()}, {"file", file}});
    if (!a.json)
      std::cout << fmt::format("output {}: {}{}{}\n", name, dtypeName(t.dtype()), Shape(dims).str(),
                               file.empty() ? "" : " -> " + file);
  }
  if (a.json) std::cout << nlohmann::json{{"outputs", report}}.dump(1) << "\n";
  return kExitOk;
}

}  // namespace

void addRun(CLI::App& app, Action& action) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* c = app.add_subcommand("run", "Run a model with the reference interpreter");
  c->add_option("model", args->model, "Model file")->required();
  c->add_option("--input", args->inputs, "NAME=FILE (.npy or ONNX TensorProto .pb), repeatable");
  c->add_option("--random-inputs", args->seed, "Fill inputs not given with random data from SEED");
  c->add_option("--output-dir", args->outputDir, "Write each output as DIR/NAME.npy");
  c->add_option("--kernels", args->kernels, "fast (default) or reference")
      ->check(CLI::IsMember({"fast", "reference"}));
  c->add_option("--threads", args->threads, "Threads (default 1)")->check(CLI::Range(1, 256));
  c->add_flag("--json", args->json, "Print the outputs as JSON");
  c->footer(
      "Examples:\n"
      "  nnport run model.onnx --input input=x.npy --output-dir out/\n"
      "  nnport run model.onnx --random-inputs 0 --output-dir out/ --kernels reference");
  c->callback([&action, args] { action = [args] { return runModel(*args); }; });
}

}  // namespace nnport::cli
