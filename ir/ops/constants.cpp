// Constants and type conversion: Constant, ConstantOfShape, Range, Cast and
// CastLike. Small integer constants and fills are propagated as shape values
// (see InferenceContext::shapeValue), and integer casts pass them through.
#include <algorithm>
#include <cmath>

#include "ir/dtype_codes.h"
#include "ir/ops/infer_util.h"

namespace nnport {
namespace {

// Constant tensors up to this many elements are propagated as shape values.
constexpr int64_t kMaxShapeValueElements = 4096;

// A scalar input's value when it is a constant or a known shape value.
std::optional<double> scalarValue(const InferenceContext& ctx, size_t i) {
  if (auto v = literalInts(ctx, i)) {
    if (v->size() == 1) return static_cast<double>((*v)[0]);
    return std::nullopt;
  }
  TensorPtr t = constantTensor(ctx, i);
  if (!t || t->numElements() != 1) return std::nullopt;
  return t->floatAt(0);
}

Status inferConstant(InferenceContext& ctx) {
  const auto& attrs = ctx.node().attrs;
  const char* kinds[] = {"value",      "value_float",  "value_floats",  "value_int",
                         "value_ints", "value_string", "value_strings", "sparse_value"};
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

Status inferConstantOfShape(InferenceContext& ctx) {
  TensorPtr value = ctx.node().attrs.getTensor("value");
  const DType dtype = value ? value->dtype() : DType::Float32;
  if (value && value->numElements() != 1)
    return ctx.error("attribute 'value' must hold one element, not {}", value->numElements());
  auto target = ctx.shapeValue(0);
  if (!target) {
    if (!ctx.inputType(0)) return Status::ok();
    auto n = shapeOperandLength(ctx, 0);
    ctx.setOutput(0, dtype, n ? Shape(std::vector<Dim>(*n)) : Shape());
    return Status::ok();
  }
  if (static_cast<int64_t>(target->size()) > kMaxRank)
    return ctx.error("target shape has {} dimensions", target->size());
  NNP_ASSIGN_OR_RETURN(Shape out, shapeFromValue(ctx, *target, "negative dimension"));
  NNP_RETURN_IF_ERROR(checkElementCount(ctx, out));
  // A small integer fill (torch builds pads and shapes this way) is a shape value too.
  auto n = out.numElements();
  if (out.rank() <= 1 && n && *n <= kMaxShapeValueElements && isInteger(dtype)) {
    int64_t fill = 0;
    if (value && (!value->validate().isOk() || !value->rawData()))
      n.reset();
    else if (value)
      fill = value->intAt(0);
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

Status inferCast(InferenceContext& ctx) {
  const Attribute* to = ctx.node().attrs.find("to");
  if (!to) return ctx.error("missing attribute 'to'");
  // Cast-1 named the type; later versions use the TensorProto.DataType code.
  std::optional<DType> dtype =
      to->kind == AttrKind::String ? dtypeFromOnnxName(to->s) : dtypeFromOnnx(to->i);
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

}  // namespace

void registerConstantOps(OpRegistry& r) {
  r.add("Constant")
      .output("output")
      .optionalAttr("value", AttrKind::Tensor)
      .optionalAttr("value_float", AttrKind::Float)
      .optionalAttr("value_floats", AttrKind::Floats)
      .optionalAttr("value_int", AttrKind::Int)
      .optionalAttr("value_ints", AttrKind::Ints)
      .optionalAttr("value_string", AttrKind::String)
      .optionalAttr("value_strings", AttrKind::Strings)
      .optionalAttr("sparse_value", AttrKind::SparseTensor)
      .infer(inferConstant);
  r.add("ConstantOfShape")
      .input("input")
      .output("output")
      .optionalAttr("value", AttrKind::Tensor)
      .infer(inferConstantOfShape);
  r.add("Range").input("start").input("limit").input("delta").output("output").infer(inferRange);
  r.add("Cast")
      .input("input")
      .output("output")
      .requiredAttr("to", AttrKind::Int)
      .transposeRule(TransposeRule::Unary)
      .infer(inferCast);
  r.add("CastLike").input("input").input("target_type").output("output").infer(inferCastLike);
}

}  // namespace nnport
