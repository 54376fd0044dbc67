// Pooling: [maxpool] and [avgpool] (Darknet's avgpool is always global).
#include "parsers/darknet/darknet_builder.h"

namespace nnport::darknet {

// Darknet's maxpool: padding defaults to size-1 and the output size is
// (W + padding - size) / stride + 1; windows start at -padding/2, so the
// rest of the padding falls on the right and bottom. With explicit
// asymmetric pads {padding/2, padding - padding/2} ONNX MaxPool computes the
// same sizes and maxima (padded cells never win).
Expected<MaxPoolGeometry> maxPoolGeometry(const CfgSection& s, int64_t h, int64_t w) {
  MaxPoolGeometry g;
  NNP_ASSIGN_OR_RETURN(g.stride, s.getInt("stride", 1, 1, kMaxWindow));
  NNP_ASSIGN_OR_RETURN(g.size, s.getInt("size", g.stride, 1, kMaxWindow));
  NNP_ASSIGN_OR_RETURN(int64_t padding, s.getInt("padding", g.size - 1, 0, kMaxWindow));
  g.padBegin = padding / 2;
  g.padEnd = padding - g.padBegin;
  if (g.padEnd >= g.size)
    return Status::unsupported("{}: padding={} leaves windows with no input cell (size={})",
                               s.where(), padding, g.size);
  if (h + padding < g.size || w + padding < g.size)
    return Status::invalid("{}: a {}x{} window does not fit the {}x{} input", s.where(), g.size,
                           g.size, h, w);
  g.outH = (h + padding - g.size) / g.stride + 1;
  g.outW = (w + padding - g.size) / g.stride + 1;
  return g;
}

namespace {

Expected<LayerResult> buildMaxpool(LayerContext& ctx) {
  const CfgSection& s = ctx.section;
  for (const char* key : {"stride_x", "stride_y", "maxpool_depth", "antialiasing", "out_channels"})
    if (s.has(key)) return Status::unsupported("{}: option '{}' is not supported", s.where(), key);
  NNP_ASSIGN_OR_RETURN(MaxPoolGeometry g, maxPoolGeometry(s, ctx.input.h, ctx.input.w));
  LayerResult out{nullptr, ctx.input.c, g.outH, g.outW};
  out.value =
      ctx.net.node4("MaxPool", {ctx.input.value}, ctx.name("maxpool"), out,
                    {Attribute::ofInts("kernel_shape", {g.size, g.size}),
                     Attribute::ofInts("strides", {g.stride, g.stride}),
                     Attribute::ofInts("pads", {g.padBegin, g.padBegin, g.padEnd, g.padEnd})});
  return out;
}

Expected<LayerResult> buildAvgpool(LayerContext& ctx) {
  LayerResult out{nullptr, ctx.input.c, 1, 1};
  out.value = ctx.net.node4("GlobalAveragePool", {ctx.input.value}, ctx.name("avgpool"), out);
  return out;
}

}  // namespace

std::vector<LayerKind> poolLayerKinds() {
  return {{"maxpool", "maxpool", buildMaxpool},
          {"max", "maxpool", buildMaxpool},
          {"avgpool", "avgpool", buildAvgpool},
          {"avg", "avgpool", buildAvgpool}};
}

}  // namespace nnport::darknet
