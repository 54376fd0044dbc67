// The on-disk IR pair (<prefix>.json + <prefix>.bin) as an input format.
#include "ir/serialize/ir_json.h"
#include "parsers/registry.h"

namespace nnport {

// The .bin beside a .json: "net.json" -> "net.bin".
std::string irBinPathFor(const std::string& jsonPath) {
  const std::string ext = fileExtension(jsonPath);
  return (ext == ".json" ? jsonPath.substr(0, jsonPath.size() - 5) : jsonPath) + ".bin";
}

void registerIrParser(ParserRegistry& r) {
  r.add({"ir",
         {".json"},
         "nnport on-disk IR: <prefix>.json (graph) + <prefix>.bin (weights)",
         [](const ParseRequest& req) -> Expected<std::unique_ptr<Model>> {
           std::string json = req.network, bin = req.weights;
           if (json.empty()) json = bin;
           if (fileExtension(json) != ".json")
             return Status::usage("{}: the IR graph is a .json file", json);
           if (bin.empty() || bin == json) bin = irBinPathFor(json);
           return readIr(json, bin);
         },
         /*postImport=*/""});
}

}  // namespace nnport
