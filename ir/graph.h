// The IR: a Graph owns its Nodes and Values. Every Value has at most one
// producer (a node result; graph inputs and initializers have none) and a use
// list; all rewiring goes through Node::setInput and Graph::replaceAllUsesWith,
// which keep use lists consistent.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ir/attribute.h"
#include "ir/shape.h"
#include "ir/tensor.h"
#include "support/status.h"

namespace nnport {

class Graph;
class Node;
struct OpSchema;

// Scale and zero point of a quantized value: per tensor (one scale) or per
// axis (one scale per slice along `axis`).
struct QuantParams {
  std::vector<float> scales;
  std::vector<int64_t> zeroPoints;
  int64_t axis = -1;  // -1: per tensor
  DType storage = DType::UInt8;

  bool perAxis() const { return axis >= 0; }
  bool operator==(const QuantParams& o) const {
    return scales == o.scales && zeroPoints == o.zeroPoints && axis == o.axis &&
           storage == o.storage;
  }
};

// Where a value is used: operand `index` of `user`; captures are outer-scope
// values read by a subgraph attribute of `user`.
struct Use {
  Node* user = nullptr;
  uint32_t index = 0;
  bool capture = false;
  bool operator==(const Use& o) const {
    return user == o.user && index == o.index && capture == o.capture;
  }
};

class Value {
 public:
  const std::string& name() const { return name_; }
  Graph* graph() const { return graph_; }
  Node* producer() const { return producer_; }
  uint32_t resultIndex() const { return resultIndex_; }
  const std::vector<Use>& uses() const { return uses_; }
  bool hasUses() const { return !uses_.empty(); }

  // Initializer (weights). A value with data is a constant.
  const TensorPtr& initializer() const { return initializer_; }
  bool isConstant() const { return initializer_ != nullptr; }
  void setInitializer(TensorPtr t) { initializer_ = std::move(t); }

  bool isGraphInput() const { return graphInput_; }
  bool isGraphOutput() const;

  // Working type, refined by shape inference.
  TensorType type;
  // Non-tensor source type (ONNX sequence/map/optional/sparse) as serialized
  // bytes; empty for tensors.
  std::string foreignType;
  // The type the source declared (graph input/output or value_info), written
  // back verbatim by lossless emitters.
  std::optional<TensorType> declaredType;
  std::string docString;
  std::optional<QuantParams> quant;

 private:
  friend class Graph;
  friend class Node;
  std::string name_;
  Graph* graph_ = nullptr;
  Node* producer_ = nullptr;
  uint32_t resultIndex_ = 0;
  std::vector<Use> uses_;
  TensorPtr initializer_;
  bool graphInput_ = false;
  bool listedAsInitializer_ = false;
  void removeUse(const Use& u);
};

class Node {
 public:
  const std::string& name() const { return name_; }
  void setName(std::string n) { name_ = std::move(n); }
  const std::string& opType() const { return opType_; }
  const std::string& domain() const { return domain_; }
  Graph* graph() const { return graph_; }

  // Inputs; nullptr marks an omitted optional input.
  const std::vector<Value*>& inputs() const { return inputs_; }
  size_t numInputs() const { return inputs_.size(); }
  Value* input(size_t i) const { return i < inputs_.size() ? inputs_[i] : nullptr; }
  void setInput(size_t i, Value* v);
  void addInput(Value* v);
  void removeLastInput();

  // Outputs; nullptr marks an omitted optional output.
  const std::vector<Value*>& outputs() const { return outputs_; }
  size_t numOutputs() const { return outputs_.size(); }
  Value* output(size_t i = 0) const { return i < outputs_.size() ? outputs_[i] : nullptr; }

  // Outer-scope values read inside subgraph attributes (If/Loop/Scan bodies).
  const std::vector<Value*>& captures() const { return captures_; }
  void addCapture(Value* v);

  AttributeMap attrs;
  std::string docString;

  // The registered schema for (domain, opType), or nullptr for unknown ops.
  const OpSchema* schema() const { return schema_; }
  // Typed attribute reads: the node's value, else its op record's default.
  // The record is the single source: on an op with a record, reading a name
  // the record does not declare, or passing a fallback for an attribute the
  // record gives a default, is a bug in nnport (throws InternalError). The
  // fallback (else zero or empty) is for attributes declared without a
  // default and for ops without a record (custom, opaque).
  int64_t attrInt(const std::string& n) const;
  int64_t attrInt(const std::string& n, int64_t fallback) const;
  float attrFloat(const std::string& n) const;
  float attrFloat(const std::string& n, float fallback) const;
  std::string attrString(const std::string& n) const;
  std::string attrString(const std::string& n, const std::string& fallback) const;
  std::vector<int64_t> attrInts(const std::string& n) const;
  std::vector<float> attrFloats(const std::string& n) const;
  // Whether this node's op may carry attribute `n`: its record declares it,
  // or it has no record. Readers shared by several ops (window geometry,
  // Slice-1 / Slice-10) ask before reading.
  bool declaresAttr(const std::string& n) const;

  // "node 'name' (Op)" for error messages.
  std::string describe() const;

 private:
  int64_t attrInt(const std::string& n, int64_t fallback, bool withFallback) const;
  float attrFloat(const std::string& n, float fallback, bool withFallback) const;
  std::string attrString(const std::string& n, const std::string& fallback,
                         bool withFallback) const;
  friend class Graph;
  std::string name_, opType_, domain_;
  Graph* graph_ = nullptr;
  const OpSchema* schema_ = nullptr;
  std::vector<Value*> inputs_, outputs_, captures_;
  std::list<std::unique_ptr<Node>>::iterator self_;
  uint64_t order_ = 0;  // creation order; ties in topological sorting
};

// Told of every node added to or erased from a graph while installed
// (Graph::setListener): how the rewrite driver (passes/rewrite.h) keeps its
// worklist right whatever a rewrite erases.
class GraphListener {
 public:
  virtual ~GraphListener() = default;
  virtual void nodeAdded(const Node* n) = 0;
  virtual void nodeErased(const Node* n) = 0;  // before it is freed
};

class Graph {
 public:
  Graph() = default;
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  std::string name;
  std::string docString;
  // Names in the source's value_info order, so lossless emitters keep it.
  std::vector<std::string> valueInfoOrder;

  // --- values
  Value* addInput(const std::string& name, TensorType type);
  Value* addInitializer(const std::string& name, TensorPtr data);
  // A value with no producer that is neither input nor initializer yet.
  Value* addDetachedValue(const std::string& name);
  void markGraphInput(Value* v);
  void addOutput(Value* v) { outputs_.push_back(v); }
  void setOutputs(std::vector<Value*> outs) { outputs_ = std::move(outs); }
  void setInputs(std::vector<Value*> ins);
  const std::vector<Value*>& inputs() const { return inputs_; }
  const std::vector<Value*>& outputs() const { return outputs_; }
  // Initializers in their source order.
  std::vector<Value*> initializers() const;
  Value* findValue(const std::string& name) const;
  std::string uniqueName(const std::string& base) const;
  // Renames a value; fails (returns false) if the name is taken.
  bool renameValue(Value* v, const std::string& name);
  // Removes a graph input that nothing uses (keeps its initializer, if any).
  void removeInput(Value* v);
  size_t numValues() const { return values_.size(); }

  // --- nodes
  // Appends a node whose outputs are new values with the given names (an
  // empty name makes an omitted optional output).
  Node* addNode(const std::string& opType, const std::string& domain,
                const std::vector<Value*>& inputs, const std::vector<std::string>& outputNames,
                const std::string& nodeName = "");
  void eraseNode(Node* n);  // its outputs must be unused
  size_t numNodes() const { return nodes_.size(); }
  // Nodes in insertion order.
  std::vector<Node*> nodes() const;
  Node* findNode(const std::string& name) const;

  // Topological order, stable: among ready nodes the earliest created comes
  // first, so an already ordered graph keeps its order. Fails on a cycle.
  Expected<std::vector<Node*>> topologicalOrder() const;

  // The one rewiring primitive: every use of `from` (node operands, captures
  // and graph outputs) now reads `to`.
  void replaceAllUsesWith(Value* from, Value* to);

  // Drops values that have no producer, no uses and are neither graph inputs,
  // outputs nor initializers-with-uses. Returns how many were removed.
  size_t removeUnusedValues(bool keepInitializers);

  // Re-resolves every node's schema (after the registry or opset changed).
  void bindSchemas(const std::unordered_map<std::string, int64_t>& opsets);

  // The one listener (nullptr: none); returns the previous one.
  GraphListener* setListener(GraphListener* l) {
    std::swap(l, listener_);
    return l;
  }

 private:
  friend class Node;
  Value* newValue(const std::string& name);
  std::list<std::unique_ptr<Node>> nodes_;
  std::list<std::unique_ptr<Value>> values_;
  std::unordered_map<std::string, Value*> byName_;
  std::vector<Value*> inputs_, outputs_;
  std::vector<Value*> initializerOrder_;
  uint64_t nextOrder_ = 0;
  GraphListener* listener_ = nullptr;
};

struct OpsetImport {
  std::string domain;  // "" is the default ONNX domain
  int64_t version = 0;
};

// A whole model: the graph plus the container's metadata.
struct Model {
  Graph graph;
  int64_t irVersion = 8;
  std::vector<OpsetImport> opsets;
  std::string producerName, producerVersion, domain, docString;
  int64_t modelVersion = 0;
  std::vector<std::pair<std::string, std::string>> metadata;
  // Source-format parts the IR does not model, kept as serialized bytes
  // (ONNX FunctionProto, TrainingInfoProto, TensorAnnotation, sparse
  // initializers, value_info of names not in the graph).
  std::vector<std::string> opaqueFunctions, opaqueTrainingInfo, opaqueQuantAnnotations,
      opaqueSparseInitializers, opaqueValueInfo;

  // The opaque parts by their text-form names ("functions",
  // "training_info", ...), in that order.
  std::vector<std::pair<const char*, const std::vector<std::string>*>> opaqueParts() const {
    return {{"functions", &opaqueFunctions},
            {"training_info", &opaqueTrainingInfo},
            {"quant_annotations", &opaqueQuantAnnotations},
            {"sparse_initializers", &opaqueSparseInitializers},
            {"value_info", &opaqueValueInfo}};
  }

  int64_t opsetFor(const std::string& domain) const;  // 0 when not imported
  std::unordered_map<std::string, int64_t> opsetMap() const;
};

}  // namespace nnport
