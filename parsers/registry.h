// Parsers, keyed by format name ("onnx", "nnport-ir", later "caffe",
// "darknet", "tensorflow"). Each reads framework files into a Model.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"

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

class ParserRegistry {
 public:
  static ParserRegistry& instance();
  void add(Parser p) { parsers_.push_back(std::move(p)); }
  const Parser* find(const std::string& name) const;
  const Parser* forPath(const std::string& path) const;  // by extension
  std::vector<std::string> names() const;

 private:
  std::vector<Parser> parsers_;
};

void registerAllParsers(ParserRegistry& r);  // parsers/all_parsers.cpp

// Lower-case extension with the dot ("model.ONNX" -> ".onnx"); "" if none.
std::string fileExtension(const std::string& path);

}  // namespace nnport
