// The library entry points behind the CLI: load a model in any registered
// format, apply the requested edits, and emit it. Scripts and bindings call
// these and get exactly the CLI's behaviour.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "emitters/registry.h"
#include "ir/graph.h"
#include "lib/graph_edit.h"
#include "lib/quantize.h"
#include "parsers/registry.h"
#include "passes/pass_manager.h"

namespace nnport {

// `format` may be empty: then it is taken from the file extension.
Expected<std::unique_ptr<Model>> loadModel(const std::string& format, const ParseRequest& req);
// What loadModel does after `parser` parsed `m` from `file`: runs the
// parser's post-import passes, then checks the model against its op records.
Status finishImport(Model& m, const Parser& parser, const std::string& file);
// A model in one file (ONNX, nnport IR, a frozen TensorFlow graph).
Expected<std::unique_ptr<Model>> loadModelFile(const std::string& path,
                                               const std::string& format = "");
Status saveModel(const Model& m, const std::string& format, const std::string& path,
                 const EmitOptions& opts);

struct ConvertOptions {
  std::string srcFormat, dstFormat;  // empty: from extensions
  ParseRequest input;
  std::string output;
  std::vector<InputShapeSpec> inputShapes;
  std::vector<std::string> inNodes, outNodes;
  std::string passes;  // a pipeline string (passes/pass_manager.h); empty: none
  PassManagerOptions passOptions;
  std::optional<QuantizeSpec> quantize;  // after the passes
  EmitOptions emit;
};

struct ConvertReport {
  std::string srcFormat, dstFormat, output;
  size_t nodesIn = 0, nodesOut = 0;
  std::map<std::string, size_t> opsOut;
  std::vector<std::string> steps;  // what was done, in order
  std::optional<PassReport> passes;
  std::optional<QuantizeOutcome> quantization;
};

Expected<ConvertReport> convertModel(const ConvertOptions& opts);

}  // namespace nnport
