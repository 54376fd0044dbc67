// Shared helpers of the interpreter kernel tests: runtime tensors from
// values, and one op run as a single-node model with its inputs as graph
// inputs.
#pragma once

#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "exec/executor.h"
#include "tests/unit/test_graphs.h"

namespace nnport::testing {

template <typename T>
exec::RtTensor tensor(DType d, std::vector<int64_t> dims, std::vector<T> values) {
  exec::RtTensor t = exec::RtTensor::allocate(d, std::move(dims));
  REQUIRE(static_cast<int64_t>(values.size()) == t.numElements());
  std::copy(values.begin(), values.end(), t.data<T>());
  return t;
}

inline exec::RtTensor floats(std::vector<int64_t> dims, std::vector<float> values) {
  return tensor<float>(DType::Float32, std::move(dims), std::move(values));
}

// One `op` node whose inputs are graph inputs (an empty tensor omits one).
inline Expected<exec::NamedTensors> tryOp(const std::string& op, int64_t opset,
                                          const std::vector<exec::RtTensor>& inputs,
                                          std::vector<Attribute> attrs = {},
                                          size_t numOutputs = 1) {
  Model m;
  m.opsets = {{"", opset}};
  Graph& g = m.graph;
  std::vector<Value*> ins;
  std::map<std::string, exec::RtTensor> feed;
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (inputs[i].empty()) {
      ins.push_back(nullptr);
      continue;
    }
    const std::string name = "in" + std::to_string(i);
    std::vector<Dim> dims(inputs[i].dims().begin(), inputs[i].dims().end());
    ins.push_back(g.addInput(name, tt(inputs[i].dtype(), dims)));
    feed[name] = inputs[i];
  }
  std::vector<std::string> outs;
  for (size_t i = 0; i < numOutputs; ++i) outs.push_back("out" + std::to_string(i));
  Node* n = g.addNode(op, "", ins, outs, "node");
  for (Attribute& a : attrs) n->attrs.set(std::move(a));
  for (size_t i = 0; i < numOutputs; ++i) g.addOutput(n->output(i));
  auto e = exec::Executor::create(m, {exec::KernelSet::Reference, 1});
  if (!e) return e.status();
  return (*e)->run(feed);
}

// tryOp that must succeed.
inline exec::NamedTensors runOp(const std::string& op, int64_t opset,
                                const std::vector<exec::RtTensor>& inputs,
                                std::vector<Attribute> attrs = {}, size_t numOutputs = 1) {
  auto r = tryOp(op, opset, inputs, std::move(attrs), numOutputs);
  INFO((r.hasValue() ? "" : r.status().message()));
  REQUIRE(r.hasValue());
  return *r;
}

}  // namespace nnport::testing
