// The parser registry instance.
#include "parsers/registry.h"

#include <filesystem>

#include "ir/shape_inference.h"

namespace nnport {

ParserRegistry& ParserRegistry::instance() {
  static ParserRegistry* r = [] {
    auto* reg = new ParserRegistry();
    registerAllParsers(*reg);
    return reg;
  }();
  return *r;
}

std::string graphNameFromPath(const std::string& path) {
  return std::filesystem::path(path).stem().string();
}

Status checkConvertedShapes(Model& m, const std::string& file) {
  InferOptions strict;
  strict.strict = true;
  auto inferred = inferShapes(m, strict);
  if (!inferred)
    return Status::internal("{}: the converted graph disagrees with shape inference: {}", file,
                            inferred.status().message());
  return Status::ok();
}

}  // namespace nnport
