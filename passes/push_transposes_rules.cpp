// push-transposes' commuting rules: the reader families, and for each the
// rewrite of R's operands and attributes for the Transpose's input layout.
#include "passes/push_transposes_rules.h"

#include <algorithm>

#include "passes/fusion_util.h"
#include "passes/rewire.h"

namespace nnport::pushtransposes {

namespace {

using Ints = std::vector<int64_t>;

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
        return remapAxis("axis", true);
      case Reader::Reduce:
        return reduce();
      case Reader::ArgReduce:
        return argReduce();
      case Reader::Softmax:
        if (opset_ < 13) return "before opset 13 Softmax flattens its input at the axis";
        return unaryWithAxis("axis");
      case Reader::Pad:
        return pad();
      case Reader::Slice:
        return slice();
      case Reader::Squeeze:
        return squeeze();
      case Reader::None:
        break;
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

  std::string unaryWithAxis(const char* attr) {
    if (!transposed(0)) return "its first operand is not the Transpose";
    return remapAxis(attr, false);
  }

  // The axis attribute (the op record's default when unset) as an axis of
  // the Transpose's input.
  std::string remapAxis(const char* attr, bool required) {
    if (required && !r_.attrs.find(attr)) return fmt::format("it has no {}", attr);
    auto axes = axesBeforeTranspose({r_.attrInt(attr)}, p_);
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

  // Axes from input 1 (when given) or the `axes` attribute, remapped for
  // x; returns the axes of y they held (nullopt: none given).
  std::string remapAxesOperand(std::optional<Ints>& axes) {
    if (r_.input(1)) {
      axes = initializerInts(r_.input(1));
      if (!axes) return "its axes are not constant";
      return remapAxesInput(1, *axes);
    }
    if (const Attribute* a = r_.attrs.find("axes")) {
      axes = a->ints;
      auto mapped = axesBeforeTranspose(a->ints, p_);
      if (!mapped) return "an axis is out of range";
      plan_.attrs.set(Attribute::ofInts("axes", *mapped));
    }
    return "";
  }

  // R drops `yAxes` of y: the Transpose after R' has the kept rank.
  std::string dropAxes(const Ints& yAxes) {
    plan_.outPerm = permAfterDroppingAxes(p_, yAxes);
    return plan_.outPerm ? "" : "an axis is out of range or repeated";
  }

  // 0, 1, ..., n - 1.
  static Ints firstAxes(size_t n) {
    Ints a(n);
    for (size_t i = 0; i < n; ++i) a[i] = static_cast<int64_t>(i);
    return a;
  }

  std::string reduce() {
    if (!transposed(0)) return "its first operand is not the Transpose";
    std::optional<Ints> axes;
    std::string why = remapAxesOperand(axes);
    // keepdims=1: no axes means all of them, or none (noop_with_empty_axes);
    // either way the same for x.
    if (!why.empty() || r_.attrInt("keepdims") == 1) return why;
    if (axes && !axes->empty()) return dropAxes(*axes);
    if (r_.attrInt("noop_with_empty_axes") != 0) return "";  // the identity: p stays
    return dropAxes(firstAxes(p_.size()));
  }

  std::string argReduce() {
    std::string why = unaryWithAxis("axis");
    if (!why.empty() || r_.attrInt("keepdims") == 1) return why;
    return dropAxes({r_.attrInt("axis")});
  }

  // Squeeze: the given axes, or y's 1-dims (then R' without axes squeezes
  // the same dims of x).
  std::string squeeze() {
    const Shape& y = r_.input(0)->type.shape;
    if (!transposed(0)) return "its input is not the Transpose";
    std::optional<Ints> axes;
    std::string why = remapAxesOperand(axes);
    if (!why.empty()) return why;
    // An empty axes input squeezes every 1-dim, as no axes does.
    if (axes && !axes->empty()) return dropAxes(*axes);
    if (!y.rankKnown() || y.rank() != p_.size())
      return "it has no axes and the rank of its input is unknown";
    Ints ones;
    for (size_t i = 0; i < y.rank(); ++i) {
      if (!y[i].isStatic()) return "it has no axes and its input has a symbolic dim";
      if (y[i].value == 1) ones.push_back(static_cast<int64_t>(i));
    }
    return dropAxes(ones);
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
      const Ints axes =
          r_.attrs.find("axes") ? r_.attrInts("axes") : firstAxes(r_.attrInts("starts").size());
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
    auto mapped =
        axesBeforeTranspose(firstAxes(static_cast<size_t>(starts->type.shape[0].value)), p_);
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

}  // namespace

std::optional<Reader> readerKind(const Node& n) {
  if (!n.domain().empty() && n.domain() != "ai.onnx") return std::nullopt;
  if (!n.schema() || n.schema()->transposeRule == Reader::None) return std::nullopt;
  return n.schema()->transposeRule;
}

bool readBySubgraph(const Value& v) {
  for (const Use& u : v.uses())
    if (u.capture) return true;
  return false;
}

std::string planPush(const Node& r, Reader kind, const Perm& p, int64_t opset, Plan* plan) {
  Planner planner(r, p, opset);
  std::string why = planner.run(kind);
  *plan = std::move(planner.plan());
  return why;
}

}  // namespace nnport::pushtransposes
