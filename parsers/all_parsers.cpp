// The list of parsers; each registers itself from its own folder.
#include "parsers/registry.h"

namespace nnport {
namespace onnxproto {
void registerOnnxParser(ParserRegistry& r);
}
void registerIrParser(ParserRegistry& r);

void registerAllParsers(ParserRegistry& r) {
  onnxproto::registerOnnxParser(r);
  registerIrParser(r);
}

}  // namespace nnport
