// The parser registry instance.
#include "parsers/registry.h"

#include <filesystem>

#include "ir/shape_inference.h"
#include "ir/verifier.h"

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
  // What the op records reject came from the input (a kernel size past the
  // limits, mismatched shapes): invalid input naming the node. What is left
  // to disagree is the parser's own arithmetic.
  NNP_RETURN_IF_ERROR(validateModel(m).withContext(file));
  InferOptions strict;
  strict.strict = true;
  auto inferred = inferShapes(m, strict);
  if (!inferred)
    return Status::internal("{}: the converted graph disagrees with shape inference: {}", file,
                            inferred.status().message());
  return Status::ok();
}

}  // namespace nnport
