// A user-given input shape (--inputShape name:1,3,224,224): the parsers of
// formats that do not declare their inputs' dims read it, and the converter
// pins graph inputs with it (lib/graph_edit.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nnport {

struct InputShapeSpec {
  std::string name;  // empty: the only input
  std::vector<int64_t> dims;
};

}  // namespace nnport
