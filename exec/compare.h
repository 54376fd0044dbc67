// Numeric comparison of two tensors and of two models run on the same
// inputs: max abs/rel error, cosine similarity and SQNR, per output and,
// optionally, per intermediate tensor present in both models.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "exec/executor.h"

namespace nnport::exec {

struct ErrorStats {
  double maxAbs = 0, maxRel = 0, cosine = 1, sqnrDb = 0;
  bool shapeMismatch = false;
};

// `ref` is the reference (its power is SQNR's signal).
ErrorStats compareTensors(const RtTensor& got, const RtTensor& ref);

struct TensorComparison {
  std::string name;
  ErrorStats stats;
};

struct ModelComparison {
  std::vector<TensorComparison> outputs;
  std::vector<TensorComparison> layers;  // topological order of model A
  std::string firstJump;                 // first layer where the error jumps
};

Expected<ModelComparison> compareModels(const Model& a, const Model& b,
                                        const std::map<std::string, RtTensor>& inputs,
                                        bool perLayer, ExecOptions opts = {});

}  // namespace nnport::exec
