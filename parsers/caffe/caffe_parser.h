// The Caffe parser's entry points: the registered one reads the files a
// ParseRequest names; the in-memory one (for fuzzing and embedding) takes
// the prototxt text and the caffemodel bytes.
#pragma once

#include <memory>
#include <string>

#include "parsers/registry.h"

namespace nnport::caffe {

Expected<std::unique_ptr<Model>> parseCaffe(const ParseRequest& req);

// `caffemodel` empty: no weights, as a prototxt without its caffemodel.
// The names stand for the two parts in errors; req's file names are unused.
Expected<std::unique_ptr<Model>> parseCaffeFromMemory(
    const std::string& prototxt, const std::string& caffemodel, const ParseRequest& req,
    const std::string& prototxtName = "net.prototxt",
    const std::string& caffemodelName = "net.caffemodel");

}  // namespace nnport::caffe
