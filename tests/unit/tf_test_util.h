// Shared pieces of the [tensorflow] tests: GraphDefs built with the classes
// protoc generates from parsers/tensorflow/tf_graph_subset.proto, parsing
// them through the registry, running the result in the reference
// interpreter, and naive NHWC loops written from TF's documented semantics.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "exec/executor.h"
#include "lib/pipeline.h"
#include "parsers/registry.h"
#include "parsers/tensorflow/tf_graph_subset.pb.h"
#include "tests/unit/bad_input_harness.h"

namespace tftest {

using namespace nnport;
namespace pb = nnport::tfpb;

class GraphBuilder {
 public:
  pb::NodeDef* node(const std::string& name, const std::string& op,
                    const std::vector<std::string>& inputs = {}) {
    pb::NodeDef* n = g.add_node();
    n->set_name(name);
    n->set_op(op);
    for (const auto& i : inputs) n->add_input(i);
    return n;
  }
  static void ints(pb::NodeDef* n, const std::string& key, const std::vector<int64_t>& v) {
    for (int64_t x : v) (*n->mutable_attr())[key].mutable_list()->add_i(x);
  }
  static void str(pb::NodeDef* n, const std::string& key, const std::string& v) {
    (*n->mutable_attr())[key].set_s(v);
  }
  static void flag(pb::NodeDef* n, const std::string& key, bool v) {
    (*n->mutable_attr())[key].set_b(v);
  }
  static void integer(pb::NodeDef* n, const std::string& key, int64_t v) {
    (*n->mutable_attr())[key].set_i(v);
  }

  void placeholder(const std::string& name, const std::vector<int64_t>& dims) {
    pb::NodeDef* n = node(name, "Placeholder");
    (*n->mutable_attr())["dtype"].set_type(pb::DT_FLOAT);
    auto* s = (*n->mutable_attr())["shape"].mutable_shape();
    for (int64_t d : dims) s->add_dim()->set_size(d);
  }
  pb::TensorProto* constTensor(const std::string& name, pb::DataType t,
                               const std::vector<int64_t>& dims) {
    pb::NodeDef* n = node(name, "Const");
    (*n->mutable_attr())["dtype"].set_type(t);
    pb::TensorProto* tp = (*n->mutable_attr())["value"].mutable_tensor();
    tp->set_dtype(t);
    for (int64_t d : dims) tp->mutable_tensor_shape()->add_dim()->set_size(d);
    return tp;
  }
  // Floats as raw tensor_content.
  void floats(const std::string& name, const std::vector<int64_t>& dims,
              const std::vector<float>& v) {
    constTensor(name, pb::DT_FLOAT, dims)
        ->set_tensor_content(std::string(reinterpret_cast<const char*>(v.data()), v.size() * 4));
  }
  void int32s(const std::string& name, const std::vector<int64_t>& dims,
              const std::vector<int32_t>& v) {
    pb::TensorProto* t = constTensor(name, pb::DT_INT32, dims);
    for (int32_t x : v) t->add_int_val(x);
  }
  std::string bytes() const {
    std::string s;
    REQUIRE(g.SerializeToString(&s));
    return s;
  }

  pb::GraphDef g;
};

inline Expected<std::unique_ptr<Model>> parse(const badinput::Workspace& ws, const GraphBuilder& gb,
                                              std::vector<std::string> outputs = {},
                                              std::vector<InputShapeSpec> shapes = {}) {
  const auto path = ws.in() / "frozen.pb";
  badinput::writeFile(path, gb.bytes());
  ParseRequest req;
  req.weights = path.string();
  req.outputs = std::move(outputs);
  req.inputShapes = std::move(shapes);
  return loadModel("tensorflow", req);
}

// Runs the model's only input on `x` (dims `dims`) and returns output 0.
inline exec::RtTensor run(const Model& m, const std::vector<int64_t>& dims,
                          const std::vector<float>& x, size_t output = 0) {
  auto e = exec::Executor::create(m, {exec::KernelSet::Reference, 1});
  REQUIRE(e.hasValue());
  exec::RtTensor in = exec::RtTensor::allocate(DType::Float32, dims);
  std::copy(x.begin(), x.end(), in.data<float>());
  auto outs = (*e)->run({{m.graph.inputs().front()->name(), in}});
  INFO((outs.hasValue() ? "" : outs.status().message()));
  REQUIRE(outs.hasValue());
  REQUIRE(outs->size() > output);
  return (*outs)[output].second;
}

inline size_t countOps(const Model& m, const std::string& op) {
  size_t n = 0;
  for (const Node* node : m.graph.nodes()) n += node->opType() == op;
  return n;
}

inline std::vector<float> wave(size_t n, float f = 0.37f) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = std::sin(static_cast<float>(i) * f + 0.1f) * 2.f;
  return v;
}

// TF SAME: out = ceil(in / s); the first window starts at -pad_total/2.
inline int64_t sameBegin(int64_t in, int64_t k, int64_t s, int64_t d = 1) {
  const int64_t out = (in + s - 1) / s;
  return std::max<int64_t>((out - 1) * s + (k - 1) * d + 1 - in, 0) / 2;
}

}  // namespace tftest
