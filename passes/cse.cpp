// cse: common-subexpression elimination. Two nodes with the same op type and
// domain, the same inputs (the same values, in order), equal attributes and
// the same outputs present compute the same results, so the later node's
// readers read the earlier node's outputs and the later node goes. Nodes are
// visited in topological order and rewired at once, so a chain of duplicates
// collapses in one run; a hash of (op, inputs, attributes) finds candidates.
//
// Skipped: nondeterministic ops (Random*, Multinomial, Bernoulli, Dropout
// with a training_mode that is not a constant false), ops with subgraphs,
// and ops with no registered schema (custom ops may keep state). Refused
// (noted): both outputs are graph outputs (each must keep its name), an
// output is read by name inside a subgraph, or the outputs carry different
// quantization parameters.
#include <set>
#include <unordered_map>

#include "passes/pass.h"
#include "passes/rewire.h"
#include "passes/rewrite.h"

namespace nnport {

namespace {

bool nondeterministic(const Node& n) {
  static const std::set<std::string> ops{"RandomNormal",      "RandomUniform", "RandomNormalLike",
                                         "RandomUniformLike", "Multinomial",   "Bernoulli"};
  if (ops.count(n.opType())) return true;
  if (n.opType() != "Dropout") return false;
  const Value* mode = n.input(2);
  if (!mode) return false;
  return !mode->isConstant() || mode->initializer()->numElements() != 1 ||
         mode->initializer()->intAt(0) != 0;
}

bool candidate(const Node& n) {
  if (!n.schema() || nondeterministic(n) || !n.captures().empty() || n.numOutputs() == 0)
    return false;
  for (const Attribute& a : n.attrs.all())
    if (a.kind == AttrKind::Graph || a.kind == AttrKind::Graphs) return false;
  return true;
}

std::string normalDomain(const Node& n) {
  return n.domain() == "ai.onnx" ? "" : n.domain();
}

void mix(size_t& h, size_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
}

// Equal for equivalent nodes; attribute contents are left to `same`.
size_t signature(const Node& n) {
  size_t h = std::hash<std::string>{}(n.opType());
  mix(h, std::hash<std::string>{}(normalDomain(n)));
  for (const Value* in : n.inputs()) mix(h, std::hash<const Value*>{}(in));
  mix(h, n.numOutputs());
  for (const Attribute& a : n.attrs.all()) {
    mix(h, std::hash<std::string>{}(a.name));
    mix(h, static_cast<size_t>(a.i));
  }
  return h;
}

bool same(const Node& a, const Node& b) {
  if (a.opType() != b.opType() || normalDomain(a) != normalDomain(b) || a.inputs() != b.inputs() ||
      a.numOutputs() != b.numOutputs() || !(a.attrs == b.attrs))
    return false;
  for (size_t i = 0; i < a.numOutputs(); ++i)
    if (a.output(i) && b.output(i) && !(a.output(i)->quant == b.output(i)->quant)) return false;
  return true;
}

bool readBySubgraph(const Value& v) {
  for (const Use& u : v.uses())
    if (u.capture) return true;
  return false;
}

// Why `later` cannot be folded into `first`, or empty.
std::string refusal(const Node& later, const Node& first) {
  for (size_t i = 0; i < later.numOutputs(); ++i) {
    const Value* lo = later.output(i);
    const Value* eo = first.output(i);
    if (!lo || (!lo->hasUses() && !lo->isGraphOutput())) continue;
    if (!eo) return fmt::format("its output {} is used but {} omits it", i, first.describe());
    if (readBySubgraph(*lo))
      return fmt::format("'{}' is read by name inside a subgraph", lo->name());
    if (!lo->isGraphOutput()) continue;
    if (eo->isGraphOutput())
      return fmt::format("'{}' and '{}' are both graph outputs", lo->name(), eo->name());
    if (readBySubgraph(*eo))
      return fmt::format("'{}' would be renamed but is read by name inside a subgraph", eo->name());
  }
  return "";
}

// bypass() for every output: readers of `later` read `first`; a graph
// output keeps its name, which `first`'s output takes.
void merge(Graph& g, Node* later, const Node& first) {
  std::vector<std::pair<Value*, std::string>> renames;
  for (size_t i = 0; i < later->numOutputs(); ++i) {
    Value* lo = later->output(i);
    Value* eo = first.output(i);
    if (!lo || !eo) continue;
    if (lo->isGraphOutput()) renames.emplace_back(eo, lo->name());
    g.replaceAllUsesWith(lo, eo);
  }
  g.eraseNode(later);
  if (renames.empty()) return;
  g.removeUnusedValues(/*keepInitializers=*/true);  // frees the outputs' names
  for (auto& [v, name] : renames) g.renameValue(v, name);
}

// n, merged into an equal node seen before; else remembered.
bool mergeIfSeen(Node& n, RewriteContext& ctx, std::unordered_multimap<size_t, Node*>& seen) {
  if (!candidate(n)) return false;
  const size_t h = signature(n);
  auto [begin, end] = seen.equal_range(h);
  Node* first = nullptr;
  for (auto it = begin; it != end && !first; ++it)
    if (same(*it->second, n)) first = it->second;
  if (!first) {
    seen.emplace(h, &n);
    return false;
  }
  const std::string why = refusal(n, *first);
  if (!why.empty()) {
    ctx.note("{} duplicates {} but is kept: {}", n.describe(), first->describe(), why);
    return false;
  }
  merge(ctx.graph, &n, *first);
  return true;
}

}  // namespace

Expected<PassResult> eliminateCommonSubexpressions(Model& m) {
  // Producers first, so a node's inputs are already merged when it is seen.
  std::unordered_multimap<size_t, Node*> seen;
  Rewrite r;
  r.anyOp = true;
  r.topological = true;
  r.apply = [&seen](Node& n, RewriteContext& ctx) { return mergeIfSeen(n, ctx, seen); };
  return runRewrite(m, r);
}

}  // namespace nnport
