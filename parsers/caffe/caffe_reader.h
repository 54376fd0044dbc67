// Reading Caffe files into nnport's own schema (caffe_subset.proto): the
// text .prototxt and the binary .caffemodel, both as a NetParameter whose
// old-style V1 `layers` are rewritten as `layer` entries.
#pragma once

#include <memory>
#include <string>

#include "parsers/caffe/caffe_subset.pb.h"
#include "support/status.h"

namespace nnport::caffe {

// Text format; unknown fields are skipped, a syntax error names file:line:col.
Expected<std::unique_ptr<caffepb::NetParameter>> readPrototxt(const std::string& path);
Expected<std::unique_ptr<caffepb::NetParameter>> parsePrototxt(const std::string& text,
                                                               const std::string& file);
// Binary format of any size; a truncated or corrupt file is an error.
Expected<std::unique_ptr<caffepb::NetParameter>> readCaffemodel(const std::string& path);
// The same from bytes in memory; `file` names them in errors.
Expected<std::unique_ptr<caffepb::NetParameter>> parseCaffemodel(const uint8_t* data, size_t size,
                                                                 const std::string& file);

// Moves every V1 `layers` entry into `layer` with its type name ("Convolution").
// Layers before V1 (V0 `layer` inside `layers`) are not supported.
Status upgradeV1Layers(caffepb::NetParameter& net, const std::string& file);

}  // namespace nnport::caffe
