// Fixture for the layer check (tests/CMakeLists.txt, layers.*): an IR header
// that includes the library layer above it. Never compiled.
#pragma once
#include "ir/graph.h"
#include "lib/pipeline.h"
