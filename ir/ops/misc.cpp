// Ops with data-dependent or generated outputs: TopK, NonZero,
// NonMaxSuppression, Unique, EyeLike, the random generators, Multinomial, and
// the control-flow ops If/Loop/Scan (declared only: their outputs keep the
// types the model declares).
#include "ir/dtype_codes.h"
#include "ir/ops/infer_util.h"

namespace nnport {
namespace {

Status inferTopK(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  // TopK-1 has k as an attribute; TopK-10 as input 1, a 1-D tensor of one int64.
  Dim k;
  if (opsetOf(ctx) < 10) {
    if (!ctx.hasAttr("k")) return ctx.error("missing attribute 'k'");
    k = Dim(ctx.attrInt("k"));
    if (ctx.attrInt("k") < 0) return ctx.error("negative k {}", ctx.attrInt("k"));
  } else {
    if (!ctx.hasInput(1)) return ctx.error("missing input 'K'");
    if (auto v = ctx.shapeValue(1)) {
      if (v->size() != 1) return ctx.error("K must hold one value, not {}", v->size());
      if ((*v)[0].symbol.empty() && (*v)[0].value < 0)
        return ctx.error("negative k {}", (*v)[0].value);
      k = shapeValueToDim((*v)[0]);
    }
  }
  Shape out;
  if (in->shape.rankKnown()) {
    const auto rank = static_cast<int64_t>(in->shape.rank());
    NNP_ASSIGN_OR_RETURN(int64_t axis, axisAttr(ctx, "axis", rank));
    const Dim& d = in->shape[axis];
    if (k.isStatic() && d.isStatic() && k.value > d.value)
      return ctx.error("k {} is larger than the axis size {}", k.value, d.value);
    out = in->shape;
    out[axis] = k;
  }
  ctx.setOutput(0, in->dtype, out);
  if (ctx.hasOutput(1)) ctx.setOutput(1, DType::Int64, out);
  return Status::ok();
}

Status inferNonZero(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  const Dim rank = in->shape.rankKnown() ? Dim(static_cast<int64_t>(in->shape.rank())) : Dim();
  ctx.setOutput(0, DType::Int64, Shape({rank, Dim()}));
  return Status::ok();
}

Status inferNonMaxSuppression(InferenceContext& ctx) {
  if (!ctx.inputType(0) || !ctx.inputType(1)) return Status::ok();
  ctx.setOutput(0, DType::Int64, Shape({Dim(), Dim(3)}));
  return Status::ok();
}

Status inferUnique(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  const Shape unknown1d({Dim()});
  if (!ctx.hasAttr("axis")) {  // unique elements of the flattened input
    ctx.setOutput(0, in->dtype, unknown1d);
    auto n = in->shape.numElements();
    ctx.setOutput(2, DType::Int64, Shape({n ? Dim(*n) : Dim()}));
  } else if (!in->shape.rankKnown()) {
    ctx.setOutput(0, in->dtype, Shape());
    ctx.setOutput(2, DType::Int64, unknown1d);
  } else {  // unique slices along axis
    const auto rank = static_cast<int64_t>(in->shape.rank());
    NNP_ASSIGN_OR_RETURN(int64_t axis, axisAttr(ctx, "axis", rank));
    Shape out = in->shape;
    out[axis] = Dim();
    ctx.setOutput(0, in->dtype, std::move(out));
    ctx.setOutput(2, DType::Int64, Shape({in->shape[axis]}));
  }
  ctx.setOutput(1, DType::Int64, unknown1d);
  ctx.setOutput(3, DType::Int64, unknown1d);
  return Status::ok();
}

// The `dtype` attribute (an ONNX type code) as a DType; `fallback` is the
// schema default or the input's type when the attribute is absent.
Expected<DType> dtypeAttr(const InferenceContext& ctx, DType fallback) {
  if (!ctx.hasAttr("dtype")) return fallback;
  auto d = dtypeFromOnnx(ctx.attrInt("dtype"));
  if (!d) return ctx.error("unsupported dtype {}", ctx.attrInt("dtype"));
  return *d;
}

Status inferEyeLike(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  if (in->shape.rankKnown() && in->shape.rank() != 2)
    return ctx.error("input must be 2-D, not {}", in->shape.str());
  NNP_ASSIGN_OR_RETURN(DType dtype, dtypeAttr(ctx, in->dtype));
  ctx.setOutput(0, dtype, in->shape);
  return Status::ok();
}

Status inferRandom(InferenceContext& ctx) {
  NNP_ASSIGN_OR_RETURN(DType dtype, dtypeAttr(ctx, DType::Float32));
  if (!ctx.hasAttr("shape")) return ctx.error("missing attribute 'shape'");
  const std::vector<int64_t> shape = ctx.attrInts("shape");
  if (static_cast<int64_t>(shape.size()) > kMaxRank || !checkedElementCount(shape))
    return ctx.error("invalid shape attribute");
  ctx.setOutput(0, dtype, Shape::ofSizes(shape));
  return Status::ok();
}

Status inferRandomLike(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  NNP_ASSIGN_OR_RETURN(DType dtype, dtypeAttr(ctx, in->dtype));
  ctx.setOutput(0, dtype, in->shape);
  return Status::ok();
}

Status inferMultinomial(InferenceContext& ctx) {
  const TensorType* in = ctx.inputType(0);
  if (!in) return Status::ok();
  NNP_ASSIGN_OR_RETURN(DType dtype, dtypeAttr(ctx, DType::Int32));
  if (dtype != DType::Int32 && dtype != DType::Int64)
    return ctx.error("dtype must be int32 or int64, not {}", dtypeName(dtype));
  const int64_t samples = ctx.attrInt("sample_size");
  if (samples < 0) return ctx.error("negative sample_size {}", samples);
  if (in->shape.rankKnown() && in->shape.rank() != 2)
    return ctx.error("input must be [batch, classes], not {}", in->shape.str());
  ctx.setOutput(0, dtype, Shape({in->shape.rankKnown() ? in->shape[0] : Dim(), Dim(samples)}));
  return Status::ok();
}

}  // namespace

void registerMiscOps(OpRegistry& r) {
  // TopK-1 takes k as an attribute, TopK-10 as input K.
  r.add("TopK")
      .input("X")
      .optionalInput("K")
      .output("Values")
      .output("Indices")
      .optionalAttr("k", AttrKind::Int)
      .range(0)
      .attr("axis", int64_t{-1})
      .attr("largest", int64_t{1})
      .attr("sorted", int64_t{1})
      .infer(inferTopK);
  r.add("NonZero").input("X").output("Y").infer(inferNonZero);
  r.add("NonMaxSuppression")
      .input("boxes")
      .input("scores")
      .optionalInput("max_output_boxes_per_class")
      .optionalInput("iou_threshold")
      .optionalInput("score_threshold")
      .output("selected_indices")
      .attr("center_point_box", int64_t{0})
      .infer(inferNonMaxSuppression);
  r.add("Unique")
      .input("X")
      .output("Y")
      .optionalOutput("indices")
      .optionalOutput("inverse_indices")
      .optionalOutput("counts")
      .optionalAttr("axis", AttrKind::Int)
      .attr("sorted", int64_t{1})
      .infer(inferUnique);
  r.add("EyeLike")
      .input("input")
      .output("output")
      .optionalAttr("dtype", AttrKind::Int)
      .attr("k", int64_t{0})
      .infer(inferEyeLike);

  r.add("RandomNormal")
      .output("output")
      .attr("dtype", int64_t{1})
      .attr("mean", 0.0f)
      .attr("scale", 1.0f)
      .optionalAttr("seed", AttrKind::Float)
      .requiredAttr("shape", AttrKind::Ints)
      .range(0)
      .infer(inferRandom);
  r.add("RandomUniform")
      .output("output")
      .attr("dtype", int64_t{1})
      .attr("high", 1.0f)
      .attr("low", 0.0f)
      .optionalAttr("seed", AttrKind::Float)
      .requiredAttr("shape", AttrKind::Ints)
      .range(0)
      .infer(inferRandom);
  r.add("RandomNormalLike")
      .input("input")
      .output("output")
      .optionalAttr("dtype", AttrKind::Int)
      .attr("mean", 0.0f)
      .attr("scale", 1.0f)
      .optionalAttr("seed", AttrKind::Float)
      .infer(inferRandomLike);
  r.add("RandomUniformLike")
      .input("input")
      .output("output")
      .optionalAttr("dtype", AttrKind::Int)
      .attr("high", 1.0f)
      .attr("low", 0.0f)
      .optionalAttr("seed", AttrKind::Float)
      .infer(inferRandomLike);
  r.add("Multinomial")
      .input("input")
      .output("output")
      .attr("dtype", int64_t{6})
      .attr("sample_size", int64_t{1})
      .range(1)
      .optionalAttr("seed", AttrKind::Float)
      .infer(inferMultinomial);

  // Control flow: the bodies are serialized subgraphs; no inference.
  r.add("If")
      .input("cond")
      .variadicOutput("outputs")
      .requiredAttr("then_branch", AttrKind::Graph)
      .requiredAttr("else_branch", AttrKind::Graph);
  r.add("Loop")
      .optionalInput("M")
      .optionalInput("cond")
      .variadicInput("v_initial")
      .variadicOutput("v_final_and_scan_outputs")
      .requiredAttr("body", AttrKind::Graph);
  // Scan-8 has a leading sequence_lens input and a `directions` attribute.
  r.add("Scan")
      .variadicInput("initial_state_and_scan_inputs")
      .variadicOutput("final_state_and_scan_outputs")
      .requiredAttr("body", AttrKind::Graph)
      .requiredAttr("num_scan_inputs", AttrKind::Int)
      .range(1)
      .optionalAttr("directions", AttrKind::Ints)
      .optionalAttr("scan_input_axes", AttrKind::Ints)
      .optionalAttr("scan_input_directions", AttrKind::Ints)
      .optionalAttr("scan_output_axes", AttrKind::Ints)
      .optionalAttr("scan_output_directions", AttrKind::Ints);
}

}  // namespace nnport
