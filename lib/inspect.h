// Model statistics for `nnport inspect`: inputs/outputs, op histogram,
// parameters, MACs per layer and in total, the largest tensors.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace nnport {

struct LayerCost {
  std::string node, op;
  int64_t macs = 0;
};

struct TensorSize {
  std::string name;
  std::string type;
  int64_t bytes = 0;
  bool constant = false;
};

struct ModelStats {
  struct Io {
    std::string name;
    TensorType type;
  };
  std::vector<Io> inputs, outputs;
  size_t nodes = 0;
  std::map<std::string, size_t> ops;  // op type -> count
  int64_t params = 0;                 // initializer and Constant elements, less BN statistics
  int64_t paramBytes = 0;
  int64_t buffers = 0;  // BatchNormalization running statistics
  int64_t macs = 0;
  std::vector<LayerCost> layers;            // nodes with a cost, topological order
  std::vector<TensorSize> largest;          // top tensors by bytes
  std::vector<std::string> inferenceNotes;  // nodes whose shapes could not be inferred
};

// Runs lenient shape inference (symbolic dims count as 1 in costs).
Expected<ModelStats> computeStats(Model& m, size_t topTensors = 10);
nlohmann::json statsToJson(const ModelStats& s);
std::string statsToText(const ModelStats& s, const std::string& file);

}  // namespace nnport
