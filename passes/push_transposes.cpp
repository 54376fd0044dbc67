// push-transposes: R(Transpose(x, p), ...) becomes Transpose(R'(x, ...), p)
// when R, the only reader, commutes with it, so the NCHW<->NHWC pairs that
// converters leave around each Conv of an NHWC model meet and cancel
// (merge-transposes). Which ops commute, and how, is each op record's
// transpose rule (TransposeRule in ir/ops/registry.h); R' is R rewritten
// for x's layout by that rule:
// - unary elementwise ops (Relu, Sigmoid, Clip, Cast, ...): unchanged;
// - broadcasting ops (Add, Mul, Where, PRelu, ...): each other operand is a
//   constant, given leading 1-dims up to p's rank (numpy aligns ranks on the
//   right) and transposed by p's inverse (one-element constants stay), or
//   another Transpose by p that only R reads, which goes;
// - Concat of Transposes by p, Reduce*/ArgMax/ArgMin, Squeeze,
//   Softmax/LogSoftmax from opset 13 (before, they flatten at the axis),
//   Slice and opset-18 Pad with constant axes: axis a becomes p[a];
// - Pad with constant pads: the pads of dim i move to dim p[i].
// Readers that drop axes (Squeeze, keepdims=0) leave a Transpose of the
// kept rank (permAfterDroppingAxes), none when that is the identity: a
// global pool + Squeeze after an NHWC body needs no Transpose at all.
// The new Transpose keeps R's output value (name, type, readers), so graph
// outputs keep their names; R's new output gets the transposed type.
//
// The Transpose count never grows: a Transpose read by several nodes stays,
// but its readers that are Transposes by p's inverse (which merge-transposes
// leaves, the result being read elsewhere) read x directly, which may leave
// one reader. Refusals by a reader that could take the Transpose are noted,
// from the last round (after every push).
#include <set>
#include <unordered_set>

#include "ir/permutation.h"
#include "passes/fusion_util.h"
#include "passes/pass.h"
#include "passes/push_transposes_rules.h"
#include "passes/rewire.h"

namespace nnport {

namespace {

using namespace pushtransposes;

// Replaces R by R' followed by Transpose(p) (or the plan's outPerm), which
// takes over R's output value; erases the absorbed Transposes. Returns the
// new Transpose, or nullptr when R' needs none and took over the value.
Node* push(Graph& g, Node* r, const Perm& p, Plan& plan, std::unordered_set<const Node*>& erased) {
  std::vector<Value*> inputs;
  for (size_t i = 0; i < plan.operands.size(); ++i) {
    Operand& o = plan.operands[i];
    if (!o.data) {
      inputs.push_back(o.value);
      continue;
    }
    const std::string name =
        o.value ? o.value->name() + "__transposed" : r->output(0)->name() + "__axes";
    inputs.push_back(g.addInitializer(g.uniqueName(name), o.data));
  }
  Value* y = r->output(0);
  const std::string yName = y->name(), op = r->opType(), domain = r->domain(), rName = r->name();
  const std::string tName = plan.transposes.front()->name(), doc = r->docString;
  const Perm outPerm = plan.outPerm ? *plan.outPerm : p;
  const TensorType before{y->type.dtype, transposedShape(y->type.shape, inversePerm(outPerm))};
  g.eraseNode(r);  // y stays, detached, with its readers
  erased.insert(r);
  for (Node* t : plan.transposes) {
    if (t->output(0)->hasUses()) continue;
    g.eraseNode(t);
    erased.insert(t);
  }
  // Dropped axes may leave nothing to transpose: then R' adopts y.
  const bool none = isIdentityPerm(outPerm);
  Node* r2 = g.addNode(op, domain, inputs, {none ? yName : g.uniqueName(yName + "__pre_transpose")},
                       rName);
  r2->attrs = plan.attrs;
  r2->docString = doc;
  if (none) return nullptr;
  r2->output(0)->type = before;
  Node* t2 = g.addNode("Transpose", "", {r2->output(0)}, {yName}, tName);  // adopts y
  t2->attrs.set(Attribute::ofInts("perm", outPerm));
  return t2;
}

// Readers of t = Transpose(x, p) that are Transposes by p's inverse read
// x directly (merge-transposes leaves them while t has other readers); t
// goes when nothing reads it any more (`tErased`).
size_t cancelInverseReaders(Graph& g, Node* t, const Perm& p,
                            std::unordered_set<const Node*>& erased, bool& tErased) {
  size_t n = 0;
  Value* x = t->input(0);
  const std::vector<Use> uses = t->output(0)->uses();
  std::set<Node*> seen;
  for (const Use& u : uses) {
    Node* inv = u.user;
    if (u.capture || !seen.insert(inv).second || !isOp(*inv, "Transpose")) continue;
    auto q = transposePerm(*inv);
    Value* out = inv->output(0);
    if (!q || q->size() != p.size() || !isIdentityPerm(composePerms(p, *q)) || !out) continue;
    if (readBySubgraph(*out) || !(out->quant == x->quant) || !canBypass(*out, *x)) continue;
    erased.insert(inv);
    bypass(g, out, x);
    ++n;
  }
  tErased = n && !t->output(0)->hasUses() && !t->output(0)->isGraphOutput();
  if (tErased) {
    erased.insert(t);
    g.eraseNode(t);
  }
  return n;
}

struct Round {
  Graph& g;
  int64_t opset;
  PassResult& res;
  std::vector<std::string> notes;
  std::unordered_set<const Node*> erased;

  // Moves `t` one step down; returns the Transpose below the reader, or
  // nullptr when `t` stays.
  Node* step(Node* t) {
    auto p = transposePerm(*t);
    Value* out = t->output(0);
    if (!p || !t->input(0) || !out || readBySubgraph(*out) || out->quant) return nullptr;
    if (!hasSoleReader(*out)) {
      bool tErased = false;
      res.changes += cancelInverseReaders(g, t, *p, erased, tErased);
      if (tErased) return nullptr;
    }
    std::set<Node*> users;
    for (const Use& u : out->uses()) users.insert(u.user);
    bool candidate = false;
    for (const Node* u : users) candidate = candidate || readerKind(*u);
    if (users.empty() || !candidate) return nullptr;
    if (users.size() > 1 || out->isGraphOutput()) {
      notes.push_back(fmt::format("{} not pushed down: its result {}", t->describe(),
                                  out->isGraphOutput()
                                      ? "is a graph output"
                                      : fmt::format("has {} readers", users.size())));
      return nullptr;
    }
    Node* r = *users.begin();
    Plan plan;
    std::string why = r->numOutputs() != 1 || !r->output(0) ? "it has more than one output"
                      : r->output(0)->quant ? "its output has quantization parameters"
                                            : planPush(*r, *readerKind(*r), *p, opset, &plan);
    if (!why.empty()) {
      notes.push_back(fmt::format("{} not pushed below {}: {}", t->describe(), r->describe(), why));
      return nullptr;
    }
    ++res.changes;
    return push(g, r, *p, plan, erased);
  }
};

}  // namespace

Expected<PassResult> pushTransposes(Model& m) {
  PassResult res;
  Graph& g = m.graph;
  const int64_t opset = m.opsetFor("");
  // Each push moves a Transpose down or removes one, so rounds end; the cap
  // only guards against a bug.
  for (size_t k = 0; k <= g.numNodes(); ++k) {
    const size_t before = res.changes;
    Round round{g, opset, res, {}, {}};
    for (Node* n : g.nodes()) {
      if (round.erased.count(n)) continue;
      for (Node* t = n; t && isOp(*t, "Transpose");) t = round.step(t);
    }
    if (res.changes == before) {
      res.notes = std::move(round.notes);
      break;
    }
  }
  if (res.changes) g.removeUnusedValues(/*keepInitializers=*/true);
  return res;
}

}  // namespace nnport
