// fold-constants: a node whose inputs are all constants (initializers, or
// omitted) is computed once with the interpreter's reference kernels and
// its outputs become initializers of the same names. Skipped:
// - nondeterministic ops (Random*, Multinomial, Bernoulli) and ops with
//   subgraphs;
// - QuantizeLinear/DequantizeLinear: in a QDQ model they mark where
//   quantization happens and must stay;
// - results that would grow the model: an output larger than 64 KiB and
//   larger than the node's constant inputs together (Expand, Tile,
//   ConstantOfShape of big shapes stay as ops);
// - graph outputs (they would turn into initializers).
#include <set>

#include "exec/kernel.h"
#include "passes/pass.h"
#include "passes/rewire.h"
#include "passes/rewrite.h"
#include "support/memory_budget.h"

namespace nnport {

namespace {

constexpr size_t kSmallOutputBytes = 64 * 1024;

bool foldable(const Node& n) {
  static const std::set<std::string> keep{
      "RandomNormal",      "RandomUniform",    "RandomNormalLike",
      "RandomUniformLike", "Multinomial",      "Bernoulli",
      "QuantizeLinear",    "DequantizeLinear", "Dropout"};
  if (keep.count(n.opType()) || !n.captures().empty()) return false;
  for (const Attribute& a : n.attrs.all())
    if (a.kind == AttrKind::Graph || a.kind == AttrKind::Graphs || !a.refAttrName.empty())
      return false;
  for (const Value* in : n.inputs())
    if (in && !in->isConstant()) return false;
  for (const Value* out : n.outputs())
    if (out && out->isGraphOutput()) return false;
  return true;
}

size_t inputBytes(const Node& n) {
  size_t total = 0;
  for (const Value* in : n.inputs())
    if (in) total += in->initializer()->byteSize();
  return total;
}

// Runs the reference kernel; an empty result means "not folded" (no kernel,
// an error, or too big), with the reason in `why`.
std::vector<exec::RtTensor> evaluate(const Model& m, const Node& n, std::string& why) {
  const exec::KernelEntry* k =
      exec::KernelRegistry::instance().find(n.domain(), n.opType(), exec::KernelSet::Reference);
  if (!k) return {};
  std::vector<exec::RtTensor> views;
  views.reserve(n.numInputs());
  std::vector<const exec::RtTensor*> ins;
  for (const Value* in : n.inputs())
    ins.push_back(in ? &views.emplace_back(exec::RtTensor::view(in->initializer())) : nullptr);
  std::vector<exec::RtTensor> outs(n.numOutputs());
  exec::KernelContext ctx(n, m.opsetFor(n.domain()), ins, outs, 1);
  Status s;
  try {
    s = k->fn(ctx);
  } catch (const OverBudgetError& e) {  // a result past the memory budget stays an op
    s = e.status().withContext(n.describe());
  }
  if (!s) {
    why = s.message();
    return {};
  }
  const size_t limit = std::max(kSmallOutputBytes, inputBytes(n));
  for (const exec::RtTensor& t : outs)
    if (t.byteSize() > limit) {
      why = fmt::format("{}: a {}-byte result would grow the model", n.describe(), t.byteSize());
      return {};
    }
  return outs;
}

bool foldNode(Node& n, RewriteContext& ctx) {
  if (!foldable(n)) return false;
  std::string why;
  std::vector<exec::RtTensor> outs = evaluate(ctx.model, n, why);
  if (outs.empty()) {
    if (!why.empty()) ctx.notes.push_back("not folded: " + why);
    return false;
  }
  std::vector<Value*> results(n.outputs().begin(), n.outputs().end());
  for (size_t i = 0; i < results.size(); ++i)
    if (results[i] && !outs[i].empty())
      replaceWithConstant(ctx.graph, results[i], std::make_shared<Tensor>(outs[i].toTensor()));
  return true;
}

}  // namespace

Expected<PassResult> foldConstants(Model& m) {
  // Producers first, so a chain of constant nodes folds in one walk.
  Rewrite r;
  r.anyOp = true;
  r.topological = true;
  r.apply = foldNode;
  return runRewrite(m, r);
}

}  // namespace nnport
