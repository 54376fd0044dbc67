// The list of parsers; each registers itself from its own folder.
#include "parsers/registry.h"

namespace nnport {
namespace onnxproto {
void registerOnnxParser(ParserRegistry& r);
}
void registerIrParser(ParserRegistry& r);
void registerNnirParser(ParserRegistry& r);
namespace darknet {
void registerDarknetParser(ParserRegistry& r);
}
namespace tf {
void registerTensorflowParser(ParserRegistry& r);
}
namespace caffe {
void registerCaffeParser(ParserRegistry& r);
}

void registerAllParsers(ParserRegistry& r) {
  onnxproto::registerOnnxParser(r);
  registerIrParser(r);
  registerNnirParser(r);
  darknet::registerDarknetParser(r);
  tf::registerTensorflowParser(r);
  caffe::registerCaffeParser(r);
}

}  // namespace nnport
