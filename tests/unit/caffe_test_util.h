// What the Caffe parser tests share: writing a prototxt + caffemodel pair
// into a workspace, caffemodels of given blobs, parsing through the
// registry, and running a parsed net on its "data" input with the
// reference interpreter.
#pragma once

#include <algorithm>
#include <cmath>

#include "exec/executor.h"
#include "parsers/caffe/caffe_subset.pb.h"
#include "parsers/registry.h"
#include "tests/unit/bad_input_harness.h"

namespace caffetest {

using namespace nnport;

constexpr int kInvalid = 3, kUnsupported = 4;

struct Files {
  badinput::fs::path prototxt, caffemodel;
};

// Layer name -> blobs (each a flat list with its shape).
using Blobs = std::vector<
    std::pair<std::string, std::vector<std::pair<std::vector<int64_t>, std::vector<float>>>>>;

inline std::string caffemodelBytes(const Blobs& blobs) {
  caffepb::NetParameter net;
  for (const auto& [name, list] : blobs) {
    auto* l = net.add_layer();
    l->set_name(name);
    for (const auto& [dims, data] : list) {
      auto* b = l->add_blobs();
      for (int64_t d : dims) b->mutable_shape()->add_dim(d);
      for (float v : data) b->add_data(v);
    }
  }
  return net.SerializeAsString();
}

inline Files writePair(const badinput::Workspace& ws, const std::string& prototxt,
                       const std::string& model) {
  Files f{ws.in() / "net.prototxt", ws.in() / "net.caffemodel"};
  badinput::writeFile(f.prototxt, prototxt);
  badinput::writeFile(f.caffemodel, model);
  return f;
}

inline Expected<std::unique_ptr<Model>> parse(const Files& f) {
  ParseRequest req;
  req.network = f.prototxt.string();
  req.weights = f.caffemodel.string();
  return ParserRegistry::instance().find("caffe")->parse(req);
}

inline std::vector<float> wave(size_t n) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = std::sin(static_cast<float>(i) * 1.3f) * 2.f;
  return v;
}

// Runs `m` on input "data" = x of `dims`; returns output `name`.
inline std::vector<float> run(const Model& m, const std::vector<int64_t>& dims,
                              const std::vector<float>& x, const std::string& name) {
  auto exec = exec::Executor::create(m, {exec::KernelSet::Reference, 1});
  REQUIRE(exec.hasValue());
  exec::RtTensor in = exec::RtTensor::allocate(DType::Float32, dims);
  std::copy(x.begin(), x.end(), in.data<float>());
  auto outs = (*exec)->run({{"data", in}});
  REQUIRE(outs.hasValue());
  for (const auto& [n, t] : *outs)
    if (n == name) return std::vector<float>(t.data<float>(), t.data<float>() + t.numElements());
  FAIL("no output " << name);
  return {};
}

// The net-level input "data" of `d`.
inline std::string input(const std::vector<int64_t>& d) {
  std::string s = "input: \"data\"\ninput_shape {";
  for (int64_t v : d) s += fmt::format(" dim: {}", v);
  return s + " }\n";
}

inline void checkClose(const std::vector<float>& got, const std::vector<float>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i)
    CHECK(got[i] == Approx(want[i]).epsilon(1e-5).margin(1e-6));
}

}  // namespace caffetest
