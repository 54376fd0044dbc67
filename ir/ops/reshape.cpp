// Reshaping: Reshape, Flatten, Squeeze and Unsqueeze. A Reshape target
// that is a symbolic shape value (see InferenceContext::shapeValue) resolves
// its -1 symbolically, so torch's Shape -> Gather -> Concat -> Reshape
// arithmetic keeps static or symbolic output shapes.
#include <algorithm>

#include "ir/ops/infer_util.h"

namespace nnport {
namespace {

// Product of dims [b, e): static when all are; a lone symbol times 1 stays
// that symbol; otherwise unknown.
Dim productDim(const std::vector<Dim>& dims, size_t b, size_t e) {
  int64_t n = 1;
  const Dim* symbol = nullptr;
  bool unknown = false;
  for (size_t i = b; i < e; ++i) {
    const Dim& d = dims[i];
    if (d.isStatic()) {
      if (__builtin_mul_overflow(n, d.value, &n)) return Dim();
    } else if (!d.symbol.empty() && !symbol) {
      symbol = &d;
    } else {
      unknown = true;
    }
  }
  if (n == 0) return Dim(0);
  if (unknown) return Dim();
  if (symbol) return n == 1 ? *symbol : Dim();
  return Dim(n);
}

// The -1 of a Reshape target: the input's element count over the other
// target dims. Symbols common to both sides cancel, so [N,C,H,W] -> [N,-1]
// resolves to C*H*W and [N,4] -> [-1,4] to N.
Expected<Dim> reshapeWildcard(const InferenceContext& ctx, const Shape& in,
                              const std::vector<Dim>& out, size_t at) {
  if (!in.rankKnown()) return Dim();
  int64_t inCount = 1, outCount = 1;
  std::vector<std::string> inSymbols, outSymbols;
  auto account = [](const Dim& d, int64_t& n, std::vector<std::string>& symbols) {
    if (d.isStatic()) return !__builtin_mul_overflow(n, d.value, &n);
    if (d.symbol.empty()) return false;
    symbols.push_back(d.symbol);
    return true;
  };
  for (const Dim& d : in.dims())
    if (!account(d, inCount, inSymbols)) return Dim();
  for (size_t i = 0; i < out.size(); ++i)
    if (i != at && !account(out[i], outCount, outSymbols)) return Dim();
  for (const std::string& s : outSymbols) {
    auto it = std::find(inSymbols.begin(), inSymbols.end(), s);
    if (it == inSymbols.end()) return Dim();
    inSymbols.erase(it);
  }
  if (outCount == 0) return Dim();
  if (inSymbols.empty()) {
    if (inCount % outCount != 0)
      return ctx.error("cannot reshape {}: the target's known dims do not divide it", in.str());
    return Dim(inCount / outCount);
  }
  if (inSymbols.size() == 1 && inCount == outCount) return Dim::symbolic(inSymbols[0]);
  return Dim();
}

Status inferReshape(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  std::optional<std::vector<Dim>> target;
  if (opsetOf(ctx) < 5) {
    if (!ctx.hasAttr("shape")) return ctx.error("missing attribute 'shape'");
    target.emplace();
    for (int64_t v : ctx.attrInts("shape")) target->emplace_back(v);
  } else {
    if (!ctx.hasInput(1)) return ctx.error("missing input 'shape'");
    target = ctx.shapeValue(1);
  }
  if (!target) {  // only the target's length may be known
    auto n = shapeOperandLength(ctx, 1);
    ctx.setOutput(0, in->dtype, n ? Shape(std::vector<Dim>(*n)) : Shape());
    return Status::ok();
  }
  if (static_cast<int64_t>(target->size()) > kMaxRank)
    return ctx.error("target shape has {} dimensions", target->size());
  const bool allowZero = ctx.attrInt("allowzero") != 0;
  std::vector<Dim> out;
  std::optional<size_t> wildcard;
  bool hasZero = false;
  for (size_t i = 0; i < target->size(); ++i) {
    const Dim& e = (*target)[i];
    if (!e.symbol.empty()) {
      out.push_back(shapeValueToDim(e));
    } else if (e.value == -1) {
      if (wildcard) return ctx.error("target shape has more than one -1");
      wildcard = i;
      out.emplace_back();
    } else if (e.value < -1) {
      return ctx.error("invalid target dimension {}", e.value);
    } else if (e.value == 0 && !allowZero) {
      if (in->shape.rankKnown() && i >= in->shape.rank())
        return ctx.error("target dimension {} is 0 (copy) but the input has rank {}", i,
                         in->shape.rank());
      out.push_back(in->shape.rankKnown() ? in->shape[i] : Dim());
    } else {
      hasZero = hasZero || e.value == 0;
      out.emplace_back(e.value);
    }
  }
  if (wildcard && hasZero) return ctx.error("target shape has both -1 and 0 with allowzero=1");
  if (wildcard) {
    NNP_ASSIGN_OR_RETURN(out[*wildcard], reshapeWildcard(ctx, in->shape, out, *wildcard));
  }
  Shape result(std::move(out));
  auto inCount = in->shape.numElements();
  auto outCount = result.numElements();
  if (inCount && outCount && *inCount != *outCount)
    return ctx.error("cannot reshape {} to {}", in->shape.str(), result.str());
  NNP_RETURN_IF_ERROR(checkElementCount(ctx, result));
  if (result.rank() <= 1) forwardShapeValue(ctx);
  ctx.setOutput(0, in->dtype, std::move(result));
  return Status::ok();
}

Status inferFlatten(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  if (!in->shape.rankKnown()) {
    ctx.setOutput(0, in->dtype, Shape({Dim(), Dim()}));
    return Status::ok();
  }
  const auto rank = static_cast<int64_t>(in->shape.rank());
  int64_t axis = ctx.attrInt("axis");
  if (axis < 0) axis += rank;
  if (axis < 0 || axis > rank)
    return ctx.error("axis {} is out of range for rank {}", ctx.attrInt("axis"), rank);
  const auto& d = in->shape.dims();
  ctx.setOutput(0, in->dtype, Shape({productDim(d, 0, axis), productDim(d, axis, d.size())}));
  return Status::ok();
}

// Axes from the attribute (before `inputSince`) or from input 1. nullopt
// with `known` false when the input is not constant.
std::optional<std::vector<int64_t>> axesOperand(const InferenceContext& ctx, int64_t inputSince,
                                                bool& known) {
  known = true;
  if (opsetOf(ctx) < inputSince) {
    if (!ctx.hasAttr("axes")) return std::nullopt;
    return ctx.attrInts("axes");
  }
  if (!ctx.hasInput(1)) return std::nullopt;
  auto v = literalInts(ctx, 1);
  known = v.has_value();
  return v;
}

Status inferSqueeze(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  bool known = true;
  auto axes = axesOperand(ctx, 13, known);
  if (!known || !in->shape.rankKnown()) {
    ctx.setOutput(0, in->dtype, Shape());
    return Status::ok();
  }
  const auto& dims = in->shape.dims();
  std::vector<Dim> out;
  if (!axes || axes->empty()) {  // squeeze every dim of size 1
    for (const Dim& d : dims) {
      if (!d.isStatic()) {
        ctx.setOutput(0, in->dtype, Shape());
        return Status::ok();
      }
      if (d.value != 1) out.push_back(d);
    }
  } else {
    NNP_ASSIGN_OR_RETURN(std::vector<bool> mask,
                         axisMask(ctx, *axes, static_cast<int64_t>(dims.size())));
    for (size_t i = 0; i < dims.size(); ++i) {
      if (!mask[i])
        out.push_back(dims[i]);
      else if (dims[i].isStatic() && dims[i].value != 1)
        return ctx.error("cannot squeeze axis {} of size {}", i, dims[i].value);
    }
  }
  if (out.size() <= 1) forwardShapeValue(ctx);
  ctx.setOutput(0, in->dtype, Shape(std::move(out)));
  return Status::ok();
}

Status inferUnsqueeze(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  if (opsetOf(ctx) < 13 ? !ctx.hasAttr("axes") : !ctx.hasInput(1)) return ctx.error("missing axes");
  bool known = true;
  auto axes = axesOperand(ctx, 13, known);
  if (!known || !in->shape.rankKnown()) {
    auto n = shapeOperandLength(ctx, 1);
    ctx.setOutput(
        0, in->dtype,
        in->shape.rankKnown() && n ? Shape(std::vector<Dim>(in->shape.rank() + *n)) : Shape());
    return Status::ok();
  }
  const auto outRank = static_cast<int64_t>(in->shape.rank() + axes->size());
  if (outRank > kMaxRank) return ctx.error("output rank {} is too large", outRank);
  NNP_ASSIGN_OR_RETURN(std::vector<bool> mask, axisMask(ctx, *axes, outRank));
  std::vector<Dim> out;
  size_t next = 0;
  for (int64_t i = 0; i < outRank; ++i) out.push_back(mask[i] ? Dim(1) : in->shape[next++]);
  if (out.size() <= 1) forwardShapeValue(ctx);
  ctx.setOutput(0, in->dtype, Shape(std::move(out)));
  return Status::ok();
}

}  // namespace

void registerReshapeOps(OpRegistry& r) {
  // Inputs that older opsets had as attributes are declared optional; the
  // inference functions require them from the opset that introduced them.
  r.add("Reshape")
      .input("data")
      .optionalInput("shape")
      .output("reshaped")
      .optionalAttr("shape", AttrKind::Ints)
      .attr("allowzero", int64_t{0})
      .traits(kShapeOp)
      .infer(inferReshape);
  r.add("Flatten")
      .input("input")
      .output("output")
      .attr("axis", int64_t{1})
      .traits(kShapeOp)
      .infer(inferFlatten);
  r.add("Squeeze")
      .input("data")
      .optionalInput("axes")
      .output("squeezed")
      .optionalAttr("axes", AttrKind::Ints)
      .traits(kShapeOp)
      .transposeRule(TransposeRule::Squeeze)
      .infer(inferSqueeze);
  r.add("Unsqueeze")
      .input("data")
      .optionalInput("axes")
      .output("expanded")
      .optionalAttr("axes", AttrKind::Ints)
      .traits(kShapeOp)
      .infer(inferUnsqueeze);
}

}  // namespace nnport
