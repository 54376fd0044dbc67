// Matrix products: MatMul (numpy semantics), Gemm, MatMulInteger,
// QLinearMatMul and Einsum.
#include <algorithm>
#include <map>

#include "ir/ops/infer_util.h"

namespace nnport {
namespace {

// numpy matmul: a 1-D A is a row [1,K] and a 1-D B a column [K,1], the
// added dim being dropped from the result; leading dims broadcast.
Status inferMatMulShapes(InferenceContext& ctx, size_t ai, size_t bi, DType outDType) {
  const TensorType* a = ctx.inputType(ai);
  const TensorType* b = ctx.inputType(bi);
  if (!a || !b || outDType == DType::Undefined) return Status::ok();
  if (!a->shape.rankKnown() || !b->shape.rankKnown()) {
    ctx.setOutput(0, outDType, Shape::unknownRank());
    return Status::ok();
  }
  std::vector<Dim> as = a->shape.dims(), bs = b->shape.dims();
  if (as.empty() || bs.empty())
    return ctx.error("operands must have rank >= 1 (scalars are not allowed)");
  const bool aVector = as.size() == 1, bVector = bs.size() == 1;
  if (aVector) as.insert(as.begin(), Dim(1));
  if (bVector) bs.push_back(Dim(1));
  const Dim& ka = as[as.size() - 1];
  const Dim& kb = bs[bs.size() - 2];
  if (ka.isStatic() && kb.isStatic() && ka.value != kb.value)
    return ctx.error("inner dimensions differ: {} (A {}) vs {} (B {})", ka.value, a->shape.str(),
                     kb.value, b->shape.str());
  const Shape aBatch(std::vector<Dim>(as.begin(), as.end() - 2));
  const Shape bBatch(std::vector<Dim>(bs.begin(), bs.end() - 2));
  NNP_ASSIGN_OR_RETURN(Shape batch, broadcastShapes(ctx, {&aBatch, &bBatch}));
  std::vector<Dim> out = batch.dims();
  if (!aVector) out.push_back(as[as.size() - 2]);
  if (!bVector) out.push_back(bs.back());
  ctx.setOutput(0, outDType, Shape(std::move(out)));
  return Status::ok();
}

// batch * M * N * K: every output element is a K-long dot product.
CostFn matMulMacs(size_t ai) {
  return [ai](const Node& n) -> int64_t {
    const Value* a = n.input(ai);
    const Value* y = n.output(0);
    if (!a || !y || !a->type.shape.rankKnown() || !y->type.shape.rankKnown()) return 0;
    if (a->type.shape.rank() == 0) return 0;
    const Dim& k = a->type.shape.dims().back();
    return satMul(y->type.shape.numElementsAssumingOne(), sizeOrOne(k));
  };
}

// Y = alpha * A' * B' + beta * C with A' = transA ? A^T : A (2-D only); C
// broadcasts unidirectionally to [M, N].
Status inferGemm(InferenceContext& ctx) {
  const TensorType* a = ctx.inputType(0);
  return inferGemmOf(ctx, 0, 1, 2, a ? a->dtype : DType::Undefined);
}

}  // namespace

Status inferGemmOf(InferenceContext& ctx, size_t ai, size_t bi, size_t ci, DType outDType) {
  const TensorType* a = ctx.inputType(ai);
  const TensorType* b = ctx.inputType(bi);
  if (!a || !b || outDType == DType::Undefined) return Status::ok();
  if (!a->shape.rankKnown() || !b->shape.rankKnown()) {
    ctx.setOutput(0, outDType, Shape({Dim(), Dim()}));
    return Status::ok();
  }
  if (a->shape.rank() != 2) return ctx.error("A must be 2-D, got shape {}", a->shape.str());
  if (b->shape.rank() != 2) return ctx.error("B must be 2-D, got shape {}", b->shape.str());
  const bool ta = ctx.attrInt("transA") != 0, tb = ctx.attrInt("transB") != 0;
  const Dim& m = a->shape[ta ? 1 : 0];
  const Dim& ka = a->shape[ta ? 0 : 1];
  const Dim& kb = b->shape[tb ? 1 : 0];
  const Dim& n = b->shape[tb ? 0 : 1];
  if (ka.isStatic() && kb.isStatic() && ka.value != kb.value)
    return ctx.error("inner dimensions differ: {} vs {}", ka.value, kb.value);
  if (const TensorType* c = ctx.inputType(ci); c && c->shape.rankKnown()) {
    if (c->shape.rank() > 2) return ctx.error("C must have rank <= 2, got {}", c->shape.rank());
    const Dim* target[2] = {&m, &n};
    const size_t off = 2 - c->shape.rank();
    for (size_t i = 0; i < c->shape.rank(); ++i) {
      const Dim& d = c->shape[i];
      const Dim& t = *target[off + i];
      if (d.isStatic() && d.value != 1 && t.isStatic() && d.value != t.value)
        return ctx.error("C shape {} does not broadcast to [{},{}]", c->shape.str(), m.str(),
                         n.str());
    }
  }
  ctx.setOutput(0, outDType, Shape({m, n}));
  return Status::ok();
}

namespace {

int64_t gemmMacs(const Node& n) {
  const Value* a = n.input(0);
  const Value* y = n.output(0);
  if (!a || !y || !y->type.shape.rankKnown() || a->type.shape.rank() != 2) return 0;
  const Dim& k = a->type.shape[n.attrInt("transA") != 0 ? 0 : 1];
  return satMul(y->type.shape.numElementsAssumingOne(), sizeOrOne(k));
}

// ----------------------------------------------------------------- Einsum

struct EinsumTerm {
  std::string labels;   // letters, ellipsis excluded
  int ellipsisAt = -1;  // position of "..." among the labels, -1 if none
};

struct EinsumEquation {
  std::vector<EinsumTerm> inputs;
  std::optional<EinsumTerm> output;  // absent in implicit mode
};

Expected<EinsumTerm> parseTerm(const std::string& text) {
  EinsumTerm t;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      t.labels.push_back(c);
    } else if (c == '.' && text.compare(i, 3, "...") == 0 && t.ellipsisAt < 0) {
      t.ellipsisAt = static_cast<int>(t.labels.size());
      i += 2;
    } else {
      return Status::invalid("bad einsum term '{}'", text);
    }
  }
  return t;
}

Expected<EinsumEquation> parseEinsum(const std::string& equation) {
  std::string eq;
  for (char c : equation)
    if (c != ' ') eq.push_back(c);
  EinsumEquation e;
  const size_t arrow = eq.find("->");
  const std::string lhs = eq.substr(0, arrow);
  size_t start = 0;
  while (true) {
    const size_t comma = lhs.find(',', start);
    NNP_ASSIGN_OR_RETURN(EinsumTerm t, parseTerm(lhs.substr(start, comma - start)));
    e.inputs.push_back(std::move(t));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (arrow != std::string::npos) {
    NNP_ASSIGN_OR_RETURN(EinsumTerm out, parseTerm(eq.substr(arrow + 2)));
    std::string sorted = out.labels;
    std::sort(sorted.begin(), sorted.end());
    if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end())
      return Status::invalid("einsum output '{}' repeats a label", eq.substr(arrow + 2));
    e.output = std::move(out);
  }
  return e;
}

// The size bound to each label and the broadcast shape of the ellipsis dims.
struct EinsumDims {
  std::map<char, Dim> labels;
  std::map<char, int> counts;
  Shape ellipsis = Shape(std::vector<Dim>{});
};

Expected<EinsumDims> bindEinsum(const InferenceContext& ctx, const EinsumEquation& e,
                                const std::vector<const Shape*>& shapes) {
  if (shapes.size() != e.inputs.size())
    return ctx.error("equation has {} operands but the node has {} inputs", e.inputs.size(),
                     shapes.size());
  EinsumDims b;
  std::vector<Shape> ellipses;
  for (size_t k = 0; k < shapes.size(); ++k) {
    const EinsumTerm& t = e.inputs[k];
    const Shape& s = *shapes[k];
    const size_t n = t.labels.size();
    if (t.ellipsisAt < 0 ? s.rank() != n : s.rank() < n)
      return ctx.error("operand {} has rank {} but its term has {} labels{}", k, s.rank(), n,
                       t.ellipsisAt < 0 ? "" : " and an ellipsis");
    const size_t ellRank = s.rank() - n;
    if (t.ellipsisAt >= 0) {
      auto first = s.dims().begin() + t.ellipsisAt;
      ellipses.emplace_back(std::vector<Dim>(first, first + static_cast<std::ptrdiff_t>(ellRank)));
    }
    for (size_t i = 0; i < n; ++i) {
      const char c = t.labels[i];
      const size_t axis =
          t.ellipsisAt >= 0 && i >= static_cast<size_t>(t.ellipsisAt) ? i + ellRank : i;
      const Dim& d = s[axis];
      ++b.counts[c];
      auto [it, fresh] = b.labels.emplace(c, d);
      Dim& cur = it->second;
      if (fresh || (d.isStatic() && d.value == 1)) continue;
      if (cur.isStatic() && d.isStatic() && cur.value != d.value && cur.value != 1)
        return ctx.error("label '{}' is bound to both {} and {}", c, cur.value, d.value);
      if (d.isStatic() || (!cur.isStatic() && cur.symbol.empty())) cur = d;
    }
  }
  std::vector<const Shape*> ptrs;
  for (const Shape& s : ellipses) ptrs.push_back(&s);
  if (!ptrs.empty()) {
    NNP_ASSIGN_OR_RETURN(b.ellipsis, broadcastShapes(ctx, ptrs));
  }
  return b;
}

Status inferEinsum(InferenceContext& ctx) {
  std::vector<const Shape*> shapes;
  DType dtype = DType::Undefined;
  bool rankKnown = true;
  for (size_t i = 0; i < ctx.numInputs(); ++i) {
    const TensorType* t = ctx.inputType(i);
    if (!t) return Status::ok();
    if (dtype == DType::Undefined) dtype = t->dtype;
    rankKnown = rankKnown && t->shape.rankKnown();
    shapes.push_back(&t->shape);
  }
  if (shapes.empty()) return ctx.error("needs at least one input");
  auto eq = parseEinsum(ctx.attrString("equation"));
  if (!eq) return ctx.error("{}", eq.status().message());
  if (!rankKnown) {
    ctx.setOutput(0, dtype, Shape::unknownRank());
    return Status::ok();
  }
  NNP_ASSIGN_OR_RETURN(EinsumDims b, bindEinsum(ctx, *eq, shapes));
  std::vector<Dim> out;
  if (eq->output) {
    const EinsumTerm& o = *eq->output;
    for (size_t i = 0; i <= o.labels.size(); ++i) {
      if (static_cast<int>(i) == o.ellipsisAt)
        out.insert(out.end(), b.ellipsis.dims().begin(), b.ellipsis.dims().end());
      if (i == o.labels.size()) break;
      auto it = b.labels.find(o.labels[i]);
      if (it == b.labels.end())
        return ctx.error("output label '{}' is not in any input", o.labels[i]);
      out.push_back(it->second);
    }
  } else {
    // Implicit mode: ellipsis dims, then the labels seen exactly once, sorted.
    out = b.ellipsis.dims();
    for (const auto& [c, d] : b.labels)
      if (b.counts[c] == 1) out.push_back(d);
  }
  ctx.setOutput(0, dtype, Shape(std::move(out)));
  return Status::ok();
}

}  // namespace

void registerMatMulOps(OpRegistry& r) {
  // B's output features are its last axis (a constant B is the weight).
  r.add("MatMul")
      .input("A")
      .input("B")
      .output("Y")
      .traits(kQuantizable | kFusedActivation)
      .quantization(weightedQuantization(1, -1,
                                         [](const Node& n) {
                                           const Value* b = n.input(1);
                                           return b && b->type.shape.rankKnown()
                                                      ? static_cast<int64_t>(b->type.shape.rank()) -
                                                            1
                                                      : int64_t{-1};
                                         })
                        .integerForm("QLinearMatMul"))
      .infer([](InferenceContext& c) { return inferMatMulShapes(c, 0, 1, c.inputDType(0)); })
      .macs(matMulMacs(0));
  r.add("Gemm")
      .input("A")
      .input("B")
      .optionalInput("C")
      .output("Y")
      .attr("alpha", 1.0f)
      .attr("beta", 1.0f)
      .attr("transA", int64_t{0})
      .attr("transB", int64_t{0})
      .traits(kQuantizable | kFusedActivation)
      // B is [K, N], or [N, K] with transB: the output features N.
      .quantization(
          weightedQuantization(
              1, 2, [](const Node& n) { return n.attrInt("transB") ? int64_t{0} : int64_t{1}; })
              .integerForm("QGemm", kMicrosoftDomain,
                           QuantizationRule::IntegerLayout::BiasThenOutput))
      .infer(inferGemm)
      .macs(gemmMacs);
  r.add("MatMulInteger")
      .since(10)
      .input("A")
      .input("B")
      .optionalInput("a_zero_point")
      .optionalInput("b_zero_point")
      .output("Y")
      .traits(kQuantizable)
      .infer([](InferenceContext& c) { return inferMatMulShapes(c, 0, 1, DType::Int32); })
      .macs(matMulMacs(0));
  r.add("QLinearMatMul")
      .since(10)
      .input("a")
      .input("a_scale")
      .input("a_zero_point")
      .input("b")
      .input("b_scale")
      .input("b_zero_point")
      .input("y_scale")
      .input("y_zero_point")
      .output("y")
      .traits(kQuantizable)
      .infer([](InferenceContext& c) { return inferMatMulShapes(c, 0, 3, c.inputDType(7)); })
      .macs(matMulMacs(0));
  r.add("Einsum")
      .since(12)
      .variadicInput("Inputs")
      .output("Output")
      .requiredAttr("equation", AttrKind::String)
      .infer(inferEinsum);
}

}  // namespace nnport
