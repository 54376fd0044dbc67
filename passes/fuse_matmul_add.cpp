// fuse-matmul-add: MatMul(A, B) + c, with A known to be 2-D [M, K], B a
// constant 2-D [K, N] and c a constant [N] or [1, N] bias, becomes
// Gemm(A, B, c) (alpha = beta = 1, no transposes): the same product and
// the same per-column bias, one node. The MatMul output must be read only
// by the Add. A's rank comes from its type, a producer of fixed rank
// (Flatten, Gemm) or the MatMul output's type; when none tells, the pass
// refuses with a note rather than guess (a 3-D A would not be a Gemm).
// Also refused (noted): non-float or mismatched dtypes, a bias of another
// shape (e.g. [M, N] or [M, 1]), a legacy Add with a broadcast attribute.
#include "passes/fusion_util.h"
#include "passes/pass.h"
#include "passes/rewire.h"
#include "passes/rewrite.h"

namespace nnport {

namespace {

// The MatMul read by `add` whose other operand is a constant, or nullptr
// (not a candidate: no note).
Node* matMulOperand(const Node& add, size_t& biasIndex) {
  for (size_t i = 0; i < 2; ++i) {
    Node* p = add.input(i) ? add.input(i)->producer() : nullptr;
    if (p && isOp(*p, "MatMul") && add.input(1 - i) && add.input(1 - i)->isConstant()) {
      biasIndex = 1 - i;
      return p;
    }
  }
  return nullptr;
}

std::string refusal(const Node& mm, const Node& add, const Value& bias, int64_t opset) {
  if (opset < 7 || add.attrs.find("broadcast")) return "legacy broadcast semantics (opset < 7)";
  if (!hasSoleReader(*mm.output(0))) return "the MatMul output has other consumers";
  if (auto why = fusedActivationRefusal(mm); !why.empty()) return why;
  const Value* b = mm.input(1);
  if (!isFloatConstant(b) || b->initializer()->dims().size() != 2)
    return "B is not a 2-D float constant";
  if (bias.initializer()->dtype() != b->initializer()->dtype())
    return "the bias is not of B's dtype";
  const auto& cd = bias.initializer()->dims();
  const int64_t n = b->initializer()->dims()[1];
  const bool column =
      (cd.size() == 1 && cd[0] == n) || (cd.size() == 2 && cd[0] == 1 && cd[1] == n);
  if (!column)
    return fmt::format("the bias of shape {} is not [{}] or [1, {}]", Shape::ofSizes(cd).str(), n,
                       n);
  return matMulNot2d(mm);
}

bool foldIntoGemm(Node& add, RewriteContext& ctx) {
  if (add.numInputs() != 2 || !add.output(0)) return false;
  size_t biasIndex = 0;
  Node* mm = matMulOperand(add, biasIndex);
  if (!mm) return false;
  Value* bias = add.input(biasIndex);
  const std::string why = refusal(*mm, add, *bias, ctx.model.opsetFor(""));
  if (!why.empty()) {
    ctx.note("{} not fused into {}: {}", add.describe(), mm->describe(), why);
    return false;
  }
  Value* a = mm->input(0);
  Value* b = mm->input(1);
  replaceChain(ctx.graph, {mm, &add}, "Gemm", {a, b, bias});
  return true;
}

}  // namespace

Expected<PassResult> fuseMatMulAdd(Model& m) {
  return runRewrite(m, {{"Add"}, 0, foldIntoGemm});
}

}  // namespace nnport
