// `nnport convert`, `nnport toir` and `nnport fromir`: one conversion engine
// (lib/pipeline) behind MMdnn's three spellings.
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

#include "lib/pipeline.h"
#include "tools/nnport/cli.h"

namespace nnport::cli {
namespace {

struct ConvertArgs {
  std::string positionalIn, positionalOut;
  std::string srcFormat, dstFormat, network, weights, output, prefix;
  std::vector<std::string> inputShapes, inNodes, outNodes;
  bool externalData = false, noVerify = false, json = false;
};

void addSourceOptions(CLI::App* c, ConvertArgs& a) {
  c->add_option("--srcFramework", a.srcFormat, "Source format: onnx, ir (-sf; default: extension)");
  c->add_option("--inputNetwork", a.network, "Network structure file (-in)");
  c->add_option("--inputWeight", a.weights, "Weights or single model file (-iw)");
  c->add_option("--inputShape", a.inputShapes,
                "Pin an input's dims: name:1,3,224,224 (repeatable)");
  c->add_option("--inNodeName", a.inNodes, "Cut the graph to start at these values (a,b)");
  c->add_option("--dstNodeName", a.outNodes, "Cut the graph to end at these values (a,b)");
  c->add_flag("--json", a.json, "Print the report as JSON");
}

void addDestinationOptions(CLI::App* c, ConvertArgs& a) {
  c->add_option("--dstFramework", a.dstFormat, "Destination format: onnx, ir (-df; default: extension)");
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
  if (!a.positionalIn.empty()) {
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
  o.inNodes = splitList(a.inNodes);
  o.outNodes = splitList(a.outNodes);
  o.emit.externalData = a.externalData;
  o.emit.verify = !a.noVerify;
  return o;
}

int run(const ConvertArgs& a, const ConvertOptions& o) {
  auto report = convertModel(o);
  if (!report) return reportError(report.status());
  if (a.json) {
    nlohmann::json j = {{"source_format", report->srcFormat}, {"destination_format", report->dstFormat},
                        {"output", report->output}, {"nodes_in", report->nodesIn},
                        {"nodes_out", report->nodesOut}, {"ops", report->opsOut},
                        {"steps", report->steps}};
    std::cout << j.dump(1) << "\n";
  } else {
    for (const auto& s : report->steps) std::cout << s << "\n";
  }
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
  c->add_option("--outputModel", args->output, "Output model file (-om)");
  c->footer(
      "Examples:\n"
      "  nnport convert model.onnx out.onnx\n"
      "  nnport convert -sf onnx -iw model.onnx -df onnx -om out.onnx\n"
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

void addToIr(CLI::App& app, Action& action) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* c = app.add_subcommand("toir", "Convert a model to the on-disk IR (<prefix>.json + .bin)");
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
  c->add_option("--inputWeight", args->weights, "IR weights: PREFIX.bin (-iw; default beside the json)");
  addDestinationOptions(c, *args);
  c->add_option("--outputModel", args->output, "Output model file (-om)")->required();
  c->add_flag("--json", args->json, "Print the report as JSON");
  c->footer("Examples:\n  nnport fromir -in model_ir.json -iw model_ir.bin -df onnx -om model.onnx");
  c->callback([&action, args] {
    action = [args] {
      auto o = toOptions(*args);
      if (!o) return reportError(o.status());
      o->srcFormat = "ir";
      return run(*args, *o);
    };
  });
}

}  // namespace nnport::cli
