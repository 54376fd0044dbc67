// What the per-op converters share while a GraphDef is walked: the graph
// being built, the TF tensor name -> IR value map ("x" is output 0 of node
// x, "x:1" output 1), node creation with type inference as we go, the
// NHWC <-> NCHW Transposes, and the table types each op family file
// (ops_*.cpp) fills with TF op names and converter functions.
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ir/graph.h"
#include "parsers/tensorflow/tf_graph_subset.pb.h"

namespace nnport::tf {

inline const std::vector<int64_t> kToNchw = {0, 3, 1, 2};
// The most integers an operand list (a shape, axes, paddings [rank, 2],
// slice begin/end/strides) can hold: two per dim of the largest rank.
constexpr int64_t kMaxConstInts = 2 * 1024;
inline const std::vector<int64_t> kToNhwc = {0, 2, 3, 1};

class TfBuilder {
 public:
  TfBuilder(Model& m, std::string file) : model_(m), file_(std::move(file)) {}
  Graph& graph() { return model_.graph; }
  const std::string& file() const { return file_; }

  // The value of TF tensor `name` ("x", "x:0", "x:2"), or nullptr.
  Value* lookup(const std::string& name) const;
  void bind(const std::string& tfName, Value* v) { values_[tfName] = v; }

  Value* constant(const std::string& base, TensorPtr data);
  Value* int64s(const std::string& base, const std::vector<int64_t>& v);
  Value* scalarFloat(const std::string& base, float v);
  // Adds an ONNX (opset 13) node with one output named after `base` and
  // infers the output's type from its inputs'.
  Expected<Value*> op(const std::string& type, const std::vector<Value*>& inputs,
                      const std::string& base, std::vector<Attribute> attrs = {});
  Expected<Value*> transpose(Value* x, const std::vector<int64_t>& perm, const std::string& base);
  // "frozen.pb: node 'conv1' (Conv2D)" while that node is converted: the
  // context of errors from op() (inference rejecting what the node asks).
  void setConverting(std::string where) { converting_ = std::move(where); }

  // Integer contents (flattened) of an int value when known while parsing: a constant,
  // or a shape computation whose result inference could tell (Shape of a
  // static dim, Gather, Concat, ...); nullopt otherwise or when an element
  // is symbolic.
  std::optional<std::vector<int64_t>> knownInts(const Value* v) const;

 private:
  Status infer(Node* n);
  std::string freshName(const std::string& base);
  Model& model_;
  std::string file_;
  std::unordered_map<std::string, Value*> values_;
  std::unordered_map<const Value*, std::vector<Dim>> shapeValues_;
  std::string converting_;
  std::unordered_set<std::string> nodeNames_;            // see freshName
  std::unordered_map<std::string, int64_t> nextSuffix_;  // see freshName
};

// One TF node being converted.
struct NodeContext {
  TfBuilder& b;
  const tfpb::NodeDef& def;
  std::vector<Value*> inputs;  // data inputs in order; control inputs dropped

  // IR names made for this node: "<node>#<part>" ("#" is never in a TF name).
  std::string name(const std::string& part) const { return def.name() + "#" + part; }
  // "frozen.pb: node 'conv1' (Conv2D)"
  std::string where() const;

  template <typename... Args>
  Status invalid(fmt::format_string<Args...> f, Args&&... a) const {
    return Status::invalid("{}: {}", where(), fmt::format(f, std::forward<Args>(a)...));
  }
  template <typename... Args>
  Status unsupported(fmt::format_string<Args...> f, Args&&... a) const {
    return Status::unsupported("{}: {}", where(), fmt::format(f, std::forward<Args>(a)...));
  }

  const tfpb::AttrValue* attr(const std::string& n) const;
  int64_t attrInt(const std::string& n, int64_t fallback) const;
  float attrFloat(const std::string& n, float fallback) const;
  bool attrBool(const std::string& n, bool fallback) const;
  std::string attrString(const std::string& n, const std::string& fallback) const;
  std::vector<int64_t> attrInts(const std::string& n) const;

  // Input i, which must exist (else an error naming the node).
  Expected<Value*> in(size_t i) const;
  // Input i's static dims, requiring rank `rank` (-1: any).
  Expected<std::vector<int64_t>> staticDims(size_t i, int rank) const;
  // Input i's rank, which must be known.
  Expected<int64_t> rank(size_t i) const;
  // Input i's integers, known at parse time (a Const, or a folded shape
  // computation); `what` names it in the error. They are operand lists
  // (shapes, axes, paddings), so more than kMaxConstInts is invalid.
  Expected<std::vector<int64_t>> constInts(size_t i, const char* what) const;
  // A number read from the node, checked to lie in [lo, hi] before any
  // arithmetic uses it; the error names the node and `what`.
  Status checkRange(const std::string& what, int64_t v, int64_t lo, int64_t hi) const;
  // "NHWC" (the default) or an error for another data_format.
  Status requireNhwc() const;
};

// What a converter returns: the values of the TF node's outputs 0, 1, ...
using Outputs = std::vector<Value*>;
using OpConverter = Expected<Outputs> (*)(NodeContext&);

struct OpKind {
  const char* op;
  OpConverter convert;
};

// The tables, one per family file.
std::vector<OpKind> convOpKinds();         // ops_conv.cpp: Conv2D, depthwise, transpose, MatMul
std::vector<OpKind> poolOpKinds();         // ops_pool.cpp: MaxPool, AvgPool, Mean
std::vector<OpKind> normOpKinds();         // ops_norm.cpp: FusedBatchNorm*, BiasAdd
std::vector<OpKind> elementwiseOpKinds();  // ops_elementwise.cpp
std::vector<OpKind> shapeOpKinds();        // ops_shape.cpp: Reshape, Squeeze, Pack, Concat...
std::vector<OpKind> sliceOpKinds();        // ops_slice.cpp: StridedSlice
std::vector<OpKind> resizeOpKinds();       // ops_resize.cpp

// TF "SAME"/"VALID" (ops_conv.cpp): begin/end pads of one spatial dim.
struct Pads1d {
  int64_t begin = 0, end = 0;
};
Pads1d samePads(int64_t in, int64_t kernel, int64_t stride, int64_t dilation);

// Spatial geometry read from a conv/pool node's NHWC attributes.
struct Window {
  std::vector<int64_t> kernel, strides, dilations, pads;  // pads: ONNX [hb, wb, he, we]
};
// Fills strides, dilations and pads from the node's attrs for input dims
// `in` [N,H,W,C] and window `kernel` [kh, kw].
Expected<Window> windowOf(const NodeContext& ctx, const std::vector<int64_t>& in,
                          const std::vector<int64_t>& kernel, const char* stridesAttr);

// A TensorProto as an IR tensor (tf_tensor.cpp); moves tensor_content out
// of `t` rather than copying it. `expandedBytes` is the parse's running
// total of bytes made from fewer values than a shape holds (TF's fill
// rule); it must stay within the memory budget, so many splats cannot each
// stay just under it.
Expected<TensorPtr> tensorFromProto(tfpb::TensorProto& t, uint64_t* expandedBytes = nullptr);
Expected<DType> dtypeFromTf(int tfType);

}  // namespace nnport::tf
