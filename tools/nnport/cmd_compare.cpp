// `nnport compare A B`: run two models on the same inputs and report how far
// their outputs (and, with --per-layer, shared intermediates) differ; exits 1
// when an output's max relative error exceeds --tolerance, so CI can gate a
// conversion.
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

#include "exec/compare.h"
#include "lib/pipeline.h"
#include "tools/nnport/cli.h"
#include "tools/nnport/run_inputs.h"

namespace nnport::cli {
namespace {

struct CompareArgs {
  std::string a, b, kernels = "fast";
  InputArgs in;
  double tolerance = 1e-4;
  bool perLayer = false, json = false;
};

nlohmann::json statsJson(const std::string& name, const exec::ErrorStats& s) {
  return {{"name", name},       {"max_abs", s.maxAbs}, {"max_rel", s.maxRel},
          {"cosine", s.cosine}, {"sqnr_db", s.sqnrDb}, {"shape_mismatch", s.shapeMismatch}};
}

std::string statsLine(const std::string& name, const exec::ErrorStats& s) {
  if (s.shapeMismatch) return fmt::format("  {}: shapes differ", name);
  return fmt::format("  {}: max_abs {:.3g}  max_rel {:.3g}  cosine {:.6f}  SQNR {:.1f} dB", name,
                     s.maxAbs, s.maxRel, s.cosine, s.sqnrDb);
}

int runCompare(const CompareArgs& a) {
  auto ma = loadModelFile(a.a);
  if (!ma) return reportError(ma.status());
  auto mb = loadModelFile(a.b);
  if (!mb) return reportError(mb.status());
  exec::ExecOptions opts;
  opts.kernels = a.kernels == "reference" ? exec::KernelSet::Reference : exec::KernelSet::Fast;
  auto ea = exec::Executor::create(**ma, opts);
  if (!ea) return reportError(ea.status().withContext(a.a));
  auto inputs = gatherInputs(a.in, **ea, a.a);
  if (!inputs) return reportError(inputs.status());
  auto c = exec::compareModels(**ma, **mb, *inputs, a.perLayer, opts);
  if (!c) return reportError(c.status());
  bool exceeded = false;
  for (const auto& o : c->outputs)
    exceeded |= o.stats.shapeMismatch || !(o.stats.maxRel <= a.tolerance);
  if (a.json) {
    nlohmann::json j;
    for (const auto& o : c->outputs) j["outputs"].push_back(statsJson(o.name, o.stats));
    j["layers"] = nlohmann::json::array();
    for (const auto& l : c->layers) j["layers"].push_back(statsJson(l.name, l.stats));
    j["first_jump"] = c->firstJump;
    j["tolerance"] = a.tolerance;
    j["pass"] = !exceeded;
    std::cout << jsonText(j) << "\n";
  } else {
    std::cout << "outputs:\n";
    for (const auto& o : c->outputs) std::cout << statsLine(o.name, o.stats) << "\n";
    if (a.perLayer) {
      std::cout << "layers (" << c->layers.size() << " shared tensors):\n";
      for (const auto& l : c->layers) std::cout << statsLine(l.name, l.stats) << "\n";
      std::cout << "first jump: " << (c->firstJump.empty() ? "none" : c->firstJump) << "\n";
    }
    std::cout << (exceeded ? "FAIL" : "PASS") << ": tolerance " << a.tolerance
              << " on the max relative error of every output\n";
  }
  return exceeded ? kExitCheckFailed : kExitOk;
}

}  // namespace

void addCompare(CLI::App& app, Action& action) {
  auto args = std::make_shared<CompareArgs>();
  CLI::App* c =
      app.add_subcommand("compare", "Run two models on the same inputs and compare outputs");
  c->add_option("a", args->a, "Reference model")->required();
  c->add_option("b", args->b, "Model to check")->required();
  addInputOptions(c, args->in);
  c->add_option("--tolerance", args->tolerance,
                "Max relative error allowed per output (default 1e-4)");
  c->add_flag("--per-layer", args->perLayer, "Also compare every tensor name both models share");
  c->add_option("--kernels", args->kernels, "fast (default) or reference")
      ->check(CLI::IsMember({"fast", "reference"}));
  c->add_flag("--json", args->json, "Print JSON");
  c->footer(
      "Examples:\n"
      "  nnport compare model.onnx converted.onnx --random-inputs 0\n"
      "  nnport compare model.onnx optimized.onnx --input input=x.npy --per-layer --tolerance "
      "1e-3");
  c->callback([&action, args] { action = [args] { return runCompare(*args); }; });
}

}  // namespace nnport::cli
