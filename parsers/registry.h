// Parsers, keyed by format name ("onnx", "nnport-ir", later "caffe",
// "darknet", "tensorflow"). Each reads framework files into a Model.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "lib/format_registry.h"

namespace nnport {

struct ParseRequest {
  std::string network;  // -in: structure file (prototxt, cfg, IR json); may be empty
  std::string weights;  // -iw: weights or single model file
};

struct Parser {
  std::string name;
  std::vector<std::string> extensions;  // ".onnx"
  std::string description;
  std::function<Expected<std::unique_ptr<Model>>(const ParseRequest&)> parse;
};

class ParserRegistry : public FormatRegistry<Parser> {
 public:
  static ParserRegistry& instance();
};

void registerAllParsers(ParserRegistry& r);  // parsers/all_parsers.cpp

}  // namespace nnport
