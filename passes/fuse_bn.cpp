// fuse-bn: an inference BatchNormalization that alone reads the output of a
// ConvTranspose, a Gemm or a MatMul with a constant 2-D B folds into it.
// With s = gamma / sqrt(var + epsilon) and t = beta - mean * s per output
// channel c (BN's axis 1):
//   ConvTranspose, W [C_in, M/g, k...]: input channel i of group
//     q = i / (C_in/g) and j < M/g feed channel c = q * (M/g) + j, so
//     W'[i, j, ...] = W[i, j, ...] * s[c] and b'[c] = b[c] * s[c] + t[c].
//   Gemm, Y = alpha * A' B' + beta * C over [M, N] (c is the column n):
//     B'[:, n] (row n of B when transB = 1) is scaled by alpha * s[n],
//     C'[n] = beta * C[n] * s[n] + t[n], alpha = beta = 1. C must be the
//     same for every row (scalar, [N] or [1, N]); one is made if absent.
//   MatMul(A, B), A known 2-D (then BN's channel axis is the last one):
//     becomes Gemm(A, B', t) with B'[:, n] = B[:, n] * s[n].
// Refused (noted): other readers of the producer's output, non-constant or
// non-float weights and BN parameters, training mode, used running
// statistics, a C that varies by row, a MatMul whose A is not known 2-D.

#include "ir/builder.h"
#include "passes/fusion_util.h"
#include "passes/pass.h"
#include "passes/rewire.h"
#include "passes/rewrite.h"

namespace nnport {

namespace {

int64_t dim(const Value* v, size_t i) {
  return v->initializer()->dims()[i];
}

// ConvTranspose output channels, or 0 when the weight or bias is unusable.
int64_t convTransposeChannels(const Node& ct, std::string& why) {
  const Value* w = ct.input(1);
  if (!isFloatConstant(w) || w->initializer()->dims().size() < 3) {
    why = "the ConvTranspose weight is not a float constant";
    return 0;
  }
  if (ct.input(2) && !isFloatConstant(ct.input(2))) {
    why = "the ConvTranspose bias is not a float constant";
    return 0;
  }
  return dim(w, 1) * ct.attrInt("group");
}

void foldConvTranspose(Graph& g, Node& ct, const BnAffine& a) {
  const Value* w = ct.input(1);
  const int64_t group = ct.attrInt("group"), cin = dim(w, 0), perGroup = dim(w, 1);
  const size_t m = a.scale.size();
  std::vector<double> weights = constantValues(*w);
  const size_t kernel = weights.size() / static_cast<size_t>(cin * perGroup);
  for (int64_t i = 0; i < cin; ++i)
    for (int64_t j = 0; j < perGroup; ++j) {
      const double s = a.scale[static_cast<size_t>(i / (cin / group) * perGroup + j)];
      double* row = weights.data() + static_cast<size_t>(i * perGroup + j) * kernel;
      for (size_t k = 0; k < kernel; ++k) row[k] *= s;
    }
  std::vector<double> bias =
      ct.input(2) ? constantValues(*ct.input(2)) : std::vector<double>(m, 0.0);
  for (size_t c = 0; c < m; ++c) bias[c] = bias[c] * a.scale[c] + a.shift[c];
  const DType d = w->initializer()->dtype();
  ct.setInput(
      1, uniqueConstant(g, w->name() + "_bn", realTensor(d, w->initializer()->dims(), weights)));
  Value* nb =
      uniqueConstant(g, w->name() + "_bn_bias", realTensor(d, {static_cast<int64_t>(m)}, bias));
  if (ct.numInputs() > 2)
    ct.setInput(2, nb);
  else
    ct.addInput(nb);
}

// Gemm output columns N, or 0 with the reason.
int64_t gemmChannels(const Node& gemm, int64_t opset, std::string& why) {
  const Value* b = gemm.input(1);
  const Value* c = gemm.input(2);
  if (opset < 7)
    why = "Gemm before opset 7 broadcasts C by attribute";
  else if (!isFloatConstant(b) || b->initializer()->dims().size() != 2)
    why = "B is not a 2-D float constant";
  else if (c && !isFloatConstant(c))
    why = "C is not a float constant";
  if (!why.empty()) return 0;
  const int64_t n = dim(b, gemm.attrInt("transB") ? 0 : 1);
  if (!c) return n;
  const auto& cd = c->initializer()->dims();
  const bool perColumn = cd.size() <= 2 && (cd.empty() || cd.back() == n || cd.back() == 1) &&
                         (cd.size() < 2 || cd[0] == 1);
  if (!perColumn) why = "C varies by row (only a scalar, [N] or [1, N] C folds)";
  return perColumn ? n : 0;
}

void foldGemm(Graph& g, Node& gemm, const BnAffine& a) {
  const Value* b = gemm.input(1);
  const bool transB = gemm.attrInt("transB") != 0;
  const double alpha = gemm.attrFloat("alpha"), beta = gemm.attrFloat("beta");
  const size_t n = a.scale.size();
  std::vector<double> weights = constantValues(*b);
  const size_t k = weights.size() / n;
  for (size_t r = 0; r < k; ++r)
    for (size_t col = 0; col < n; ++col) {
      double& x = transB ? weights[col * k + r] : weights[r * n + col];
      x *= alpha * a.scale[col];
    }
  std::vector<double> bias(n, 0.0);
  if (const Value* c = gemm.input(2)) {
    const std::vector<double> cv = constantValues(*c);
    for (size_t col = 0; col < n; ++col) bias[col] = beta * cv[cv.size() == 1 ? 0 : col];
  }
  for (size_t col = 0; col < n; ++col) bias[col] = bias[col] * a.scale[col] + a.shift[col];
  const DType d = b->initializer()->dtype();
  gemm.setInput(
      1, uniqueConstant(g, b->name() + "_bn", realTensor(d, b->initializer()->dims(), weights)));
  Value* nc =
      uniqueConstant(g, b->name() + "_bn_bias", realTensor(d, {static_cast<int64_t>(n)}, bias));
  if (gemm.numInputs() > 2)
    gemm.setInput(2, nc);
  else
    gemm.addInput(nc);
  gemm.attrs.erase("alpha");
  gemm.attrs.erase("beta");
}

// MatMul output columns N, or 0 with the reason.
int64_t matMulChannels(const Node& mm, std::string& why) {
  const Value* b = mm.input(1);
  if (!isFloatConstant(b) || b->initializer()->dims().size() != 2)
    why = "B is not a 2-D float constant";
  else
    why = matMulNot2d(mm);
  return why.empty() ? dim(b, 1) : 0;
}

void foldMatMul(Graph& g, Node& mm, Node& bn, const BnAffine& a) {
  Value* x = mm.input(0);
  const Value* b = mm.input(1);
  const size_t n = a.scale.size();
  std::vector<double> weights = constantValues(*b);
  for (size_t i = 0; i < weights.size(); ++i) weights[i] *= a.scale[i % n];
  const DType d = b->initializer()->dtype();
  Value* nb =
      uniqueConstant(g, b->name() + "_bn", realTensor(d, b->initializer()->dims(), weights));
  Value* nc =
      uniqueConstant(g, b->name() + "_bn_bias", realTensor(d, {static_cast<int64_t>(n)}, a.shift));
  replaceChain(g, {&mm, &bn}, "Gemm", {x, nb, nc});
}

// Output channels of `p` when it can take a BN, or 0 with the reason.
int64_t channelsOf(const Node& p, int64_t opset, std::string& why) {
  if (!hasSoleReader(*p.output(0))) {
    why = "its input has other consumers";
    return 0;
  }
  if (isOp(p, "ConvTranspose")) return convTransposeChannels(p, why);
  if (isOp(p, "Gemm")) return gemmChannels(p, opset, why);
  return matMulChannels(p, why);
}

// Folds `bn` into its producer `p`; the reason when it cannot.
std::string fuse(Graph& g, Node& p, Node& bn, int64_t opset) {
  std::string why = fusedActivationRefusal(p);
  if (!why.empty()) return why;
  const int64_t channels = channelsOf(p, opset, why);
  if (!why.empty()) return why;
  why = bnRefusal(bn, channels);
  if (!why.empty()) return why;
  const bool matMul = isOp(p, "MatMul");
  if (!matMul && !canBypass(*bn.output(0), *p.output(0)))
    return "the BatchNormalization output cannot be renamed";
  const BnAffine a = bnAffine(bn);
  if (matMul) {
    foldMatMul(g, p, bn, a);
    return "";
  }
  if (isOp(p, "Gemm"))
    foldGemm(g, p, a);
  else
    foldConvTranspose(g, p, a);
  bypass(g, bn.output(0), p.output(0));
  return "";
}

bool foldIntoProducer(Node& bn, RewriteContext& ctx) {
  if (!bn.input(0) || !bn.output(0)) return false;
  Node* p = bn.input(0)->producer();
  if (!p || !(isOp(*p, "ConvTranspose") || isOp(*p, "Gemm") || isOp(*p, "MatMul"))) return false;
  const std::string what = fmt::format("{} not fused into {}: ", bn.describe(), p->describe());
  const std::string why = fuse(ctx.graph, *p, bn, ctx.model.opsetFor(""));
  if (!why.empty()) ctx.notes.push_back(what + why);
  return why.empty();
}

}  // namespace

Expected<PassResult> fuseBn(Model& m) {
  return runRewrite(m, {{"BatchNormalization"}, 0, foldIntoProducer});
}

}  // namespace nnport
