// The on-disk IR: a pair of files, <name>.json describing the model (metadata,
// values, initializers, nodes, attributes) and <name>.bin holding every byte
// blob (tensor data, serialized source-format messages, strings that are not
// valid UTF-8) at 64-byte aligned offsets. Reading maps the .bin and makes
// tensors zero-copy slices of it. docs/ir-format.md describes both files.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "ir/graph.h"
#include "ir/tensor.h"
#include "support/status.h"

namespace nnport {

inline constexpr const char* kIrFormatName = "nnport-ir";
inline constexpr int64_t kIrFormatVersion = 1;
inline constexpr size_t kIrBlobAlignment = 64;

// Writes the model to exactly these two paths (no temporary files; callers
// wanting atomic replacement write to temporaries and rename). Fails without
// writing a usable pair when the graph cannot be represented: values without
// a name, two values with one name, a produced value that is also an input or
// a constant, a tensor whose bytes do not match its dims.
Status writeIr(const Model& m, const std::string& jsonPath, const std::string& binPath);

// The same encoding into memory (tests and fuzzer seeds).
Status writeIrToStrings(const Model& m, std::string* json, std::string* bin);

// Reads and validates a pair written by writeIr. Errors are one line naming
// the JSON file and the offending node or value.
Expected<std::unique_ptr<Model>> readIr(const std::string& jsonPath, const std::string& binPath);

// The same reader over in-memory input; tensors become slices of `bin`
// (which may be null when the JSON references no blob). `nameForErrors`
// stands in for the JSON file name in messages.
Expected<std::unique_ptr<Model>> readIrFromMemory(const std::string& json,
                                                  std::shared_ptr<Buffer> bin,
                                                  const std::string& nameForErrors);

}  // namespace nnport
