// Shape computations and reshaping: Reshape, Flatten, Squeeze, Unsqueeze,
// Transpose, Expand, Tile, Shape, Size, ConstantOfShape, Range, Identity,
// Constant, Cast, CastLike, Dropout. The ops that make or pass small integer
// tensors also propagate their contents as shape values (see
// InferenceContext::shapeValue), so that the shape arithmetic torch exports
// (Shape -> Gather -> Unsqueeze -> Concat -> Reshape) gives static or
// symbolic output shapes.
#include <algorithm>
#include <cmath>

#include "ir/onnx_dtype.h"
#include "ir/ops/infer_util.h"

namespace nnport {
namespace {

// The ai.onnx opset; a model that does not import it reads as the newest.
int64_t opsetOf(const InferenceContext& ctx) { return ctx.opset() > 0 ? ctx.opset() : INT64_MAX; }

// Larger ranks come only from malformed models; refusing them keeps inference
// from allocating what a hostile shape tensor asks for.
constexpr int64_t kMaxRank = 1024;
// Constant tensors up to this many elements are propagated as shape values.
constexpr int64_t kMaxShapeValueElements = 4096;

// A dim as a shape-value element: unknown dims become the symbol "?".
Dim dimAsShapeValue(const Dim& d) {
  if (d.isStatic() || !d.symbol.empty()) return d;
  return Dim::symbolic("?");
}

// Contents of input i when every element is a known integer.
std::optional<std::vector<int64_t>> literalInts(const InferenceContext& ctx, size_t i) {
  auto v = ctx.shapeValue(i);
  if (!v) return std::nullopt;
  std::vector<int64_t> out;
  for (const Dim& d : *v) {
    if (!d.symbol.empty()) return std::nullopt;
    out.push_back(d.value);
  }
  return out;
}

// A scalar input's value when it is a constant or a known shape value.
std::optional<double> scalarValue(const InferenceContext& ctx, size_t i) {
  if (auto v = literalInts(ctx, i)) {
    if (v->size() == 1) return static_cast<double>((*v)[0]);
    return std::nullopt;
  }
  TensorPtr t = ctx.constantInput(i);
  const Value* in = ctx.node().input(i);
  const Node* p = in ? in->producer() : nullptr;
  if (!t && p && p->opType() == "Constant" && (p->domain().empty() || p->domain() == "ai.onnx"))
    t = p->attrs.getTensor("value");
  if (!t || !t->validate().isOk() || t->numElements() != 1 || !t->rawData()) return std::nullopt;
  return t->floatAt(0);
}

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

Status checkElementCount(const InferenceContext& ctx, const Shape& s) {
  int64_t n = 1;
  for (const Dim& d : s.dims())
    if (d.isStatic() && d.value != 0 && __builtin_mul_overflow(n, d.value, &n))
      return ctx.error("output shape {} has more elements than fit in int64", s.str());
  return Status::ok();
}

// Output 0 carries input 0's shape value (shape tensors passed through).
void forwardShapeValue(InferenceContext& ctx) {
  if (auto v = ctx.shapeValue(0)) ctx.setOutputShapeValue(0, std::move(*v));
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
    const TensorType* st = ctx.inputType(1);
    if (st && st->shape.rank() == 1 && st->shape[0].isStatic() && st->shape[0].value <= kMaxRank)
      ctx.setOutput(0, in->dtype, Shape(std::vector<Dim>(static_cast<size_t>(st->shape[0].value))));
    else
      ctx.setOutput(0, in->dtype, Shape());
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
  if (axis < 0 || axis > rank) return ctx.error("axis {} is out of range for rank {}", ctx.attrInt("axis"), rank);
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

// Normalizes axes against `rank`; duplicates and out-of-range axes are errors.
Expected<std::vector<bool>> axisMask(const InferenceContext& ctx, const std::vector<int64_t>& axes,
                                     int64_t rank) {
  std::vector<bool> mask(static_cast<size_t>(rank), false);
  for (int64_t a : axes) {
    auto n = normalizeAxis(a, rank);
    if (!n) return ctx.error("axis {} is out of range for rank {}", a, rank);
    if (mask[*n]) return ctx.error("axis {} is repeated", a);
    mask[*n] = true;
  }
  return mask;
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
      if (!mask[i]) out.push_back(dims[i]);
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
  if (opsetOf(ctx) < 13 ? !ctx.hasAttr("axes") : !ctx.hasInput(1))
    return ctx.error("missing axes");
  bool known = true;
  auto axes = axesOperand(ctx, 13, known);
  if (!known || !in->shape.rankKnown()) {
    const TensorType* at = ctx.inputType(1);
    if (in->shape.rankKnown() && at && at->shape.rank() == 1 && at->shape[0].isStatic() &&
        at->shape[0].value <= kMaxRank) {
      const auto n = in->shape.rank() + static_cast<size_t>(at->shape[0].value);
      ctx.setOutput(0, in->dtype, Shape(std::vector<Dim>(n)));
    } else {
      ctx.setOutput(0, in->dtype, Shape());
    }
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

Status inferTranspose(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  const bool hasPerm = ctx.hasAttr("perm");
  const std::vector<int64_t> perm = ctx.attrInts("perm");
  if (!in->shape.rankKnown()) {
    ctx.setOutput(0, in->dtype, hasPerm ? Shape(std::vector<Dim>(perm.size())) : Shape());
    return Status::ok();
  }
  const size_t rank = in->shape.rank();
  std::vector<Dim> out;
  if (!hasPerm) {
    out.assign(in->shape.dims().rbegin(), in->shape.dims().rend());
  } else {
    if (perm.size() != rank)
      return ctx.error("perm has {} entries for an input of rank {}", perm.size(), rank);
    std::vector<bool> seen(rank, false);
    for (int64_t p : perm) {
      if (p < 0 || p >= static_cast<int64_t>(rank) || seen[p])
        return ctx.error("perm is not a permutation of 0..{}", rank - 1);
      seen[p] = true;
      out.push_back(in->shape[p]);
    }
  }
  ctx.setOutput(0, in->dtype, Shape(std::move(out)));
  return Status::ok();
}

Status inferExpand(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  auto target = ctx.shapeValue(1);
  if (!target) {
    const TensorType* st = ctx.inputType(1);
    if (in->shape.rankKnown() && st && st->shape.rank() == 1 && st->shape[0].isStatic() &&
        st->shape[0].value <= kMaxRank) {
      const auto n = std::max(in->shape.rank(), static_cast<size_t>(st->shape[0].value));
      ctx.setOutput(0, in->dtype, Shape(std::vector<Dim>(n)));
    } else {
      ctx.setOutput(0, in->dtype, Shape());
    }
    return Status::ok();
  }
  if (static_cast<int64_t>(target->size()) > kMaxRank)
    return ctx.error("target shape has {} dimensions", target->size());
  std::vector<Dim> dims;
  for (const Dim& e : *target) {
    if (e.symbol.empty() && e.value < 0) return ctx.error("invalid target dimension {}", e.value);
    dims.push_back(shapeValueToDim(e));
  }
  Shape targetShape(std::move(dims));
  NNP_ASSIGN_OR_RETURN(Shape out, broadcastShapes(ctx, {&in->shape, &targetShape}));
  NNP_RETURN_IF_ERROR(checkElementCount(ctx, out));
  ctx.setOutput(0, in->dtype, std::move(out));
  return Status::ok();
}

Status inferTile(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  auto repeats = literalInts(ctx, 1);
  if (!in->shape.rankKnown() || !repeats) {
    ctx.setOutput(0, in->dtype,
                  in->shape.rankKnown() ? Shape(std::vector<Dim>(in->shape.rank())) : Shape());
    return Status::ok();
  }
  if (repeats->size() != in->shape.rank())
    return ctx.error("repeats has {} entries for an input of rank {}", repeats->size(),
                     in->shape.rank());
  std::vector<Dim> out;
  for (size_t i = 0; i < repeats->size(); ++i) {
    const int64_t r = (*repeats)[i];
    const Dim& d = in->shape[i];
    if (r < 0) return ctx.error("negative repeat {}", r);
    int64_t n = 0;
    if (r == 1 || r == 0) out.push_back(r == 1 ? d : Dim(0));
    else if (!d.isStatic()) out.emplace_back();
    else if (__builtin_mul_overflow(d.value, r, &n)) return ctx.error("tiled size overflows");
    else out.emplace_back(n);
  }
  Shape result(std::move(out));
  NNP_RETURN_IF_ERROR(checkElementCount(ctx, result));
  ctx.setOutput(0, in->dtype, std::move(result));
  return Status::ok();
}

Status inferShape(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  if (!in->shape.rankKnown()) {
    ctx.setOutput(0, DType::Int64, Shape({Dim()}));
    return Status::ok();
  }
  const auto rank = static_cast<int64_t>(in->shape.rank());
  int64_t start = 0, end = rank;
  if (opsetOf(ctx) >= 15) {
    start = ctx.attrInt("start");
    if (ctx.hasAttr("end")) end = ctx.attrInt("end");
  }
  auto clampAxis = [rank](int64_t a) { return std::clamp(a < 0 ? a + rank : a, int64_t{0}, rank); };
  start = clampAxis(start);
  end = std::max(clampAxis(end), start);
  std::vector<Dim> value;
  for (int64_t i = start; i < end; ++i) value.push_back(dimAsShapeValue(in->shape[i]));
  ctx.setOutput(0, DType::Int64, Shape({Dim(end - start)}));
  ctx.setOutputShapeValue(0, std::move(value));
  return Status::ok();
}

Status inferSize(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  ctx.setOutput(0, DType::Int64, Shape(std::vector<Dim>{}));
  if (auto n = in->shape.numElements()) ctx.setOutputShapeValue(0, {Dim(*n)});
  return Status::ok();
}

Status inferConstantOfShape(InferenceContext& ctx) {
  TensorPtr value = ctx.node().attrs.getTensor("value");
  const DType dtype = value ? value->dtype() : DType::Float32;
  if (value && value->numElements() != 1)
    return ctx.error("attribute 'value' must hold one element, not {}", value->numElements());
  auto target = ctx.shapeValue(0);
  if (!target) {
    const TensorType* st = ctx.inputType(0);
    if (!st) return Status::ok();
    if (st->shape.rank() == 1 && st->shape[0].isStatic() && st->shape[0].value <= kMaxRank)
      ctx.setOutput(0, dtype, Shape(std::vector<Dim>(static_cast<size_t>(st->shape[0].value))));
    else
      ctx.setOutput(0, dtype, Shape());
    return Status::ok();
  }
  if (static_cast<int64_t>(target->size()) > kMaxRank)
    return ctx.error("target shape has {} dimensions", target->size());
  std::vector<Dim> dims;
  for (const Dim& e : *target) {
    if (e.symbol.empty() && e.value < 0) return ctx.error("negative dimension {}", e.value);
    dims.push_back(shapeValueToDim(e));
  }
  Shape out(std::move(dims));
  NNP_RETURN_IF_ERROR(checkElementCount(ctx, out));
  // A small integer fill (torch builds pads and shapes this way) is a shape value too.
  auto n = out.numElements();
  if (out.rank() <= 1 && n && *n <= kMaxShapeValueElements && isInteger(dtype)) {
    int64_t fill = 0;
    if (value && (!value->validate().isOk() || !value->rawData())) n.reset();
    else if (value) fill = value->intAt(0);
    if (n) ctx.setOutputShapeValue(0, std::vector<Dim>(static_cast<size_t>(*n), Dim(fill)));
  }
  ctx.setOutput(0, dtype, std::move(out));
  return Status::ok();
}

Status inferRange(InferenceContext& ctx) {
  const TensorType* start = ctx.inputType(0);
  if (!start) return Status::ok();
  auto s = scalarValue(ctx, 0), l = scalarValue(ctx, 1), d = scalarValue(ctx, 2);
  if (!s || !l || !d) {
    ctx.setOutput(0, start->dtype, Shape({Dim()}));
    return Status::ok();
  }
  if (*d == 0) return ctx.error("delta is zero");
  const double n = std::max(std::ceil((*l - *s) / *d), 0.0);
  if (!(n < 9.0e18)) return ctx.error("range of {} elements is too large", n);
  ctx.setOutput(0, start->dtype, Shape({Dim(static_cast<int64_t>(n))}));
  return Status::ok();
}

Status inferIdentity(InferenceContext& ctx) {
  forwardShapeValue(ctx);
  return inferSameAsInput0(ctx);
}

Status inferConstant(InferenceContext& ctx) {
  const auto& attrs = ctx.node().attrs;
  const char* kinds[] = {"value",        "value_float",  "value_floats",  "value_int",
                         "value_ints",   "value_string", "value_strings", "sparse_value"};
  const Attribute* a = nullptr;
  for (const char* k : kinds) {
    if (const Attribute* found = attrs.find(k)) {
      if (a) return ctx.error("has both '{}' and '{}'", a->name, found->name);
      a = found;
    }
  }
  if (!a) return ctx.error("has none of the value attributes");
  auto vec = [](size_t n) { return Shape({Dim(static_cast<int64_t>(n))}); };
  const Shape scalar(std::vector<Dim>{});
  if (a->name == "value") {
    TensorPtr t = attrs.getTensor("value");
    if (!t) return ctx.error("attribute 'value' is not a tensor");
    if (!checkedElementCount(t->dims())) return ctx.error("attribute 'value' has invalid dims");
    ctx.setOutput(0, t->dtype(), Shape::ofSizes(t->dims()));
    if (isInteger(t->dtype()) && t->dims().size() <= 1 && t->validate().isOk() && t->rawData() &&
        t->numElements() <= kMaxShapeValueElements) {
      std::vector<Dim> value;
      for (int64_t v : t->toInt64Vector()) value.emplace_back(v);
      ctx.setOutputShapeValue(0, std::move(value));
    }
  } else if (a->name == "value_float") {
    ctx.setOutput(0, DType::Float32, scalar);
  } else if (a->name == "value_floats") {
    ctx.setOutput(0, DType::Float32, vec(a->floats.size()));
  } else if (a->name == "value_int") {
    ctx.setOutput(0, DType::Int64, scalar);
    ctx.setOutputShapeValue(0, {Dim(a->i)});
  } else if (a->name == "value_ints") {
    ctx.setOutput(0, DType::Int64, vec(a->ints.size()));
    if (static_cast<int64_t>(a->ints.size()) <= kMaxShapeValueElements)
      ctx.setOutputShapeValue(0, std::vector<Dim>(a->ints.begin(), a->ints.end()));
  } else if (a->name == "value_string") {
    ctx.setOutput(0, DType::String, scalar);
  } else if (a->name == "value_strings") {
    ctx.setOutput(0, DType::String, vec(a->strings.size()));
  }
  // sparse_value is kept as serialized bytes: its type is left as declared.
  return Status::ok();
}

Status inferCast(InferenceContext& ctx) {
  const Attribute* to = ctx.node().attrs.find("to");
  if (!to) return ctx.error("missing attribute 'to'");
  // Cast-1 named the type; later versions use the TensorProto.DataType code.
  std::optional<DType> dtype = to->kind == AttrKind::String ? dtypeFromOnnxName(to->s)
                                                            : dtypeFromOnnx(to->i);
  if (!dtype) return ctx.error("unsupported target type in attribute 'to'");
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  if (isInteger(*dtype)) forwardShapeValue(ctx);
  ctx.setOutput(0, *dtype, in->shape);
  return Status::ok();
}

Status inferCastLike(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  const TensorType* like = ctx.inputType(1);
  if (!in || !like) return Status::ok();
  if (isInteger(like->dtype)) forwardShapeValue(ctx);
  ctx.setOutput(0, like->dtype, in->shape);
  return Status::ok();
}

Status inferDropout(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  ctx.setOutput(0, *in);
  if (ctx.hasOutput(1)) ctx.setOutput(1, opsetOf(ctx) >= 10 ? DType::Bool : in->dtype, in->shape);
  return Status::ok();
}

}  // namespace

void registerShapeOps(OpRegistry& r) {
  // Inputs that older opsets had as attributes are declared optional; the
  // inference functions require them from the opset that introduced them.
  r.add("Reshape").input("data").optionalInput("shape").output("reshaped")
      .optionalAttr("shape", AttrKind::Ints).attr("allowzero", int64_t{0})
      .traits(kShapeOp).infer(inferReshape);
  r.add("Flatten").input("input").output("output").attr("axis", int64_t{1})
      .traits(kShapeOp).infer(inferFlatten);
  r.add("Squeeze").input("data").optionalInput("axes").output("squeezed")
      .optionalAttr("axes", AttrKind::Ints).traits(kShapeOp).infer(inferSqueeze);
  r.add("Unsqueeze").input("data").optionalInput("axes").output("expanded")
      .optionalAttr("axes", AttrKind::Ints).traits(kShapeOp).infer(inferUnsqueeze);
  r.add("Transpose").input("data").output("transposed").optionalAttr("perm", AttrKind::Ints)
      .traits(kShapeOp).infer(inferTranspose);
  r.add("Expand").input("input").input("shape").output("output")
      .traits(kShapeOp).infer(inferExpand);
  r.add("Tile").input("input").input("repeats").output("output")
      .traits(kShapeOp).infer(inferTile);
  r.add("Shape").input("data").output("shape").attr("start", int64_t{0})
      .optionalAttr("end", AttrKind::Int).traits(kShapeOp).infer(inferShape);
  r.add("Size").input("data").output("size").traits(kShapeOp).infer(inferSize);
  r.add("ConstantOfShape").input("input").output("output").optionalAttr("value", AttrKind::Tensor)
      .infer(inferConstantOfShape);
  r.add("Range").input("start").input("limit").input("delta").output("output")
      .infer(inferRange);
  r.add("Identity").input("input").output("output").traits(kShapeOp).infer(inferIdentity);
  r.add("Constant").output("output")
      .optionalAttr("value", AttrKind::Tensor).optionalAttr("value_float", AttrKind::Float)
      .optionalAttr("value_floats", AttrKind::Floats).optionalAttr("value_int", AttrKind::Int)
      .optionalAttr("value_ints", AttrKind::Ints).optionalAttr("value_string", AttrKind::String)
      .optionalAttr("value_strings", AttrKind::Strings)
      .optionalAttr("sparse_value", AttrKind::SparseTensor).infer(inferConstant);
  r.add("Cast").input("input").output("output").requiredAttr("to", AttrKind::Int)
      .infer(inferCast);
  r.add("CastLike").input("input").input("target_type").output("output").infer(inferCastLike);
  r.add("Dropout").input("data").optionalInput("ratio").optionalInput("training_mode")
      .output("output").optionalOutput("mask")
      .attr("ratio", 0.5f).attr("is_test", int64_t{0}).optionalAttr("seed", AttrKind::Int)
      .infer(inferDropout);
}

}  // namespace nnport
