#include "lib/quantize.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>

#include "ir/clone.h"
#include "ir/shape_inference.h"
#include "lib/calib_cache.h"
#include "lib/calib_data.h"
#include "quantize/plan.h"

namespace nnport {
namespace {

std::vector<quant::CompareTarget> targetsOf(const Model& q, const quant::QuantizeResult& r) {
  // A quantized node's output keeps its float name (a graph output's is
  // the DequantizeLinear after it), so each compares with its float twin.
  std::vector<quant::CompareTarget> out;
  for (size_t i = 0; i < r.nodes.size(); ++i) {
    const Node* n = q.graph.findNode(r.nodes[i]);
    if (n) out.push_back({r.outputs[i], n->name(), n->opType()});
  }
  return out;
}

// A hint for a layer that lost much: what to try first.
std::string hintFor(const quant::LayerScore& l, const QuantizeSpec& spec) {
  if (l.sqnrDb >= 20) return "";
  if (!spec.options.scheme.perChannel && (l.op == "Conv" || l.op == "Gemm" || l.op == "MatMul"))
    return "try --per-channel";
  if (spec.options.method == quant::CalibMethod::MinMax)
    return "try --calib-method percentile or entropy";
  return fmt::format("try --exclude {}", l.node.empty() ? l.tensor : l.node);
}

Expected<quant::Calibration> runCalibration(const Model& m, const quant::QuantPlan& plan,
                                            const QuantizeSpec& spec, bool histograms) {
  NNP_ASSIGN_OR_RETURN(size_t files, countCalibrationFiles(spec.calib, m));
  NNP_ASSIGN_OR_RETURN(quant::SampleSource source, npyCalibrationSource(spec.calib, m));
  quant::CalibrationOptions co;
  co.histograms = histograms;
  co.maxSamples = spec.calibCount;
  const size_t total = spec.calibCount ? std::min(spec.calibCount, files) : files;
  if (spec.progress) co.progress = [&](size_t done) { spec.progress(done, total); };
  return quant::calibrate(m, plan.tensors, source, co);
}

// With a cache, every method must be servable later: histograms are kept.
Expected<quant::Calibration> calibrateOrLoad(const Model& m, const quant::QuantPlan& plan,
                                             const QuantizeSpec& spec, QuantizeOutcome& out) {
  if (spec.cacheDir.empty())
    return runCalibration(m, plan, spec, quant::needsHistogram(spec.options.method));
  NNP_ASSIGN_OR_RETURN(out.cacheFile,
                       calibCachePath(spec.cacheDir, m, spec.calib, spec.calibCount));
  NNP_ASSIGN_OR_RETURN(auto cached, loadCalibCache(out.cacheFile, plan.tensors));
  if (cached) {
    out.fromCache = true;
    return std::move(*cached);
  }
  NNP_ASSIGN_OR_RETURN(quant::Calibration cal, runCalibration(m, plan, spec, true));
  NNP_RETURN_IF_ERROR(saveCalibCache(out.cacheFile, cal));
  return cal;
}

nlohmann::json number(double v) {
  return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(v > 0 ? "inf" : "-inf");
}

}  // namespace

Expected<QuantizeOutcome> quantizeInPlace(Model& m, const QuantizeSpec& spec) {
  if (spec.format != "qdq" && spec.format != "qoperator")
    return Status::usage("--format '{}': expected qdq or qoperator", spec.format);
  if (quant::isQuantized(m.graph))
    return Status::invalid(
        "the model already holds quantized ops (QuantizeLinear, QLinear*); "
        "nnport quantizes float models");
  // The plan reads value types: infer them (leniently: a node inference
  // cannot type stays float, with that reason).
  NNP_RETURN_IF_ERROR(inferShapes(m).status());
  NNP_ASSIGN_OR_RETURN(quant::QuantPlan plan, quant::planQuantization(m, spec.options));
  QuantizeOutcome out;
  const auto start = std::chrono::steady_clock::now();
  NNP_ASSIGN_OR_RETURN(quant::Calibration cal, calibrateOrLoad(m, plan, spec, out));
  out.calibrationMs =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  NNP_ASSIGN_OR_RETURN(std::unique_ptr<Model> original, cloneModel(m));
  out.samples = cal.samples;
  NNP_ASSIGN_OR_RETURN(out.result, quant::insertQdq(m, plan, cal, spec.options));
  if (spec.compareSamples > 0) {
    NNP_ASSIGN_OR_RETURN(quant::SampleSource again, npyCalibrationSource(spec.calib, *original));
    NNP_ASSIGN_OR_RETURN(out.layers, quant::compareLayers(*original, m, targetsOf(m, out.result),
                                                          again, spec.compareSamples));
  }
  // The layer scores come from the QDQ form (each op's float output next to
  // its twin); the integer ops then replace the patterns they match.
  if (spec.format == "qoperator") {
    NNP_ASSIGN_OR_RETURN(out.qoperator, quant::toQOperator(m));
  }
  return out;
}

Expected<quant::QOperatorResult> prepareIntegerExecution(Model& m) {
  if (!quant::isQuantized(m.graph)) return quant::QOperatorResult{};
  return quant::toQOperator(m);
}

std::string quantizeReportJson(const QuantizeOutcome& o, const QuantizeSpec& spec) {
  using nlohmann::json;
  const quant::Scheme& s = spec.options.scheme;
  json j;
  j["scheme"] = {{"activation_type", quant::qtypeName(s.activation.type)},
                 {"activation_symmetric", s.activation.symmetric},
                 {"weight_type", quant::qtypeName(s.weight.type)},
                 {"weight_symmetric", s.weight.symmetric},
                 {"per_channel", s.perChannel},
                 {"reduce_range", s.weight.reduceRange},
                 {"calib_method", quant::methodName(spec.options.method)},
                 {"format", spec.format}};
  if (spec.options.method == quant::CalibMethod::Percentile)
    j["scheme"]["percentile"] = spec.options.percentile;
  j["samples"] = o.samples;
  j["calibration_ms"] = o.calibrationMs;
  j["calibration_cache"] = o.cacheFile.empty()
                               ? nlohmann::json(nullptr)
                               : nlohmann::json{{"file", o.cacheFile}, {"hit", o.fromCache}};
  j["quantized_nodes"] = o.result.nodes;
  j["weights"] = o.result.weights;
  j["float_nodes"] = json::array();
  for (const auto& k : o.result.kept)
    j["float_nodes"].push_back({{"node", k.node}, {"op", k.op}, {"reason", k.reason}});
  j["tensors"] = json::array();
  for (const auto& t : o.result.tensors) {
    json e = {{"name", t.name},
              {"type", quant::qtypeName(t.type)},
              {"scale", t.affine.scale},
              {"zero_point", t.affine.zeroPoint},
              {"range", {t.range.min, t.range.max}},
              {"observed", {t.observedMin, t.observedMax}}};
    e["clipped_fraction"] = t.clipped ? json(*t.clipped) : json(nullptr);
    j["tensors"].push_back(e);
  }
  j["layers"] = json::array();
  for (const auto& l : o.layers)
    j["layers"].push_back({{"tensor", l.tensor},
                           {"node", l.node},
                           {"op", l.op},
                           {"graph_output", l.output},
                           {"sqnr_db", number(l.sqnrDb)},
                           {"cosine", number(l.cosine)},
                           {"max_abs_error", number(l.maxAbsError)},
                           {"hint", hintFor(l, spec)}});
  j["notes"] = o.result.notes;
  if (spec.format == "qoperator") {
    j["qoperator"] = {{"converted", o.qoperator.converted}, {"kept_qdq", json::array()}};
    for (const auto& k : o.qoperator.kept)
      j["qoperator"]["kept_qdq"].push_back({{"node", k.node}, {"op", k.op}, {"reason", k.reason}});
  }
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

std::string quantizeReportTable(const QuantizeOutcome& o, size_t rows) {
  std::string out =
      fmt::format("{:<40} {:<18} {:>9} {:>8}\n", "layer (worst first)", "op", "SQNR dB", "cosine");
  for (size_t i = 0; i < o.layers.size() && i < rows; ++i) {
    const auto& l = o.layers[i];
    out += fmt::format("{:<40} {:<18} {:>9.2f} {:>8.5f}{}\n", l.node.empty() ? l.tensor : l.node,
                       l.op, l.sqnrDb, l.cosine, l.output ? "  (output)" : "");
  }
  return out;
}

}  // namespace nnport
