// Pooling and reductions: MaxPool, AvgPool (NCHW IR ops between Transposes,
// explicit SAME pads; AvgPool averages over the cells inside the input, as
// TF does: count_include_pad=0), and Mean/Max/Min over constant axes.
#include "parsers/tensorflow/tf_builder.h"

namespace nnport::tf {
namespace {

Expected<Outputs> pool(NodeContext& ctx, const char* op) {
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> in, ctx.staticDims(0, 4));
  std::vector<int64_t> k = ctx.attrInts("ksize");
  if (k.size() != 4 || k[0] != 1 || k[3] != 1) return ctx.unsupported("ksize must be [1, h, w, 1]");
  NNP_ASSIGN_OR_RETURN(Window w, windowOf(ctx, in, {k[1], k[2]}, "strides"));
  if (w.dilations != std::vector<int64_t>{1, 1}) return ctx.unsupported("pooling with dilations");
  NNP_ASSIGN_OR_RETURN(Value * xc, ctx.b.transpose(ctx.inputs[0], kToNchw, ctx.name("to_nchw")));
  std::vector<Attribute> attrs = {Attribute::ofInts("kernel_shape", w.kernel),
                                  Attribute::ofInts("strides", w.strides),
                                  Attribute::ofInts("pads", w.pads)};
  if (std::string(op) == "AveragePool") attrs.push_back(Attribute::ofInt("count_include_pad", 0));
  NNP_ASSIGN_OR_RETURN(Value * y, ctx.b.op(op, {xc}, ctx.name(op), std::move(attrs)));
  NNP_ASSIGN_OR_RETURN(Value * out, ctx.b.transpose(y, kToNhwc, ctx.name("to_nhwc")));
  return Outputs{out};
}

Expected<Outputs> maxPool(NodeContext& ctx) {
  return pool(ctx, "MaxPool");
}
Expected<Outputs> avgPool(NodeContext& ctx) {
  return pool(ctx, "AveragePool");
}

// A reduction over H and W of NHWC data that drops them leaves [N, C] (or
// less) in either layout, so it reads the NCHW form: its Transpose then
// cancels with the one after the conv before it (the layout passes cannot
// move a Transpose through an axis-dropping reduction).
bool dropsSpatialDims(const Value* x, const std::vector<int64_t>& axes, bool keep) {
  if (keep || !x->type.shape.rankKnown() || x->type.shape.rank() != 4) return false;
  bool h = false, w = false;
  for (int64_t a : axes) h |= a == 1 || a == -3, w |= a == 2 || a == -2;
  return h && w;
}

// Reduce over input 1's axes; no axes reduces nothing in TF.
Expected<Outputs> reduce(NodeContext& ctx, const char* op) {
  NNP_ASSIGN_OR_RETURN(Value * x, ctx.in(0));
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> axes, ctx.constInts(1, "reduction_indices"));
  if (axes.empty()) return Outputs{x};
  if (x->type.shape.rankKnown()) {
    const int64_t r = static_cast<int64_t>(x->type.shape.rank());
    for (int64_t a : axes) NNP_RETURN_IF_ERROR(ctx.checkRange("reduction axis", a, -r, r - 1));
  }
  const int64_t keep = ctx.attrBool("keep_dims", false) || ctx.attrBool("keepdims", false);
  if (dropsSpatialDims(x, axes, keep)) {
    NNP_ASSIGN_OR_RETURN(x, ctx.b.transpose(x, kToNchw, ctx.name("to_nchw")));
    for (int64_t& a : axes) a = kToNhwc[static_cast<size_t>((a + 4) % 4)];
  }
  NNP_ASSIGN_OR_RETURN(
      Value * y, ctx.b.op(op, {x}, ctx.name(op),
                          {Attribute::ofInts("axes", axes), Attribute::ofInt("keepdims", keep)}));
  return Outputs{y};
}

Expected<Outputs> mean(NodeContext& ctx) {
  return reduce(ctx, "ReduceMean");
}
Expected<Outputs> max(NodeContext& ctx) {
  return reduce(ctx, "ReduceMax");
}
Expected<Outputs> min(NodeContext& ctx) {
  return reduce(ctx, "ReduceMin");
}

}  // namespace

std::vector<OpKind> poolOpKinds() {
  return {{"MaxPool", maxPool}, {"AvgPool", avgPool}, {"Mean", mean}, {"Max", max}, {"Min", min}};
}

}  // namespace nnport::tf
