// eliminate-noop: nodes that provably return their input unchanged are
// bypassed, their readers reading the input directly:
// - Reshape to the input's own static shape (constant shape, 0 and -1
//   resolved as ONNX does, allowzero honoured);
// - Transpose by the identity permutation (or no perm on rank <= 1);
// - Pad with all pads zero (pads input or, before opset 11, attribute; any
//   mode, any constant value);
// - Cast to the input's own dtype;
// - Concat of one input;
// - Expand to a constant shape that broadcasts to the input's static shape;
// - Slice with constant operands, steps 1, every start 0 (or <= -dim) and
//   every end >= dim (INT64_MAX needs no known dim).
// Squeeze/Unsqueeze with empty axes are not no-ops (opset 13 squeezes every
// 1-dim for empty Squeeze axes) and are left alone.
//
// Shapes: imported ONNX models often lack intermediate value types, so the
// pass first runs lenient shape inference; each rule then only fires when
// the dims it needs are static. Constants are initializers or Constant
// nodes' `value`. Refused (noted): a value read by name inside a subgraph,
// a graph input or initializer that would become a graph output, or input
// and output with different quantization parameters.
#include <map>

#include "ir/constant.h"
#include "ir/dtype_codes.h"
#include "ir/shape_inference.h"
#include "passes/pass.h"
#include "passes/rewire.h"
#include "passes/rewrite.h"

namespace nnport {

namespace {

using Dims = std::vector<int64_t>;

std::optional<Dims> staticDims(const Value* v) {
  if (!v) return std::nullopt;
  return v->type.shape.sizes();
}

// Reshape's target: 0 copies the input dim (unless allowzero), one -1 takes
// what is left.
std::optional<Dims> reshaped(const Dims& in, const Dims& shape, bool allowzero) {
  Dims out, known;
  std::optional<size_t> inferAt;
  for (size_t i = 0; i < shape.size(); ++i) {
    int64_t s = shape[i];
    if (s == 0 && !allowzero) {
      if (i >= in.size()) return std::nullopt;
      s = in[i];
    }
    if (s == -1 && inferAt) return std::nullopt;
    if (s == -1)
      inferAt = i;
    else if (s < 0)
      return std::nullopt;
    else
      known.push_back(s);
    out.push_back(s);
  }
  if (!inferAt) return out;
  const auto total = checkedElementCount(in), rest = checkedElementCount(known);
  if (!total || !rest || *rest == 0 || *total % *rest != 0) return std::nullopt;
  out[*inferAt] = *total / *rest;
  return out;
}

bool reshapeNoop(const Node& n) {
  const auto in = staticDims(n.input(0));
  const auto shape = constantInts(n.input(1));
  if (!in || !shape) return false;
  const auto out = reshaped(*in, *shape, n.attrInt("allowzero") != 0);
  return out && *out == *in;
}

bool transposeNoop(const Node& n) {
  const auto perm = n.attrs.getInts("perm");
  if (!perm) {
    const Shape& s = n.input(0)->type.shape;
    return s.rankKnown() && s.rank() <= 1;  // the default reverses the dims
  }
  for (size_t i = 0; i < perm->size(); ++i)
    if ((*perm)[i] != static_cast<int64_t>(i)) return false;
  return true;
}

bool padNoop(const Node& n) {
  std::optional<Dims> pads;
  if (n.input(1))
    pads = constantInts(n.input(1));
  else if (auto a = n.attrs.getInts("pads"))
    pads = a;
  else
    pads = n.attrs.getInts("paddings");  // Pad-1
  if (!pads) return false;
  for (int64_t p : *pads)
    if (p != 0) return false;
  return true;
}

bool castNoop(const Node& n) {
  const Attribute* to = n.attrs.find("to");
  if (!to) return false;
  const auto dtype = to->kind == AttrKind::String ? dtypeFromOnnxName(to->s) : dtypeFromOnnx(to->i);
  const DType in = n.input(0)->type.dtype;
  return dtype && in != DType::Undefined && *dtype == in;
}

bool concatNoop(const Node& n) {
  return n.numInputs() == 1;
}

// Broadcasting `shape` against the input leaves it unchanged: no more dims,
// each aligned dim 1 or equal.
bool expandNoop(const Node& n) {
  const auto in = staticDims(n.input(0));
  const auto shape = constantInts(n.input(1));
  if (!in || !shape || shape->size() > in->size()) return false;
  const size_t offset = in->size() - shape->size();
  for (size_t i = 0; i < shape->size(); ++i)
    if ((*shape)[i] != 1 && (*shape)[i] != (*in)[offset + i]) return false;
  return true;
}

struct SliceArgs {
  Dims starts, ends, axes, steps;
};

// Slice-1 has attributes; Slice-10+ has constant inputs.
std::optional<SliceArgs> sliceArgs(const Node& n) {
  SliceArgs a;
  if (n.attrs.find("starts")) {
    a.starts = n.attrInts("starts");
    a.ends = n.attrInts("ends");
    a.axes = n.attrInts("axes");
  } else {
    auto starts = constantInts(n.input(1)), ends = constantInts(n.input(2));
    if (!starts || !ends) return std::nullopt;
    a.starts = *starts;
    a.ends = *ends;
    for (size_t i = 3; i <= 4; ++i) {
      if (!n.input(i)) continue;
      auto v = constantInts(n.input(i));
      if (!v) return std::nullopt;
      (i == 3 ? a.axes : a.steps) = *v;
    }
  }
  if (a.axes.empty())
    for (size_t i = 0; i < a.starts.size(); ++i) a.axes.push_back(static_cast<int64_t>(i));
  if (a.steps.empty()) a.steps.assign(a.starts.size(), 1);
  const size_t k = a.starts.size();
  if (a.ends.size() != k || a.axes.size() != k || a.steps.size() != k) return std::nullopt;
  return a;
}

bool sliceNoop(const Node& n) {
  const Shape& s = n.input(0)->type.shape;
  const auto a = sliceArgs(n);
  if (!a || !s.rankKnown()) return false;
  const auto rank = static_cast<int64_t>(s.rank());
  for (size_t i = 0; i < a->axes.size(); ++i) {
    const int64_t axis = a->axes[i] < 0 ? a->axes[i] + rank : a->axes[i];
    if (axis < 0 || axis >= rank || a->steps[i] != 1) return false;
    const Dim& d = s[static_cast<size_t>(axis)];
    const bool fromStart = a->starts[i] == 0 || (d.isStatic() && a->starts[i] <= -d.value);
    const bool toEnd = a->ends[i] == INT64_MAX || (d.isStatic() && a->ends[i] >= d.value);
    if (!fromStart || !toEnd) return false;
  }
  return true;
}

using NoopTest = bool (*)(const Node&);

const std::map<std::string, NoopTest>& rules() {
  static const std::map<std::string, NoopTest> table{
      {"Reshape", reshapeNoop}, {"Transpose", transposeNoop}, {"Pad", padNoop},
      {"Cast", castNoop},       {"Concat", concatNoop},       {"Expand", expandNoop},
      {"Slice", sliceNoop},
  };
  return table;
}

bool readBySubgraph(const Value& v) {
  for (const Use& u : v.uses())
    if (u.capture) return true;
  return false;
}

// Why a no-op node cannot be bypassed, or empty.
std::string refusal(const Node& n) {
  const Value& in = *n.input(0);
  const Value& out = *n.output(0);
  if (readBySubgraph(out)) return "its output is read by name inside a subgraph";
  if (!(in.quant == out.quant))
    return "its input and output have different quantization parameters";
  if (!canBypass(out, in)) return "it joins a graph input or initializer to a graph output";
  return "";
}

bool bypassNoop(Node& n, RewriteContext& ctx) {
  if (!n.input(0) || !n.output(0) || !rules().at(n.opType())(n)) return false;
  const std::string why = refusal(n);
  if (!why.empty()) {
    ctx.note("{} is a no-op but kept: {}", n.describe(), why);
    return false;
  }
  bypass(ctx.graph, n.output(0), n.input(0));
  return true;
}

}  // namespace

Expected<PassResult> eliminateNoop(Model& m) {
  NNP_RETURN_IF_ERROR(inferShapes(m).status());
  std::vector<std::string> ops;
  for (const auto& [op, test] : rules()) ops.push_back(op);
  return runRewrite(m, {ops, 0, bypassNoop});
}

}  // namespace nnport
