// The TensorFlow parser's entry points: the registered one reads the frozen
// graph a ParseRequest names; the in-memory one (for fuzzing and embedding)
// takes the GraphDef bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "parsers/registry.h"

namespace nnport::tf {

Expected<std::unique_ptr<Model>> parseTensorflow(const ParseRequest& req);

// `file` stands for the bytes in errors; req's file names are unused.
Expected<std::unique_ptr<Model>> parseTensorflowFromMemory(const uint8_t* data, size_t size,
                                                           const ParseRequest& req,
                                                           const std::string& file = "frozen.pb");

}  // namespace nnport::tf
