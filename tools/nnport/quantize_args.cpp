#include "tools/nnport/quantize_args.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "tools/nnport/cli.h"

namespace nnport::cli {

void addQuantizeOptions(CLI::App* c, QuantizeArgs& a) {
  c->add_option("--calib", a.calib,
                "Calibration data: a directory of .npy files (DIR/<input>/ for several inputs)");
  c->add_option("--target", a.target, "Deployment preset: tensorrt, ort-cpu, k210, vip");
  c->add_option("--scheme", a.scheme, "Activations: sym or asym (default asym)");
  c->add_flag("--per-channel", a.perChannel, "Weights per output channel (default)");
  c->add_flag("--per-tensor", a.perTensor, "Weights per tensor");
  c->add_option("--activation-type", a.activationType, "int8 (default) or uint8");
  c->add_option("--weight-type", a.weightType, "int8 (default) or uint8");
  c->add_flag("--reduce-range", a.reduceRange, "7-bit weights (U8S8 on x86 without VNNI)");
  c->add_option("--calib-method", a.method, "minmax (default), ema, percentile, entropy, mse");
  c->add_option("--percentile", a.percentile, "Percentile for --calib-method percentile (99.999)");
  c->add_option("--calib-count", a.calibCount, "Use at most N calibration samples");
  c->add_option("--format", a.format,
                "Quantized form: qdq (default) or qoperator (QLinearConv, QLinearMatMul, "
                "com.microsoft QLinear ops)");
  c->add_option("--exclude", a.exclude, "Keep these nodes or op types float: NAME_OR_OP,...");
  c->add_option("--report", a.report, "Write the per-tensor and per-layer report (JSON)");
  c->add_option("--calib-cache", a.cacheDir,
                "Keep calibration statistics in DIR; a re-run on the same model and data "
                "(any scheme) skips the forward passes");
  c->add_option("--compare-samples", a.compareSamples,
                "Samples the per-layer float-vs-quantized scores run on (default 4; 0: none)");
  c->add_flag("--quiet", a.quiet, "No progress bar or summary table");
}

namespace {

Status applyExplicit(const QuantizeArgs& a, quant::Scheme& s) {
  if (a.perChannel && a.perTensor) return Status::usage("give --per-channel or --per-tensor");
  if (a.perChannel) s.perChannel = true;
  if (a.perTensor) s.perChannel = false;
  if (!a.scheme.empty()) {
    if (a.scheme != "sym" && a.scheme != "asym")
      return Status::usage("--scheme '{}': expected sym or asym", a.scheme);
    s.activation.symmetric = a.scheme == "sym";
  }
  for (auto [text, scheme] :
       {std::pair{&a.activationType, &s.activation}, std::pair{&a.weightType, &s.weight}}) {
    if (text->empty()) continue;
    auto t = quant::parseQType(*text);
    if (!t) return Status::usage("type '{}': expected int8 or uint8", *text);
    scheme->type = *t;
  }
  if (a.reduceRange) s.weight.reduceRange = true;
  return Status::ok();
}

}  // namespace

Expected<std::optional<QuantizeSpec>> quantizeSpecOf(const QuantizeArgs& a) {
  if (a.calib.empty()) return std::optional<QuantizeSpec>();
  QuantizeSpec spec;
  spec.calib = a.calib;
  spec.cacheDir = a.cacheDir;
  if (!a.target.empty()) {
    NNP_ASSIGN_OR_RETURN(spec.options.scheme, quant::targetScheme(a.target));
  }
  NNP_RETURN_IF_ERROR(applyExplicit(a, spec.options.scheme));
  auto method = quant::parseCalibMethod(a.method);
  if (!method)
    return Status::usage("--calib-method '{}': expected minmax, ema, percentile, entropy or mse",
                         a.method);
  spec.options.method = *method;
  if (!(a.percentile > 50 && a.percentile <= 100))
    return Status::usage("--percentile {}: expected a value in (50, 100]", a.percentile);
  spec.options.percentile = a.percentile;
  spec.options.exclude = splitList(a.exclude);
  spec.calibCount = a.calibCount;
  spec.compareSamples = a.compareSamples;
  spec.format = a.format;
  spec.reportPath = a.report;
  if (!a.quiet && isatty(STDERR_FILENO)) {
    spec.progress = [](size_t done, size_t total) {
      const size_t width = 30, filled = total ? width * std::min(done, total) / total : 0;
      std::fprintf(stderr, "\rcalibrating [%s%s] %zu/%zu", std::string(filled, '#').c_str(),
                   std::string(width - filled, ' ').c_str(), done, total);
      if (done >= total) std::fprintf(stderr, "\n");
    };
  }
  return std::optional<QuantizeSpec>(std::move(spec));
}

void printQuantizeSummary(const QuantizeOutcome& o, bool quiet) {
  for (const auto& n : o.result.notes) std::cerr << "note: " << n << "\n";
  if (quiet) return;
  for (const auto& k : o.result.kept)
    if (k.reason != "no quantized form")
      std::cerr << "kept float: " << k.node << " (" << k.op << "): " << k.reason << "\n";
  if (!o.layers.empty()) std::cerr << quantizeReportTable(o, 10);
}

}  // namespace nnport::cli
