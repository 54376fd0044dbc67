// The text form of the IR, for people and golden tests (`nnport inspect
// --ir`): a model header line, then the graph with one constant or node per
// line in topological order. Deterministic: the same graph always prints the
// same text. docs/ir-format.md gives the grammar.
#pragma once

#include <string>

#include "ir/graph.h"

namespace nnport {

std::string printModel(const Model& m);
std::string printGraph(const Graph& g);

}  // namespace nnport
