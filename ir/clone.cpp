#include "ir/clone.h"

#include <unordered_map>

namespace nnport {
namespace {

void copyValueFields(const Value& from, Value& to) {
  to.type = from.type;
  to.foreignType = from.foreignType;
  to.declaredType = from.declaredType;
  to.docString = from.docString;
  to.quant = from.quant;
  if (from.initializer() && !to.initializer()) to.setInitializer(from.initializer());
}

class GraphCloner {
 public:
  explicit GraphCloner(Graph& to) : g_(to) {}

  Value* map(const Value* v) {
    if (!v) return nullptr;
    auto it = map_.find(v);
    if (it != map_.end()) return it->second;
    Value* c = g_.findValue(v->name());
    if (!c) c = g_.addDetachedValue(v->name());
    copyValueFields(*v, *c);
    map_[v] = c;
    return c;
  }

  Status copy(const Graph& s) {
    g_.name = s.name;
    g_.docString = s.docString;
    g_.valueInfoOrder = s.valueInfoOrder;
    for (const Value* v : s.initializers())
      map_[v] = g_.addInitializer(v->name(), v->initializer());
    for (const Value* v : s.inputs()) g_.markGraphInput(map(v));
    NNP_ASSIGN_OR_RETURN(std::vector<Node*> order, s.topologicalOrder());
    for (const Node* n : order) copyNode(*n);
    std::vector<Value*> outs;
    for (const Value* v : s.outputs()) outs.push_back(map(v));
    g_.setOutputs(std::move(outs));
    for (auto& [from, to] : map_) copyValueFields(*from, *to);
    return Status::ok();
  }

 private:
  void copyNode(const Node& n) {
    std::vector<Value*> ins;
    for (const Value* v : n.inputs()) ins.push_back(map(v));
    std::vector<std::string> outNames;
    for (const Value* v : n.outputs()) outNames.push_back(v ? v->name() : "");
    Node* c = g_.addNode(n.opType(), n.domain(), ins, outNames, n.name());
    c->attrs = n.attrs;
    c->docString = n.docString;
    for (const Value* v : n.captures()) c->addCapture(map(v));
    for (size_t i = 0; i < n.numOutputs(); ++i)
      if (n.output(i)) map_[n.output(i)] = c->output(i);
  }

  Graph& g_;
  std::unordered_map<const Value*, Value*> map_;
};

}  // namespace

Expected<std::unique_ptr<Model>> cloneModel(const Model& m) {
  auto c = std::make_unique<Model>();
  c->irVersion = m.irVersion;
  c->opsets = m.opsets;
  c->producerName = m.producerName;
  c->producerVersion = m.producerVersion;
  c->domain = m.domain;
  c->docString = m.docString;
  c->modelVersion = m.modelVersion;
  c->metadata = m.metadata;
  c->opaqueFunctions = m.opaqueFunctions;
  c->opaqueTrainingInfo = m.opaqueTrainingInfo;
  c->opaqueQuantAnnotations = m.opaqueQuantAnnotations;
  c->opaqueSparseInitializers = m.opaqueSparseInitializers;
  c->opaqueValueInfo = m.opaqueValueInfo;
  NNP_RETURN_IF_ERROR(GraphCloner(c->graph).copy(m.graph));
  c->graph.bindSchemas(c->opsetMap());
  return c;
}

}  // namespace nnport
