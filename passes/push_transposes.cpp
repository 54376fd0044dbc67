// push-transposes: R(Transpose(x, p), ...) becomes Transpose(R'(x, ...), p)
// when R, the only reader, commutes with it, so the NCHW<->NHWC pairs that
// converters leave around each Conv of an NHWC model meet and cancel
// (merge-transposes). R' is R rewritten for x's layout:
// - unary elementwise ops (Relu, Sigmoid, Clip, Cast, ...): unchanged;
// - broadcasting ops (Add, Mul, Where, PRelu, ...): each other operand is a
//   constant, given leading 1-dims up to p's rank (numpy aligns ranks on the
//   right) and transposed by p's inverse (one-element constants stay), or
//   another Transpose by p that only R reads, which goes;
// - Concat of Transposes by p, Reduce*/ArgMax/ArgMin with keepdims=1,
//   Softmax/LogSoftmax from opset 13 (before, they flatten at the axis),
//   Slice and opset-18 Pad with constant axes: axis a becomes p[a];
// - Pad with constant pads: the pads of dim i move to dim p[i].
// The new Transpose keeps R's output value (name, type, readers), so graph
// outputs keep their names; R's new output gets the transposed type.
//
// The Transpose count never grows: a Transpose read by several nodes stays,
// but its readers that are Transposes by p's inverse (which merge-transposes
// leaves, the result being read elsewhere) read x directly, which may leave
// one reader. Refusals by a reader that could take the Transpose are noted,
// from the last round (after every push).
#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>

#include "passes/fusion_util.h"
#include "passes/pass.h"
#include "passes/rewire.h"
#include "passes/transpose_util.h"

namespace nnport {

namespace {

using Ints = std::vector<int64_t>;

enum class Reader { Unary, Broadcast, Concat, Reduce, ArgReduce, Softmax, Pad, Slice };

const std::map<std::string, Reader>& readers() {
  static const std::map<std::string, Reader> table = [] {
    std::map<std::string, Reader> t;
    // clang-format off
    for (const char* op : {"Relu", "LeakyRelu", "Sigmoid", "Tanh", "Elu", "Selu", "Celu",
                           "HardSigmoid", "HardSwish", "Softplus", "Softsign", "ThresholdedRelu",
                           "Clip", "Abs", "Neg", "Exp", "Log", "Sqrt", "Reciprocal", "Floor",
                           "Ceil", "Round", "Sign", "Sin", "Cos", "Tan", "Asin", "Acos", "Atan",
                           "Sinh", "Cosh", "Asinh", "Acosh", "Atanh", "Erf", "Not", "BitwiseNot",
                           "IsNaN", "IsInf", "Cast", "Identity"})
      t[op] = Reader::Unary;
    for (const char* op : {"Add", "Sub", "Mul", "Div", "Pow", "Mod", "BitShift", "BitwiseAnd",
                           "BitwiseOr", "BitwiseXor", "Equal", "Less", "Greater", "LessOrEqual",
                           "GreaterOrEqual", "And", "Or", "Xor", "Min", "Max", "Sum", "Mean",
                           "Where", "PRelu"})
      t[op] = Reader::Broadcast;
    for (const char* op : {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd",
                           "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp",
                           "ReduceSumSquare"})
      t[op] = Reader::Reduce;
    // clang-format on
    t["ArgMax"] = t["ArgMin"] = Reader::ArgReduce;
    t["Softmax"] = t["LogSoftmax"] = Reader::Softmax;
    t["Concat"] = Reader::Concat;
    t["Pad"] = Reader::Pad;
    t["Slice"] = Reader::Slice;
    return t;
  }();
  return table;
}

std::optional<Reader> readerKind(const Node& n) {
  if (!n.domain().empty() && n.domain() != "ai.onnx") return std::nullopt;
  auto it = readers().find(n.opType());
  if (it == readers().end()) return std::nullopt;
  return it->second;
}

bool readBySubgraph(const Value& v) {
  for (const Use& u : v.uses())
    if (u.capture) return true;
  return false;
}

// R' before it exists: its operands (a new constant is made only once the
// push is sure) and attributes, and the Transposes it absorbs.
struct Operand {
  Value* value = nullptr;
  TensorPtr data;  // when set, a new constant named after `value`
};
struct Plan {
  std::vector<Operand> operands;
  AttributeMap attrs;
  std::vector<Node*> transposes;
};

class Planner {
 public:
  Planner(const Node& r, const Perm& p, int64_t opset) : r_(r), p_(p), opset_(opset) {
    for (Value* v : r.inputs()) plan_.operands.push_back({v, nullptr});
    plan_.attrs = r.attrs;
  }
  Plan& plan() { return plan_; }

  // Why R cannot take the Transpose, or empty (then plan() is R').
  std::string run(Reader kind) {
    std::string why = family(kind);
    if (!why.empty()) return why;
    // Every read of an absorbed Transpose must have been rewritten.
    for (const Node* t : plan_.transposes)
      for (const Use& u : t->output(0)->uses())
        if (plan_.operands[u.index].value != t->input(0))
          return "it reads the Transpose in an operand it cannot rewrite";
    return "";
  }

 private:
  std::string family(Reader kind) {
    switch (kind) {
      case Reader::Unary:
        return transposed(0) ? "" : "its first operand is not the Transpose";
      case Reader::Broadcast:
        return broadcast();
      case Reader::Concat:
        for (size_t i = 0; i < r_.numInputs(); ++i)
          if (!transposed(i))
            return fmt::format("operand {} is not a Transpose by the same perm read only here", i);
        return remapAxis("axis", 0, true);
      case Reader::Reduce:
        return reduce();
      case Reader::ArgReduce:
        if (r_.attrInt("keepdims", 1) != 1) return "keepdims=0 drops the axis";
        return unaryWithAxis("axis", 0);
      case Reader::Softmax:
        if (opset_ < 13) return "before opset 13 Softmax flattens its input at the axis";
        return unaryWithAxis("axis", -1);
      case Reader::Pad:
        return pad();
      case Reader::Slice:
        return slice();
    }
    return "unknown reader";
  }

  // Operand i read through a Transpose by p that only R reads: R' reads the
  // Transpose's input.
  bool transposed(size_t i) {
    Value* v = r_.input(i);
    Node* t = v ? v->producer() : nullptr;
    if (!t || !isOp(*t, "Transpose") || v->isGraphOutput() || readBySubgraph(*v) || v->quant)
      return false;
    for (const Use& u : v->uses())
      if (u.user != &r_) return false;
    auto perm = transposePerm(*t);
    if (!perm || *perm != p_) return false;
    plan_.operands[i].value = t->input(0);
    if (std::find(plan_.transposes.begin(), plan_.transposes.end(), t) == plan_.transposes.end())
      plan_.transposes.push_back(t);
    return true;
  }

  std::string unaryWithAxis(const char* attr, int64_t fallback) {
    if (!transposed(0)) return "its first operand is not the Transpose";
    return remapAxis(attr, fallback, false);
  }

  std::string remapAxis(const char* attr, int64_t fallback, bool required) {
    const Attribute* a = r_.attrs.find(attr);
    if (!a && required) return fmt::format("it has no {}", attr);
    auto axes = axesBeforeTranspose({a ? a->i : fallback}, p_);
    if (!axes) return fmt::format("its {} is out of range", attr);
    plan_.attrs.set(Attribute::ofInt(attr, axes->front()));
    return "";
  }

  std::string broadcast() {
    if (r_.attrs.find("broadcast")) return "it uses the legacy broadcast attribute";
    if (isOp(r_, "PRelu") && !transposed(0)) return "its input is not the Transpose";
    for (size_t i = 0; i < r_.numInputs(); ++i) {
      const Value* v = r_.input(i);
      if (!v || plan_.operands[i].value != v || transposed(i)) continue;
      if (!v->isConstant())
        return fmt::format(
            "operand {} is neither a constant nor a Transpose by the same perm read only here", i);
      const Tensor& c = *v->initializer();
      if (c.numElements() == 1 && c.dims().size() <= p_.size())
        continue;  // broadcasts the same either way
      plan_.operands[i].data = transposeConstant(c, inversePerm(p_));
      if (!plan_.operands[i].data)
        return fmt::format(
            "constant operand {} cannot be transposed (rank above {} or element type {})", i,
            p_.size(), dtypeName(c.dtype()));
    }
    return "";
  }

  std::string reduce() {
    if (r_.attrInt("keepdims", 1) != 1) return "keepdims=0 drops the reduced axes";
    if (!transposed(0)) return "its first operand is not the Transpose";
    if (r_.input(1)) {
      auto axes = initializerInts(r_.input(1));
      if (!axes) return "its axes are not constant";
      return remapAxesInput(1, *axes);
    }
    // No axes: all of them, or none (noop_with_empty_axes); either way the same.
    if (const Attribute* a = r_.attrs.find("axes")) {
      auto axes = axesBeforeTranspose(a->ints, p_);
      if (!axes) return "an axis is out of range";
      plan_.attrs.set(Attribute::ofInts("axes", *axes));
    }
    return "";
  }

  std::string remapAxesInput(size_t i, const Ints& axes) {
    auto mapped = axesBeforeTranspose(axes, p_);
    if (!mapped) return "an axis is out of range";
    plan_.operands[i].data = intVectorTensor(r_.input(i)->initializer()->dtype(), *mapped);
    return "";
  }

  std::string pad() {
    if (!transposed(0)) return "its input is not the Transpose";
    if (r_.input(3)) {  // opset 18: pads for these axes only
      auto axes = initializerInts(r_.input(3));
      if (!axes) return "its axes are not constant";
      return remapAxesInput(3, *axes);
    }
    std::optional<Ints> pads;
    const char* attr = r_.attrs.find("paddings") ? "paddings" : "pads";  // Pad-1 : Pad-2
    if (r_.input(1))
      pads = initializerInts(r_.input(1));
    else if (const Attribute* a = r_.attrs.find(attr))
      pads = a->ints;
    if (!pads) return "its pads are not constant";
    if (pads->size() != 2 * p_.size())
      return fmt::format("it has {} pads for rank {}", pads->size(), p_.size());
    const Ints moved = padsBeforeTranspose(*pads, p_);
    if (r_.input(1))
      plan_.operands[1].data = intVectorTensor(r_.input(1)->initializer()->dtype(), moved);
    else
      plan_.attrs.set(Attribute::ofInts(attr, moved));
    return "";
  }

  std::string slice() {
    if (!transposed(0)) return "its input is not the Transpose";
    if (r_.attrs.find("starts")) {  // Slice-1: attributes
      Ints axes = r_.attrInts("axes");
      if (!r_.attrs.find("axes"))
        for (size_t i = 0; i < r_.attrInts("starts").size(); ++i)
          axes.push_back(static_cast<int64_t>(i));
      auto mapped = axesBeforeTranspose(axes, p_);
      if (!mapped) return "an axis is out of range";
      plan_.attrs.set(Attribute::ofInts("axes", *mapped));
      return "";
    }
    if (r_.input(3)) {
      auto axes = initializerInts(r_.input(3));
      if (!axes) return "its axes are not constant";
      return remapAxesInput(3, *axes);
    }
    // No axes: 0..k-1 for k starts; the new axes take the starts' type.
    const Value* starts = r_.input(1);
    if (!starts || !starts->type.shape.rankKnown() || starts->type.shape.rank() != 1 ||
        !starts->type.shape[0].isStatic())
      return "it has no axes and the number of starts is unknown";
    Ints axes(static_cast<size_t>(starts->type.shape[0].value));
    for (size_t i = 0; i < axes.size(); ++i) axes[i] = static_cast<int64_t>(i);
    auto mapped = axesBeforeTranspose(axes, p_);
    if (!mapped) return "it has more starts than dims";
    plan_.operands.resize(std::max<size_t>(plan_.operands.size(), 4));
    plan_.operands[3] = {nullptr, intVectorTensor(starts->type.dtype, *mapped)};
    return "";
  }

  const Node& r_;
  const Perm& p_;
  int64_t opset_;
  Plan plan_;
};

// Replaces R by R' followed by Transpose(p), which takes over R's output
// value; erases the absorbed Transposes. Returns the new Transpose.
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
  const TensorType before{y->type.dtype, transposedShape(y->type.shape, inversePerm(p))};
  g.eraseNode(r);  // y stays, detached, with its readers
  erased.insert(r);
  for (Node* t : plan.transposes) {
    if (t->output(0)->hasUses()) continue;
    g.eraseNode(t);
    erased.insert(t);
  }
  Node* r2 = g.addNode(op, domain, inputs, {g.uniqueName(yName + "__pre_transpose")}, rName);
  r2->attrs = plan.attrs;
  r2->docString = doc;
  r2->output(0)->type = before;
  Node* t2 = g.addNode("Transpose", "", {r2->output(0)}, {yName}, tName);  // adopts y
  t2->attrs.set(Attribute::ofInts("perm", p));
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
    Planner planner(*r, *p, opset);
    std::string why = r->numOutputs() != 1 || !r->output(0) ? "it has more than one output"
                      : r->output(0)->quant ? "its output has quantization parameters"
                                            : planner.run(*readerKind(*r));
    if (!why.empty()) {
      notes.push_back(fmt::format("{} not pushed below {}: {}", t->describe(), r->describe(), why));
      return nullptr;
    }
    ++res.changes;
    return push(g, r, *p, planner.plan(), erased);
  }
};

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

}  // namespace

void registerPushTransposesPass(PassRegistry& r) {
  r.add({"push-transposes",
         "move Transposes below elementwise, Concat, Reduce, Softmax, Pad and Slice readers so "
         "pairs meet",
         pushTransposes});
}

}  // namespace nnport
