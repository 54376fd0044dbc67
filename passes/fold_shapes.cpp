// fold-shapes: with shapes inferred (lenient), Shape and Size of a tensor
// whose shape is static become constants, so the Shape -> Gather ->
// Unsqueeze -> Concat -> Reshape chains of torch exports reduce to constant
// Reshape shapes under fold-constants. Static shapes come from the model
// or from --inputShape (pinned before the passes run).
#include "ir/shape_inference.h"
#include "passes/pass.h"
#include "passes/rewire.h"
#include "passes/rewrite.h"

namespace nnport {

namespace {

std::optional<std::vector<int64_t>> staticDims(const Value& v) {
  const Shape& s = v.type.shape;
  if (!s.rankKnown()) return std::nullopt;
  std::vector<int64_t> dims;
  for (size_t i = 0; i < s.rank(); ++i) {
    if (!s[i].isStatic()) return std::nullopt;
    dims.push_back(s[i].value);
  }
  return dims;
}

// Shape's start/end (opset 15) clamp like Python slices.
std::vector<int64_t> sliceOf(const Node& n, const std::vector<int64_t>& dims) {
  const auto r = static_cast<int64_t>(dims.size());
  auto clampAxis = [r](int64_t a) { return std::clamp(a < 0 ? a + r : a, int64_t{0}, r); };
  const int64_t start = clampAxis(n.attrInt("start"));
  const int64_t end = clampAxis(n.attrs.getInt("end").value_or(r));
  if (start >= end) return {};
  return std::vector<int64_t>(dims.begin() + start, dims.begin() + end);
}

bool foldToConstant(Node& n, RewriteContext& ctx) {
  if (!n.input(0) || !n.output(0)) return false;
  auto dims = staticDims(*n.input(0));
  if (!dims) return false;
  TensorPtr t;
  if (isOp(n, "Shape")) {
    std::vector<int64_t> v = sliceOf(n, *dims);
    t = std::make_shared<Tensor>(
        Tensor::fromVector(DType::Int64, {static_cast<int64_t>(v.size())}, v));
  } else {
    int64_t count = 1;
    for (int64_t d : *dims) count *= d;
    t = std::make_shared<Tensor>(Tensor::fromVector(DType::Int64, {}, std::vector<int64_t>{count}));
  }
  return replaceWithConstant(ctx.graph, n.output(0), t);
}

}  // namespace

Expected<PassResult> foldShapes(Model& m) {
  NNP_RETURN_IF_ERROR(inferShapes(m).status());
  return runRewrite(m, {{"Shape", "Size"}, 0, foldToConstant});
}

}  // namespace nnport
