// Convolutions: Conv, ConvTranspose, ConvInteger and QLinearConv. One
// implementation serves 1-D, 2-D and 3-D (any number of spatial dims).

#include "ir/ops/infer_util.h"

namespace nnport {
namespace {

// X and W share one rank of at least 3 (N, C, spatial...); returns the
// group attribute, checked to be in range.
Expected<int64_t> checkRanksAndGroup(const InferenceContext& ctx, const Shape& xs,
                                     const Shape& ws) {
  if (xs.rank() < 3) return ctx.error("input rank {} is below 3 (N, C, spatial...)", xs.rank());
  if (ws.rank() != xs.rank())
    return ctx.error("weight rank {} does not match input rank {}", ws.rank(), xs.rank());
  const int64_t group = ctx.attrInt("group");
  if (group <= 0 || group > kMaxWindowAttr) return ctx.error("group {} is out of range", group);
  return group;
}

// The window attributes, with the kernel sizes from the kernel_shape
// attribute, else from W's spatial dims.
Status readConvWindow(const InferenceContext& ctx, const Shape& wShape, size_t rank,
                      WindowAttrs& w) {
  NNP_RETURN_IF_ERROR(readWindowAttrs(ctx, rank, w));
  std::vector<int64_t> ks = ctx.attrInts("kernel_shape");
  if (!ks.empty()) {
    if (ks.size() != rank)
      return ctx.error("kernel_shape has {} values for {} spatial dims", ks.size(), rank);
    for (size_t i = 0; i < rank; ++i) {
      if (ks[i] <= 0 || ks[i] > kMaxWindowAttr)
        return ctx.error("kernel size {} is out of range", ks[i]);
      const Dim& d = wShape[2 + i];
      if (d.isStatic() && d.value != ks[i])
        return ctx.error("kernel_shape {} does not match weight dim {}", ks[i], d.value);
    }
    w.kernel = std::move(ks);
    return Status::ok();
  }
  w.kernel.clear();
  for (size_t i = 0; i < rank; ++i) {
    const Dim& d = wShape[2 + i];
    if (d.isStatic() && (d.value <= 0 || d.value > kMaxWindowAttr))
      return ctx.error("weight kernel size {} is out of range", d.value);
    w.kernel.push_back(d.isStatic() ? d.value : -1);
  }
  return Status::ok();
}

// X's rank fixes the output rank even when W's is unknown: [N, ?, ?...].
Shape rankOnlyOutput(const Shape& xs) {
  if (!xs.rankKnown() || xs.rank() < 3) return Shape::unknownRank();
  std::vector<Dim> out(xs.rank());
  out[0] = xs[0];
  return Shape(std::move(out));
}

// Shared by Conv, ConvInteger and QLinearConv: X at input xi, W at input wi.
Status inferConv(InferenceContext& ctx, size_t xi, size_t wi, DType outDType) {
  const TensorType* x = ctx.inputType(xi);
  const TensorType* wt = ctx.inputType(wi);
  if (!x || !wt || outDType == DType::Undefined) return Status::ok();
  const Shape& xs = x->shape;
  const Shape& ws = wt->shape;
  if (!xs.rankKnown() || !ws.rankKnown()) {
    ctx.setOutput(0, outDType, rankOnlyOutput(xs));
    return Status::ok();
  }
  NNP_ASSIGN_OR_RETURN(const int64_t group, checkRanksAndGroup(ctx, xs, ws));
  const size_t rank = xs.rank() - 2;
  if (xs[1].isStatic() && ws[1].isStatic() &&
      (xs[1].value % group != 0 || xs[1].value / group != ws[1].value))
    return ctx.error("input has {} channels but weight expects {} x group {}", xs[1].value,
                     ws[1].value, group);
  if (ws[0].isStatic() && ws[0].value % group != 0)
    return ctx.error("{} output channels are not divisible by group {}", ws[0].value, group);
  WindowAttrs w;
  NNP_RETURN_IF_ERROR(readConvWindow(ctx, ws, rank, w));
  std::vector<Dim> out{xs[0], ws[0]};
  for (size_t i = 0; i < rank; ++i) {
    NNP_ASSIGN_OR_RETURN(Dim d, windowOutDim(ctx, w, i, xs[2 + i], "kernel extent"));
    out.push_back(std::move(d));
  }
  ctx.setOutput(0, outDType, Shape(std::move(out)));
  return Status::ok();
}

Status checkBias(InferenceContext& ctx, size_t bi, const Dim& channels) {
  const TensorType* b = ctx.inputType(bi);
  if (!b || !b->shape.rankKnown()) return Status::ok();
  if (b->shape.rank() != 1) return ctx.error("bias must be 1-D, got rank {}", b->shape.rank());
  const Dim& d = b->shape[0];
  if (d.isStatic() && channels.isStatic() && d.value != channels.value)
    return ctx.error("bias has {} values for {} output channels", d.value, channels.value);
  return Status::ok();
}

Status inferConvFloat(InferenceContext& ctx) {
  NNP_RETURN_IF_ERROR(inferConv(ctx, 0, 1, ctx.inputDType(0)));
  if (ctx.outputs()[0] && ctx.outputs()[0]->shape.rankKnown())
    return checkBias(ctx, 2, ctx.outputs()[0]->shape[1]);
  return Status::ok();
}

Status inferQLinearConv(InferenceContext& ctx) {
  NNP_RETURN_IF_ERROR(inferConv(ctx, 0, 3, ctx.inputDType(7)));
  if (ctx.outputs()[0] && ctx.outputs()[0]->shape.rankKnown())
    return checkBias(ctx, 8, ctx.outputs()[0]->shape[1]);
  return Status::ok();
}

// Forward conv MACs: every output element reads (Cin/group) * prod(kernel)
// weights, i.e. the product of W's dims after the first.
CostFn convMacs(size_t wi) {
  return [wi](const Node& n) -> int64_t {
    const Value* y = n.output(0);
    const Value* w = n.input(wi);
    if (!y || !w || !y->type.shape.rankKnown() || !w->type.shape.rankKnown()) return 0;
    const Shape& ws = w->type.shape;
    if (ws.rank() < 2) return 0;
    int64_t perOutput = 1;
    for (size_t i = 1; i < ws.rank(); ++i) perOutput = satMul(perOutput, sizeOrOne(ws[i]));
    return satMul(y->type.shape.numElementsAssumingOne(), perOutput);
  };
}

// ConvTranspose: W is [Cin, Cout/group, k...]; output channels Cout =
// W[1] * group. Without output_shape, out = stride*(in-1) + output_padding +
// dilation*(k-1) + 1 - pad_begin - pad_end; SAME_* gives in*stride.
Status inferConvTranspose(InferenceContext& ctx) {
  const TensorType* x = ctx.inputType(0);
  const TensorType* wt = ctx.inputType(1);
  if (!x || !wt) return Status::ok();
  const Shape& xs = x->shape;
  const Shape& ws = wt->shape;
  if (!xs.rankKnown() || !ws.rankKnown()) {
    ctx.setOutput(0, x->dtype, rankOnlyOutput(xs));
    return Status::ok();
  }
  NNP_ASSIGN_OR_RETURN(const int64_t group, checkRanksAndGroup(ctx, xs, ws));
  const size_t rank = xs.rank() - 2;
  if (xs[1].isStatic() && ws[0].isStatic() && xs[1].value != ws[0].value)
    return ctx.error("input has {} channels but weight has {}", xs[1].value, ws[0].value);
  if (xs[1].isStatic() && xs[1].value % group != 0)
    return ctx.error("{} input channels are not divisible by group {}", xs[1].value, group);
  WindowAttrs w;
  NNP_RETURN_IF_ERROR(readConvWindow(ctx, ws, rank, w));
  std::vector<int64_t> outPad = ctx.attrInts("output_padding");
  if (outPad.empty()) outPad.assign(rank, 0);
  if (outPad.size() != rank)
    return ctx.error("output_padding has {} values for {} spatial dims", outPad.size(), rank);
  for (size_t i = 0; i < rank; ++i)
    if (outPad[i] < 0 || outPad[i] > kMaxWindowAttr)
      return ctx.error("output_padding {} is out of range", outPad[i]);
  std::vector<int64_t> outShape = ctx.attrInts("output_shape");
  // Some exporters write the full N,C,spatial shape; the spatial tail is what counts.
  if (outShape.size() == rank + 2) outShape.erase(outShape.begin(), outShape.begin() + 2);
  if (!outShape.empty() && outShape.size() != rank)
    return ctx.error("output_shape has {} values for {} spatial dims", outShape.size(), rank);

  std::vector<Dim> out{xs[0], ws[1]};
  if (group != 1)
    out[1] = ws[1].isStatic() && ws[1].value <= kMaxWindowDim ? Dim(ws[1].value * group) : Dim();
  for (size_t i = 0; i < rank; ++i) {
    const Dim& in = xs[2 + i];
    if (!outShape.empty()) {
      if (outShape[i] < 0) return ctx.error("negative output_shape value {}", outShape[i]);
      out.emplace_back(outShape[i]);
    } else if (!in.isStatic() || in.value > kMaxWindowDim || w.kernel[i] < 0) {
      out.emplace_back();
    } else if (w.autoPad == "SAME_UPPER" || w.autoPad == "SAME_LOWER") {
      out.emplace_back(in.value * w.strides[i]);
    } else {
      const int64_t size = w.strides[i] * (in.value - 1) + outPad[i] +
                           w.dilations[i] * (w.kernel[i] - 1) + 1 - w.pads[i] - w.pads[i + rank];
      if (size <= 0) return ctx.error("spatial dim {} has non-positive output size {}", i, size);
      out.emplace_back(size);
    }
  }
  ctx.setOutput(0, x->dtype, Shape(std::move(out)));
  return checkBias(ctx, 2, ctx.outputs()[0]->shape[1]);
}

// Every input element is scattered through (Cout/group) * prod(kernel)
// weights: N*Cin*prod(in spatial) * prod(W dims after the first).
int64_t convTransposeMacs(const Node& n) {
  const Value* x = n.input(0);
  const Value* w = n.input(1);
  if (!x || !w || !x->type.shape.rankKnown() || !w->type.shape.rankKnown()) return 0;
  const Shape& ws = w->type.shape;
  if (ws.rank() < 2) return 0;
  int64_t perInput = 1;
  for (size_t i = 1; i < ws.rank(); ++i) perInput = satMul(perInput, sizeOrOne(ws[i]));
  return satMul(x->type.shape.numElementsAssumingOne(), perInput);
}

// One attribute per line, its range beside it.
// clang-format off
void addWindowAttrs(OpSchemaBuilder b) {
  b.attr("auto_pad", "NOTSET")
      .optionalAttr("dilations", AttrKind::Ints).range(1, kMaxWindowAttr)
      .attr("group", int64_t{1}).range(1, kMaxWindowAttr)
      .optionalAttr("kernel_shape", AttrKind::Ints).range(1, kMaxWindowAttr)
      .optionalAttr("pads", AttrKind::Ints).range(0, kMaxWindowAttr)
      .optionalAttr("strides", AttrKind::Ints).range(1, kMaxWindowAttr);
}

}  // namespace

void registerConvOps(OpRegistry& r) {
  OpSchemaBuilder conv = r.add("Conv");
  conv.input("X").input("W").optionalInput("B").output("Y")
      .traits(kLayoutSensitive | kQuantizable | kFusedActivation)
      // W is [M, C/group, k...]: one scale per output channel M.
      .quantization(weightedQuantization(1, 2, [](const Node&) {
                      return int64_t{0};
                    }).integerForm("QLinearConv"))
      .infer(inferConvFloat).macs(convMacs(1));
  addWindowAttrs(conv);

  OpSchemaBuilder convT = r.add("ConvTranspose");
  convT.input("X").input("W").optionalInput("B").output("Y")
      .optionalAttr("output_padding", AttrKind::Ints).range(0, kMaxWindowAttr)
      .optionalAttr("output_shape", AttrKind::Ints).range(0)
      .traits(kLayoutSensitive | kQuantizable | kFusedActivation)
      // W is [C, M/group, k...]: the output channels are axis 1.
      .quantization(weightedQuantization(1, 2, [](const Node&) { return int64_t{1}; }))
      .infer(inferConvTranspose).macs(convTransposeMacs);
  addWindowAttrs(convT);

  OpSchemaBuilder convI = r.add("ConvInteger");
  convI.since(10).input("x").input("w").optionalInput("x_zero_point")
      .optionalInput("w_zero_point").output("y")
      .traits(kLayoutSensitive | kQuantizable)
      .infer([](InferenceContext& c) { return inferConv(c, 0, 1, DType::Int32); })
      .macs(convMacs(1));
  addWindowAttrs(convI);

  OpSchemaBuilder qconv = r.add("QLinearConv");
  qconv.since(10).input("x").input("x_scale").input("x_zero_point").input("w").input("w_scale")
      .input("w_zero_point").input("y_scale").input("y_zero_point").optionalInput("B")
      .output("y").traits(kLayoutSensitive | kQuantizable)
      .infer(inferQLinearConv).macs(convMacs(3));
  addWindowAttrs(qconv);
}
// clang-format on

}  // namespace nnport
