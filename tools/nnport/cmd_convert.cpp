// `nnport convert`, `nnport toir` and `nnport fromir`: one conversion engine
// (lib/pipeline) behind MMdnn's three spellings.
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

#include "lib/pipeline.h"
#include "tools/nnport/cli.h"
#include "tools/nnport/quantize_args.h"

namespace nnport::cli {
namespace {

struct ConvertArgs {
  std::string positionalIn, positionalOut;
  std::string srcFormat, dstFormat, network, weights, output, prefix;
  std::vector<std::string> inputShapes, inNodes, outNodes, customLayers;
  bool externalData = false, noVerify = false, json = false;
  // Optimization (convert: none by default; optimize: -O2 by default).
  std::string optLevel, passes;
  std::vector<std::string> printAfter;
  std::string stopAfter;
  bool verifyEach = false, stats = false;
  QuantizeArgs quantize;
};

void addPassOptions(CLI::App* c, ConvertArgs& a) {
  c->add_option("-O,--opt-level", a.optLevel, "Optimization level: 0, 1 or 2 (-O2)");
  c->add_option("--passes", a.passes,
                "Pass pipeline, e.g. \"dce,{eliminate-identity,fuse-conv-bn}\"");
  c->add_option("--print-after", a.printAfter,
                "Print the text IR after this pass (repeatable; 'all')");
  c->add_option(
      "--stop-after", a.stopAfter,
      "Stop the pipeline after the first run of this pass and write the model as it is then");
  c->add_flag("--verify-each", a.verifyEach, "Run the IR verifier after every pass");
  c->add_flag("--stats", a.stats, "Report what each pass changed and how long it took");
}

// The pipeline string from -O / --passes (not both).
Expected<std::string> pipelineOf(const ConvertArgs& a, const std::string& defaultLevel) {
  if (!a.optLevel.empty() && !a.passes.empty())
    return Status::usage("give either -O or --passes, not both");
  if (!a.passes.empty()) {
    NNP_RETURN_IF_ERROR(parsePipeline(a.passes).status());
    return a.passes;
  }
  const std::string level = a.optLevel.empty() ? defaultLevel : a.optLevel;
  return levelPipeline(level.rfind('O', 0) == 0 ? level : "O" + level);
}

void addSourceOptions(CLI::App* c, ConvertArgs& a) {
  c->add_option(
      "--srcFramework", a.srcFormat,
      "Source format: onnx, ir, nnir, darknet, caffe, tensorflow (-sf; default: extension)");
  c->add_option("--inputNetwork", a.network, "Network structure file (-in)");
  c->add_option("--inputWeight", a.weights, "Weights or single model file (-iw)");
  c->add_option("--inputShape", a.inputShapes,
                "Pin an input's dims: name:1,3,224,224 (repeatable)");
  c->add_option("--inNodeName", a.inNodes, "Cut the graph to start at these values (a,b)");
  c->add_option("--dstNodeName", a.outNodes, "Cut the graph to end at these values (a,b)");
  c->add_option("--custom-layer", a.customLayers,
                "Carry an unknown layer type through as an opaque op: TYPE=opaque (repeatable)");
  c->add_flag("--json", a.json, "Print the report as JSON");
}

void addDestinationOptions(CLI::App* c, ConvertArgs& a) {
  c->add_option("--dstFramework", a.dstFormat,
                "Destination format: onnx, ir, nnir (-df; default: extension)");
  c->add_flag("--external-data", a.externalData,
              "Write weights to <output>.data (automatic past 2 GB)");
  c->add_flag("--no-verify", a.noVerify, "Skip the target's own checker on the output");
}

Expected<ConvertOptions> toOptions(const ConvertArgs& a) {
  ConvertOptions o;
  o.srcFormat = a.srcFormat;
  o.dstFormat = a.dstFormat;
  o.input.network = a.network;
  o.input.weights = a.weights;
  o.output = a.output;
  // `convert -in net.cfg -iw net.weights out.onnx`: with -in/-iw, a lone
  // positional argument is the output.
  const bool positionalIsOutput = !a.positionalIn.empty() && a.positionalOut.empty() &&
                                  a.output.empty() && (!a.network.empty() || !a.weights.empty());
  if (positionalIsOutput) {
    o.output = a.positionalIn;
  } else if (!a.positionalIn.empty()) {
    if (!a.network.empty() || !a.weights.empty())
      return Status::usage("give the input either as a positional argument or with -in/-iw");
    o.input.weights = a.positionalIn;
  }
  if (!a.positionalOut.empty()) {
    if (!a.output.empty()) return Status::usage("give the output either positionally or with -om");
    o.output = a.positionalOut;
  }
  for (const auto& s : a.inputShapes) {
    NNP_ASSIGN_OR_RETURN(InputShapeSpec spec, parseInputShape(s));
    o.inputShapes.push_back(std::move(spec));
  }
  for (const auto& c : splitList(a.customLayers)) {
    const auto eq = c.find('=');
    const std::string mode = eq == std::string::npos ? "" : c.substr(eq + 1);
    if (eq == 0 || mode != "opaque")
      return Status::usage("--custom-layer '{}': expected TYPE=opaque", c);
    o.input.customLayers[c.substr(0, eq)] = mode;
  }
  o.inNodes = splitList(a.inNodes);
  o.outNodes = splitList(a.outNodes);
  o.emit.externalData = a.externalData;
  o.emit.verify = !a.noVerify;
  NNP_ASSIGN_OR_RETURN(o.passes, pipelineOf(a, "O0"));
  for (const auto& p : splitList(a.printAfter)) {
    if (p != "all" && !PassRegistry::instance().find(p))
      return Status::usage("--print-after: unknown pass '{}'; valid passes: {}", p,
                           PassRegistry::instance().namesList());
    o.passOptions.printAfter.insert(p);
  }
  if (!a.stopAfter.empty() && !PassRegistry::instance().find(a.stopAfter))
    return Status::usage("--stop-after: unknown pass '{}'; valid passes: {}", a.stopAfter,
                         PassRegistry::instance().namesList());
  o.passOptions.stopAfter = a.stopAfter;
  o.passOptions.verifyEach = a.verifyEach;
  NNP_ASSIGN_OR_RETURN(o.quantize, quantizeSpecOf(a.quantize));
  return o;
}

int run(const ConvertArgs& a, const ConvertOptions& o) {
  auto report = convertModel(o);
  if (!report) return reportError(report.status());
  if (a.json) {
    nlohmann::json j = {{"source_format", report->srcFormat},
                        {"destination_format", report->dstFormat},
                        {"output", report->output},
                        {"nodes_in", report->nodesIn},
                        {"nodes_out", report->nodesOut},
                        {"ops", report->opsOut},
                        {"steps", report->steps}};
    std::cout << jsonText(j) << "\n";
  } else {
    for (const auto& s : report->steps) std::cout << s << "\n";
  }
  if (a.stats && report->passes) std::cerr << report->passes->str();
  if (report->quantization) printQuantizeSummary(*report->quantization, a.quantize.quiet);
  return kExitOk;
}

}  // namespace

void addConvert(CLI::App& app, Action& action) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* c = app.add_subcommand("convert", "Convert a model between formats");
  c->add_option("input", args->positionalIn, "Input model (short form; format from extension)");
  c->add_option("output", args->positionalOut, "Output model (short form)");
  addSourceOptions(c, *args);
  addDestinationOptions(c, *args);
  addPassOptions(c, *args);
  addQuantizeOptions(c, args->quantize);
  c->add_option("--outputModel", args->output, "Output model file (-om)");
  c->footer(
      "Examples:\n"
      "  nnport convert model.onnx out.onnx\n"
      "  nnport convert -sf onnx -iw model.onnx -df onnx -om out.onnx\n"
      "  nnport convert -sf darknet -in yolov3-tiny.cfg -iw yolov3-tiny.weights out.onnx\n"
      "  nnport convert model.onnx out.onnx --inputShape input:1,3,224,224\n"
      "  nnport convert model.onnx head.onnx --dstNodeName /layer4/Relu_1\n"
      "  nnport convert big.onnx out.onnx --external-data");
  c->callback([&action, args] {
    action = [args] {
      auto o = toOptions(*args);
      if (!o) return reportError(o.status());
      return run(*args, *o);
    };
  });
}

void addOptimize(CLI::App& app, Action& action) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* c = app.add_subcommand("optimize", "Run optimization passes on a model (default -O2)");
  c->add_option("input", args->positionalIn, "Input model")->required();
  c->add_option("-o,--output", args->output, "Output model")->required();
  c->add_option(
      "--inputShape", args->inputShapes,
      "Pin an input's dims before the passes (static-shape specialization): name:1,3,224,224");
  addPassOptions(c, *args);
  addDestinationOptions(c, *args);
  c->add_flag("--json", args->json, "Print the report as JSON");
  c->footer(
      "Examples:\n"
      "  nnport optimize model.onnx -o opt.onnx\n"
      "  nnport optimize model.onnx -o opt.onnx --inputShape input:1,3,224,224   # fold shape "
      "subgraphs\n"
      "  nnport optimize model.onnx -o opt.onnx -O1 --stats\n"
      "  nnport optimize model.onnx -o opt.onnx --passes \"{eliminate-identity,fuse-conv-bn},dce\" "
      "--verify-each\n"
      "  nnport passes   # lists the passes and levels");
  c->callback([&action, args] {
    action = [args] {
      ConvertArgs a = *args;
      if (a.optLevel.empty() && a.passes.empty()) a.optLevel = "2";
      auto o = toOptions(a);
      if (!o) return reportError(o.status());
      return run(a, *o);
    };
  });
}

void addToIr(CLI::App& app, Action& action) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* c =
      app.add_subcommand("toir", "Convert a model to the on-disk IR (<prefix>.json + .bin)");
  addSourceOptions(c, *args);
  c->add_option("-o,--dstPath", args->prefix, "Output prefix: writes PREFIX.json and PREFIX.bin")
      ->required();
  c->footer("Examples:\n  nnport toir -sf onnx -iw model.onnx -o model_ir");
  c->callback([&action, args] {
    action = [args] {
      auto o = toOptions(*args);
      if (!o) return reportError(o.status());
      o->dstFormat = "ir";
      o->output = args->prefix + ".json";
      return run(*args, *o);
    };
  });
}

void addFromIr(CLI::App& app, Action& action) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* c = app.add_subcommand("fromir", "Convert the on-disk IR to a model format");
  c->add_option("--inputNetwork", args->network, "IR graph: PREFIX.json (-in)")->required();
  c->add_option("--inputWeight", args->weights,
                "IR weights: PREFIX.bin (-iw; default beside the json)");
  addDestinationOptions(c, *args);
  c->add_option("--outputModel", args->output, "Output model file (-om)")->required();
  c->add_flag("--json", args->json, "Print the report as JSON");
  c->footer(
      "Examples:\n  nnport fromir -in model_ir.json -iw model_ir.bin -df onnx -om model.onnx");
  c->callback([&action, args] {
    action = [args] {
      auto o = toOptions(*args);
      if (!o) return reportError(o.status());
      o->srcFormat = "ir";
      return run(*args, *o);
    };
  });
}

void addQuantize(CLI::App& app, Action& action) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* c = app.add_subcommand(
      "quantize", "INT8 post-training quantization of a float model (runs -O2 first)");
  c->add_option("input", args->positionalIn, "Input float model")->required();
  c->add_option("-o,--output", args->output, "Output quantized model")->required();
  addQuantizeOptions(c, args->quantize);
  c->get_option("--calib")->required();
  addPassOptions(c, *args);
  addDestinationOptions(c, *args);
  c->add_flag("--json", args->json, "Print the report as JSON");
  c->footer(
      "Examples:\n"
      "  nnport quantize model.onnx -o model_int8.onnx --calib calib_npy/\n"
      "  nnport quantize model.onnx -o q.onnx --calib calib/ --target tensorrt --report r.json\n"
      "  nnport quantize model.onnx -o q.onnx --calib calib/ --scheme sym --per-tensor "
      "--calib-method percentile --percentile 99.99 --exclude /head/Conv");
  c->callback([&action, args] {
    action = [args] {
      ConvertArgs a = *args;
      if (a.optLevel.empty() && a.passes.empty()) a.optLevel = "2";
      auto o = toOptions(a);
      if (!o) return reportError(o.status());
      return run(a, *o);
    };
  });
}

}  // namespace nnport::cli
