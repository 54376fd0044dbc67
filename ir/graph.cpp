// Graph, Node and Value: ownership, use lists, rewiring and ordering.
#include "ir/graph.h"

#include <algorithm>
#include <queue>
#include <unordered_set>

#include "ir/ops/registry.h"

namespace nnport {

// ---------------------------------------------------------------- Value

bool Value::isGraphOutput() const {
  if (!graph_) return false;
  const auto& outs = graph_->outputs();
  return std::find(outs.begin(), outs.end(), this) != outs.end();
}

void Value::removeUse(const Use& u) {
  auto it = std::find(uses_.begin(), uses_.end(), u);
  if (it != uses_.end()) uses_.erase(it);
}

// ---------------------------------------------------------------- Node

void Node::setInput(size_t i, Value* v) {
  if (i >= inputs_.size()) inputs_.resize(i + 1, nullptr);
  if (inputs_[i]) inputs_[i]->removeUse({this, static_cast<uint32_t>(i), false});
  inputs_[i] = v;
  if (v) v->uses_.push_back({this, static_cast<uint32_t>(i), false});
}

void Node::addInput(Value* v) {
  setInput(inputs_.size(), v);
}

void Node::removeLastInput() {
  if (inputs_.empty()) return;
  setInput(inputs_.size() - 1, nullptr);
  inputs_.pop_back();
}

void Node::addCapture(Value* v) {
  captures_.push_back(v);
  v->uses_.push_back({this, static_cast<uint32_t>(captures_.size() - 1), true});
}

namespace {
// The record's default for attribute `name` of `n` (nullptr: none, or no
// record); throws on a read the record does not allow (graph.h).
const Attribute* recordDefault(const Node& n, const std::string& name, bool withFallback) {
  if (!n.schema()) return nullptr;
  const AttrSpec* spec = n.schema()->attr(name);
  if (!spec)
    throw InternalError(Status::internal(
        "{}: reads attribute '{}', which its op record does not declare", n.describe(), name));
  if (withFallback && spec->defaultValue)
    throw InternalError(Status::internal(
        "{}: reads attribute '{}' with a fallback, but its op record has a default", n.describe(),
        name));
  return spec->defaultValue ? &*spec->defaultValue : nullptr;
}
}  // namespace

int64_t Node::attrInt(const std::string& n) const {
  return attrInt(n, int64_t{0}, false);
}
int64_t Node::attrInt(const std::string& n, int64_t fallback) const {
  return attrInt(n, fallback, true);
}
int64_t Node::attrInt(const std::string& n, int64_t fallback, bool withFallback) const {
  const Attribute* d = recordDefault(*this, n, withFallback);
  if (auto v = attrs.getInt(n)) return *v;
  return d ? d->i : fallback;
}
float Node::attrFloat(const std::string& n) const {
  return attrFloat(n, 0.f, false);
}
float Node::attrFloat(const std::string& n, float fallback) const {
  return attrFloat(n, fallback, true);
}
float Node::attrFloat(const std::string& n, float fallback, bool withFallback) const {
  const Attribute* d = recordDefault(*this, n, withFallback);
  if (auto v = attrs.getFloat(n)) return *v;
  return d ? d->f : fallback;
}
std::string Node::attrString(const std::string& n) const {
  return attrString(n, "", false);
}
std::string Node::attrString(const std::string& n, const std::string& fallback) const {
  return attrString(n, fallback, true);
}
std::string Node::attrString(const std::string& n, const std::string& fallback,
                             bool withFallback) const {
  const Attribute* d = recordDefault(*this, n, withFallback);
  if (auto v = attrs.getString(n)) return *v;
  return d ? d->s : fallback;
}
std::vector<int64_t> Node::attrInts(const std::string& n) const {
  const Attribute* d = recordDefault(*this, n, false);
  if (auto v = attrs.getInts(n)) return *v;
  return d ? d->ints : std::vector<int64_t>{};
}
std::vector<float> Node::attrFloats(const std::string& n) const {
  const Attribute* d = recordDefault(*this, n, false);
  if (auto v = attrs.getFloats(n)) return *v;
  return d ? d->floats : std::vector<float>{};
}

bool Node::declaresAttr(const std::string& n) const {
  return !schema_ || schema_->attr(n);
}

std::string Node::describe() const {
  std::string op = domain_.empty() ? opType_ : domain_ + "::" + opType_;
  return fmt::format("node '{}' ({})", name_, op);
}

// ---------------------------------------------------------------- Graph

Value* Graph::newValue(const std::string& name) {
  auto v = std::make_unique<Value>();
  v->name_ = name;
  v->graph_ = this;
  Value* raw = v.get();
  values_.push_back(std::move(v));
  if (!name.empty()) byName_[name] = raw;
  return raw;
}

Value* Graph::addInput(const std::string& name, TensorType type) {
  Value* v = findValue(name);
  if (!v) v = newValue(name);
  v->type = std::move(type);
  markGraphInput(v);
  return v;
}

void Graph::markGraphInput(Value* v) {
  if (v->graphInput_) return;
  v->graphInput_ = true;
  inputs_.push_back(v);
}

void Graph::setInputs(std::vector<Value*> ins) {
  for (Value* v : inputs_) v->graphInput_ = false;
  inputs_ = std::move(ins);
  for (Value* v : inputs_) v->graphInput_ = true;
}

Value* Graph::addInitializer(const std::string& name, TensorPtr data) {
  Value* v = findValue(name);
  if (!v) v = newValue(name);
  v->type.dtype = data->dtype();
  v->type.shape = Shape::ofSizes(data->dims());
  v->initializer_ = std::move(data);
  if (!v->listedAsInitializer_) {
    v->listedAsInitializer_ = true;
    initializerOrder_.push_back(v);
  }
  return v;
}

Value* Graph::addDetachedValue(const std::string& name) {
  return newValue(name);
}

std::vector<Value*> Graph::initializers() const {
  std::vector<Value*> out;
  for (Value* v : initializerOrder_)
    if (v->initializer_) out.push_back(v);
  return out;
}

Value* Graph::findValue(const std::string& name) const {
  auto it = byName_.find(name);
  return it == byName_.end() ? nullptr : it->second;
}

std::string Graph::uniqueName(const std::string& base) const {
  if (!findValue(base) && !findNode(base)) return base;
  for (size_t k = 1;; ++k) {
    std::string n = base + "_" + std::to_string(k);
    if (!findValue(n) && !findNode(n)) return n;
  }
}

bool Graph::renameValue(Value* v, const std::string& name) {
  if (v->name_ == name) return true;
  if (findValue(name)) return false;
  auto it = byName_.find(v->name_);
  if (it != byName_.end() && it->second == v) byName_.erase(it);
  v->name_ = name;
  if (!name.empty()) byName_[name] = v;
  return true;
}

void Graph::removeInput(Value* v) {
  inputs_.erase(std::remove(inputs_.begin(), inputs_.end(), v), inputs_.end());
  v->graphInput_ = false;
}

Node* Graph::addNode(const std::string& opType, const std::string& domain,
                     const std::vector<Value*>& inputs, const std::vector<std::string>& outputNames,
                     const std::string& nodeName) {
  auto n = std::make_unique<Node>();
  Node* raw = n.get();
  raw->opType_ = opType;
  raw->domain_ = domain;
  raw->name_ = nodeName;
  raw->graph_ = this;
  raw->order_ = nextOrder_++;
  raw->schema_ = OpRegistry::instance().find(domain, opType);
  for (Value* in : inputs) raw->addInput(in);
  for (size_t i = 0; i < outputNames.size(); ++i) {
    if (outputNames[i].empty()) {
      raw->outputs_.push_back(nullptr);
      continue;
    }
    Value* v = findValue(outputNames[i]);
    if (!v || v->producer_ || v->graphInput_ || v->initializer_) v = newValue(outputNames[i]);
    v->producer_ = raw;
    v->resultIndex_ = static_cast<uint32_t>(i);
    raw->outputs_.push_back(v);
  }
  nodes_.push_back(std::move(n));
  raw->self_ = std::prev(nodes_.end());
  if (listener_) listener_->nodeAdded(raw);
  return raw;
}

void Graph::eraseNode(Node* n) {
  for (size_t i = 0; i < n->inputs_.size(); ++i) n->setInput(i, nullptr);
  for (size_t i = 0; i < n->captures_.size(); ++i)
    n->captures_[i]->removeUse({n, static_cast<uint32_t>(i), true});
  for (Value* out : n->outputs_)
    if (out) out->producer_ = nullptr;
  if (listener_) listener_->nodeErased(n);
  nodes_.erase(n->self_);
}

std::vector<Node*> Graph::nodes() const {
  std::vector<Node*> out;
  out.reserve(nodes_.size());
  for (const auto& n : nodes_) out.push_back(n.get());
  return out;
}

Node* Graph::findNode(const std::string& name) const {
  if (name.empty()) return nullptr;
  for (const auto& n : nodes_)
    if (n->name_ == name) return n.get();
  return nullptr;
}

Expected<std::vector<Node*>> Graph::topologicalOrder() const {
  std::unordered_map<const Node*, size_t> pending;
  using Entry = std::pair<uint64_t, Node*>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> ready;
  for (const auto& n : nodes_) {
    size_t deps = 0;
    auto count = [&](Value* v) {
      if (v && v->producer_ && v->producer_ != n.get()) ++deps;
      if (v && v->producer_ == n.get()) deps += nodes_.size() + 1;  // self loop
    };
    for (Value* v : n->inputs_) count(v);
    for (Value* v : n->captures_) count(v);
    pending[n.get()] = deps;
    if (deps == 0) ready.push({n->order_, n.get()});
  }
  std::vector<Node*> order;
  order.reserve(nodes_.size());
  while (!ready.empty()) {
    Node* n = ready.top().second;
    ready.pop();
    order.push_back(n);
    for (Value* out : n->outputs_) {
      if (!out) continue;
      for (const Use& u : out->uses_) {
        if (u.user == n) continue;
        if (--pending[u.user] == 0) ready.push({u.user->order_, u.user});
      }
    }
  }
  if (order.size() != nodes_.size()) {
    for (const auto& n : nodes_)
      if (pending[n.get()] != 0)
        return Status::invalid("{}: the graph has a cycle through this node", n->describe());
  }
  return order;
}

void Graph::replaceAllUsesWith(Value* from, Value* to) {
  if (from == to) return;
  std::vector<Use> uses = from->uses_;
  for (const Use& u : uses) {
    if (u.capture) {
      u.user->captures_[u.index] = to;
      to->uses_.push_back(u);
      from->removeUse(u);
    } else {
      u.user->setInput(u.index, to);
    }
  }
  for (Value*& out : outputs_)
    if (out == from) out = to;
}

size_t Graph::removeUnusedValues(bool keepInitializers) {
  std::unordered_set<const Value*> outs(outputs_.begin(), outputs_.end());
  size_t removed = 0;
  for (auto it = values_.begin(); it != values_.end();) {
    Value* v = it->get();
    const bool dead = !v->producer_ && v->uses_.empty() && !v->graphInput_ && !outs.count(v) &&
                      !(keepInitializers && v->initializer_);
    if (!dead) {
      ++it;
      continue;
    }
    auto byName = byName_.find(v->name_);
    if (byName != byName_.end() && byName->second == v) byName_.erase(byName);
    initializerOrder_.erase(std::remove(initializerOrder_.begin(), initializerOrder_.end(), v),
                            initializerOrder_.end());
    it = values_.erase(it);
    ++removed;
  }
  return removed;
}

void Graph::bindSchemas(const std::unordered_map<std::string, int64_t>& opsets) {
  (void)opsets;  // one record per op; version-specific behaviour lives in the record
  for (auto& n : nodes_) n->schema_ = OpRegistry::instance().find(n->domain_, n->opType_);
}

// ---------------------------------------------------------------- Model

int64_t Model::opsetFor(const std::string& d) const {
  const std::string key = d == "ai.onnx" ? "" : d;
  for (const auto& o : opsets)
    if (o.domain == key || (key.empty() && o.domain == "ai.onnx")) return o.version;
  return 0;
}

std::unordered_map<std::string, int64_t> Model::opsetMap() const {
  std::unordered_map<std::string, int64_t> m;
  for (const auto& o : opsets) m[o.domain == "ai.onnx" ? "" : o.domain] = o.version;
  return m;
}

}  // namespace nnport
