// The parser registry instance.
#include "parsers/registry.h"

namespace nnport {

ParserRegistry& ParserRegistry::instance() {
  static ParserRegistry* r = [] {
    auto* reg = new ParserRegistry();
    registerAllParsers(*reg);
    return reg;
  }();
  return *r;
}

}  // namespace nnport
