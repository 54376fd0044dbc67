// Parsers, keyed by format name ("onnx", "nnport-ir", later "caffe",
// "darknet", "tensorflow"). Each reads framework files into a Model.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/input_shape_spec.h"
#include "support/format_registry.h"

namespace nnport {

struct ParseRequest {
  std::string network;  // -in: structure file (prototxt, cfg, IR json); may be empty
  std::string weights;  // -iw: weights or single model file
  // What formats that do not declare their graph's inputs and outputs
  // (TensorFlow GraphDefs) need; the converter also cuts and pins the parsed
  // graph with them, so other parsers may ignore them.
  std::vector<std::string> inputs, outputs;  // --inNodeName, --dstNodeName
  std::vector<InputShapeSpec> inputShapes;   // --inputShape
  // --custom-layer TYPE=MODE: how to carry layer types the parser does not
  // know; the only mode is "opaque" (kept as an op of that type).
  std::map<std::string, std::string> customLayers;
};

struct Parser {
  std::string name;
  std::vector<std::string> extensions;  // ".onnx"
  std::string description;
  std::function<Expected<std::unique_ptr<Model>>(const ParseRequest&)> parse;
  // Passes the import needs after parse (a pipeline string, as
  // passes/pass_manager.h reads it; empty: none). Parsers depend on ir/ only,
  // so they name these passes and lib/ runs them (lib/pipeline.h
  // finishImport); the outputs' declared types are then refreshed.
  std::string postImport;
};

class ParserRegistry : public FormatRegistry<Parser> {
 public:
  static ParserRegistry& instance();
};

void registerAllParsers(ParserRegistry& r);  // parsers/all_parsers.cpp

// What the framework parsers share (parsers/registry.cpp).
// The graph's default name: the file name without folder and extension.
std::string graphNameFromPath(const std::string& path);
// The last step of a framework parser: the op records' checks over the
// graph it built (a rejection is invalid input: the values came from the
// file), then strict shape inference. A disagreement left is a parser bug:
// an internal error naming `file` and inference's message.
Status checkConvertedShapes(Model& m, const std::string& file);

}  // namespace nnport
