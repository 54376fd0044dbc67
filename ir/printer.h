// The text form of the IR, for people and golden tests (`nnport inspect
// --ir`): a model header line, then the graph with one constant or node per
// line in topological order. Deterministic: the same graph always prints the
// same text. docs/ir-format.md gives the grammar.
#pragma once

#include <string>

#include "ir/graph.h"

namespace nnport {

struct PrintOptions {
  // Every constant's values and every list item, so the text reads back to
  // the same model (the .nnir format); otherwise constants over 8 elements
  // print as their type and lists over 32 items are cut.
  bool complete = false;
};

std::string printModel(const Model& m, const PrintOptions& options = {});
std::string printGraph(const Graph& g, const PrintOptions& options = {});

}  // namespace nnport
