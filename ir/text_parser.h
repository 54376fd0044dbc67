// Reads the text form of the IR (ir/printer.h, docs/ir-format.md) back into
// a Model, so tests can state graphs and expected rewrites as text:
//
//   model opsets=[ai.onnx:13]
//   graph g (%x: f32[1,4,8,8]) -> (%y: f32[1,8,8,8]) {
//     %w = const f32[8,4,3,3]
//     %y = Relu(%c) : f32[1,8,8,8]
//     %c = Conv(%x, %w) {pads=[1,1,1,1]}  # conv
//   }
//
// The model line is optional (default: opset 17). Constants printed without
// values (more than 8 elements) get deterministic pseudo-random values from
// their name, so a printed graph reads back into a runnable one. Opaque
// parts (<graph N bytes>, foreign types) cannot be read back: an error.
#pragma once

#include <memory>
#include <string>

#include "ir/graph.h"

namespace nnport {

// Errors name the line and column.
Expected<std::unique_ptr<Model>> parseModelText(const std::string& text);

}  // namespace nnport
