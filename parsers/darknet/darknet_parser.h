// The Darknet parser's entry points: parseDarknet reads the cfg and weights
// files a ParseRequest names (registered as format "darknet");
// parseDarknetBuffers takes both files' contents, for callers that hold them
// in memory (the fuzz harness), and names them as given in errors.
#pragma once

#include <memory>
#include <string>

#include "ir/graph.h"
#include "parsers/registry.h"

namespace nnport::darknet {

Expected<std::unique_ptr<Model>> parseDarknet(const ParseRequest& req);
Expected<std::unique_ptr<Model>> parseDarknetBuffers(const std::string& cfgText,
                                                     const std::string& cfgName,
                                                     std::string weightsBytes,
                                                     const std::string& weightsName);

}  // namespace nnport::darknet
