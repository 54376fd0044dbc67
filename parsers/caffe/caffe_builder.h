// What the per-layer builders share while the net is walked: the graph being
// built, the current value of every Caffe blob name (tops are renamed when a
// layer writes in place, so the IR stays SSA), the trained blobs matched by
// layer name, and the table types each family file (layers_*.cpp) fills.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "ir/graph.h"
#include "ir/ops/infer_util.h"
#include "parsers/caffe/caffe_subset.pb.h"

namespace nnport::caffe {

class NetBuilder {
 public:
  // `weights` (the caffemodel, may be null) must outlive the model: blob
  // data is shared with the tensors, not copied.
  NetBuilder(Model& m, std::string prototxt, std::shared_ptr<const caffepb::NetParameter> weights);
  Model& model() { return model_; }
  Graph& graph() { return model_.graph; }
  const std::string& prototxt() const { return prototxt_; }

  // The blobs of the layer named `name`: the caffemodel's, else the prototxt's.
  const caffepb::LayerParameter* trained(const caffepb::LayerParameter& layer) const;
  const std::shared_ptr<const caffepb::NetParameter>& weightsNet() const { return weights_; }

  // The current value of blob `name`, or nullptr.
  Value* blob(const std::string& name) const;
  // Makes `v` the current value of blob `name`.
  void setBlob(const std::string& name, Value* v) { blobs_[name] = v; }
  // A fresh value name for top `top` written by layer `layer`: the top's
  // name, or "<top>/<layer>" when an earlier layer wrote it (in place).
  std::string topValueName(const std::string& top, const std::string& layer) const;

  // Takes `bytes` of the memory budget for a constant the parser computes
  // from input sizes rather than reads (summed over the whole net, so many
  // layers cannot each stay just under it); an OverBudget status naming
  // `what` when they do not fit.
  Status reserve(uint64_t bytes, const std::string& what);

  Value* constant(const std::string& name, TensorPtr data);
  Value* floats(const std::string& name, std::vector<int64_t> dims, const std::vector<float>& v);
  Value* int64s(const std::string& name, const std::vector<int64_t>& v);
  // A node named `nodeName` with outputs `outs`; their types come from the
  // op's shape inference right away, so later layers can read them.
  Expected<std::vector<Value*>> node(const std::string& op, const std::vector<Value*>& inputs,
                                     const std::vector<std::string>& outs,
                                     const std::string& nodeName, std::vector<Attribute> attrs);

 private:
  Model& model_;
  std::string prototxt_;
  std::shared_ptr<const caffepb::NetParameter> weights_;
  std::unordered_map<std::string, const caffepb::LayerParameter*> trainedByName_;
  std::unordered_map<std::string, Value*> blobs_;
  uint64_t reserved_ = 0;
  mutable std::unordered_map<std::string, int64_t> nextSuffix_;  // see topValueName
};

// One layer being built.
struct LayerContext {
  NetBuilder& net;
  const caffepb::LayerParameter& layer;
  std::vector<Value*> bottoms;

  // "net.prototxt: layer 'conv1' (Convolution)", the start of every error.
  std::string where() const;
  // Value and node names of a layer's helper nodes: "<layer>/<part>".
  std::string name(const std::string& part) const { return layer.name() + "/" + part; }

  // Static dims of a value (bottom), or an error naming the layer.
  Expected<std::vector<int64_t>> dims(const Value* v) const;
  // A number read from the prototxt, checked to lie in [lo, hi] before any
  // arithmetic uses it; the error names the layer and `field`.
  Status checkRange(const char* field, int64_t v, int64_t lo, int64_t hi) const;
  // a * b (and a + b) of sizes from the input, or an error naming `what`.
  Expected<int64_t> mul(int64_t a, int64_t b, const char* what) const;
  Expected<int64_t> add(int64_t a, int64_t b, const char* what) const;
  // `axis` (negative counts from the end) checked against rank.
  Expected<int64_t> axis(int64_t a, size_t rank, const char* what) const;

  // Trained blob i as a float tensor of `dims`; its element count must match
  // (legacy 4-D shapes like 1x1x1xC are reshaped). No copy for float data.
  Expected<TensorPtr> blob(size_t i, const std::vector<int64_t>& dims, const char* what) const;
  // Trained blob i with its own shape.
  Expected<TensorPtr> blob(size_t i, const char* what) const;
  size_t numBlobs() const;

  // A helper node with one output "<layer>/<part>".
  Expected<Value*> helper(const std::string& op, const std::string& part,
                          const std::vector<Value*>& inputs, std::vector<Attribute> attrs = {});
  // The layer's node, named after the layer, writing the layer's tops.
  Expected<std::vector<Value*>> result(const std::string& op, const std::vector<Value*>& inputs,
                                       std::vector<Attribute> attrs = {});
  // An Identity that gives `v` the name of top i (for layers whose last
  // helper already computes the result).
  Expected<Value*> asTop(Value* v, size_t i = 0);
};

using LayerBuilder = Status (*)(LayerContext&);

struct LayerKind {
  const char* type;    // Caffe's type name
  LayerBuilder build;  // adds the nodes and writes every top
  int bottoms;         // how many bottoms it reads; -1: one or more
};

// The tables, one per family file.
std::vector<LayerKind> convLayerKinds();        // layers_conv.cpp
std::vector<LayerKind> poolLayerKinds();        // layers_pool.cpp
std::vector<LayerKind> activationLayerKinds();  // layers_activation.cpp
std::vector<LayerKind> normLayerKinds();        // layers_norm.cpp
std::vector<LayerKind> shapeLayerKinds();       // layers_shape.cpp
std::vector<LayerKind> resizeLayerKinds();      // layers_resize.cpp

// Caffe's pooling geometry along one spatial axis (layers_pool.cpp): output
// size by Caffe's rounding and clip rule, and the extra end padding that
// gives ONNX's floor rounding the same size.
struct PoolAxis {
  int64_t out = 0, extraEnd = 0;
};
Expected<PoolAxis> caffePoolAxis(int64_t in, int64_t kernel, int64_t stride, int64_t pad,
                                 bool ceil);

}  // namespace nnport::caffe
