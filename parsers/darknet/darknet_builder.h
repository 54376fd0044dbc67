// What the per-layer builders share while the cfg is walked: the graph being
// built (every value NCHW float32 with a symbolic batch "N"), the weights
// file, the results of earlier layers, and the table types each layer family
// file (layers_*.cpp) fills with its section names and builder functions.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/ops/infer_util.h"
#include "parsers/darknet/cfg_reader.h"
#include "parsers/darknet/weights_reader.h"

namespace nnport::darknet {

// Bounds on cfg numbers, checked where each is read so that an error names
// the layer and the key: every layer's channels, height and width lie in
// [1, kMaxLayerValues] and so does their product (Darknet sizes a layer
// with an int); window options (size, stride, padding, groups, dilation)
// lie within kMaxWindow, the op records' bound. A sum or product of two
// such numbers fits in int64; longer products go through checkedProduct.
constexpr int64_t kMaxLayerValues = INT32_MAX;
constexpr int64_t kMaxWindow = kMaxWindowAttr;

// What a layer is to the graph's outputs. A detection head ([yolo],
// [region], [detection]) stays outside the graph: its input becomes a graph
// output and no later layer may read it. A [cost] layer is training only:
// the network's output is the last layer before it.
enum class LayerRole { Tensor, Head, Cost };

// A layer's output as later layers see it: a value of shape [N, c, h, w].
struct LayerResult {
  Value* value = nullptr;
  int64_t c = 0, h = 0, w = 0;
  LayerRole role = LayerRole::Tensor;
};

class NetBuilder {
 public:
  NetBuilder(Model& m, WeightsReader& w) : model_(m), weights_(w) {}
  Model& model() { return model_; }
  Graph& graph() { return model_.graph; }
  WeightsReader& weights() { return weights_; }

  // Results of Darknet layers 0 .. i-1 while layer i is built.
  std::vector<LayerResult>& layers() { return layers_; }

  Value* constant(const std::string& name, TensorPtr data);
  Value* floats(const std::string& name, std::vector<int64_t> dims, const std::vector<float>& v);
  Value* int64s(const std::string& name, const std::vector<int64_t>& v);
  // A node with one output `name` of type f32[N, dims...].
  Value* node(const std::string& op, const std::vector<Value*>& inputs, const std::string& name,
              const std::vector<int64_t>& dims, std::vector<Attribute> attrs = {});
  Value* node4(const std::string& op, const std::vector<Value*>& inputs, const std::string& name,
               const LayerResult& shapeOf, std::vector<Attribute> attrs = {}) {
    return node(op, inputs, name, {shapeOf.c, shapeOf.h, shapeOf.w}, std::move(attrs));
  }
  // Asks the memory budget whether the graph may grow by `moreEntries`
  // entries (nodes and values): the cfg sets how many there are, and no file
  // bytes bound them. `where` names the layer in the error.
  Status checkGraphBudget(int64_t moreEntries, const std::string& where) const;

 private:
  Model& model_;
  WeightsReader& weights_;
  std::vector<LayerResult> layers_;
};

// One layer being built: Darknet's layer number is the section index - 1.
struct LayerContext {
  NetBuilder& net;
  const CfgSection& section;
  int index;                 // Darknet layer number
  std::string base;          // name of the layer's output value, e.g. "conv_3"
  const LayerResult& input;  // the previous layer's output (or the network input)

  std::string name(const std::string& part) const { return base + "/" + part; }
  // "layer 3 [convolutional] (net.cfg line 27)", for weights errors.
  std::string label() const;
  // Layer `ref` as Darknet resolves it from layer `index` (negative is
  // relative); fails when it is out of range or a detection head.
  Expected<const LayerResult*> layerAt(int64_t ref, const std::string& key) const;
};

// Fails unless c, h and w are positive and their product is at most
// kMaxLayerValues. The walker checks every layer's output after it is
// built; a layer with weights checks its own first, so a bad cfg number is
// reported before the weights it would need.
Status checkLayerSize(const CfgSection& s, const LayerResult& r);

using LayerBuilder = Expected<LayerResult> (*)(LayerContext&);

struct LayerKind {
  const char* section;    // the name between the brackets
  const char* shortName;  // value names: "<shortName>_<layer>"
  LayerBuilder build;
  // Whether the layer reads the previous layer's output, which then must be
  // a tensor in the graph (not a head or cost layer). [route] names its inputs.
  bool readsPrevious = true;
};

// The tables, one per family file.
std::vector<LayerKind> convLayerKinds();   // layers_conv.cpp
std::vector<LayerKind> poolLayerKinds();   // layers_pool.cpp
std::vector<LayerKind> routeLayerKinds();  // layers_route.cpp
std::vector<LayerKind> miscLayerKinds();   // layers_misc.cpp

// Darknet's maxpool geometry (layers_pool.cpp); exposed for its tests.
struct MaxPoolGeometry {
  int64_t size, stride, padBegin, padEnd, outH, outW;
};
Expected<MaxPoolGeometry> maxPoolGeometry(const CfgSection& s, int64_t h, int64_t w);

// `x` (shaped like `shape`) through a Darknet activation ("leaky", "mish",
// ...); returns `x` itself for "linear". See layers_activation.cpp.
Expected<Value*> applyActivation(LayerContext& ctx, Value* x, const LayerResult& shape,
                                 const std::string& activation);

}  // namespace nnport::darknet
