// The rewrite driver's walk: a snapshot of the nodes (insertion or
// topological order), minus those the graph reports erased or added while
// it runs.
#include "passes/rewrite.h"

#include <algorithm>
#include <unordered_set>

#include "ir/ops/registry.h"

namespace nnport {

namespace {

// Keeps the set of nodes the walk may still visit. A node's address can be
// reused by a node added later, so membership is by the set, not by the
// pointer alone: an erased node leaves it, an added one never enters.
class Worklist : public GraphListener {
 public:
  Worklist(Graph& g, std::vector<Node*> nodes)
      : g_(g), nodes_(std::move(nodes)), live_(nodes_.begin(), nodes_.end()) {
    previous_ = g_.setListener(this);
  }
  ~Worklist() override { g_.setListener(previous_); }
  Worklist(const Worklist&) = delete;
  Worklist& operator=(const Worklist&) = delete;

  void nodeAdded(const Node* n) override { live_.erase(n); }
  void nodeErased(const Node* n) override { live_.erase(n); }

  const std::vector<Node*>& nodes() const { return nodes_; }
  bool live(const Node* n) const { return live_.count(n) != 0; }

 private:
  Graph& g_;
  std::vector<Node*> nodes_;
  std::unordered_set<const Node*> live_;
  GraphListener* previous_ = nullptr;
};

bool isRoot(const Node& n, const Rewrite& r) {
  if (r.anyOp) return true;
  const bool onnx = n.domain().empty() || n.domain() == "ai.onnx";
  if (!onnx) return false;
  if (std::find(r.ops.begin(), r.ops.end(), n.opType()) != r.ops.end()) return true;
  return r.traits != 0 && n.schema() && (n.schema()->traits & r.traits) == r.traits;
}

}  // namespace

Expected<PassResult> runRewrite(Model& m, const Rewrite& r) {
  PassResult res;
  RewriteContext ctx{m, m.graph, res.notes};
  std::vector<Node*> nodes;
  if (r.topological) {
    NNP_ASSIGN_OR_RETURN(nodes, m.graph.topologicalOrder());
  } else {
    nodes = m.graph.nodes();
  }
  Worklist work(m.graph, std::move(nodes));
  for (Node* n : work.nodes()) {
    if (!work.live(n) || !isRoot(*n, r)) continue;
    if (r.apply(*n, ctx)) ++res.changes;
  }
  return res;
}

}  // namespace nnport
