// Layers without weights that neither pool nor route: [softmax],
// [activation], [dropout] and [cost] (identity at inference), and the
// detection heads [yolo], [region] and [detection], whose input tensor
// becomes a graph output carrying the head's options in its docString and
// in the model metadata ("darknet:<type>:<layer>").
#include "parsers/darknet/darknet_builder.h"
#include "support/checked_math.h"

namespace nnport::darknet {
namespace {

// Darknet's softmax runs over each of `groups` equal slices of the flat
// layer input (all of c*h*w by default), on input / temperature.
Expected<LayerResult> buildSoftmax(LayerContext& ctx) {
  const CfgSection& s = ctx.section;
  for (const char* key : {"tree", "spatial"})
    if (s.has(key)) return Status::unsupported("{}: option '{}' is not supported", s.where(), key);
  NNP_ASSIGN_OR_RETURN(int64_t groups, s.getInt("groups", 1, 1, kMaxLayerValues));
  NNP_ASSIGN_OR_RETURN(float temperature, s.getFloat("temperature", 1.f));
  const LayerResult& in = ctx.input;
  const int64_t total = in.c * in.h * in.w;  // at most kMaxLayerValues: the input was checked
  if (total % groups != 0)
    return Status::invalid("{}: groups={} does not divide the {} inputs", s.where(), groups, total);
  if (temperature <= 0.f) return Status::invalid("{}: temperature must be positive", s.where());
  NetBuilder& net = ctx.net;
  const std::vector<int64_t> grouped = {groups, total / groups};
  Value* x = net.node("Reshape",
                      {in.value, net.int64s(ctx.name("group_shape"), {0, groups, total / groups})},
                      ctx.name("groups"), grouped);
  if (temperature != 1.f)
    x = net.node("Mul", {x, net.floats(ctx.name("inverse_temperature"), {}, {1.f / temperature})},
                 ctx.name("temperature"), grouped);
  x = net.node("Softmax", {x}, ctx.name("softmax"), grouped, {Attribute::ofInt("axis", 2)});
  LayerResult out = in;
  out.value = net.node4("Reshape", {x, net.int64s(ctx.name("shape"), {0, in.c, in.h, in.w})},
                        ctx.name("reshape"), out);
  return out;
}

Expected<LayerResult> buildActivation(LayerContext& ctx) {
  LayerResult out = ctx.input;
  NNP_ASSIGN_OR_RETURN(out.value, applyActivation(ctx, ctx.input.value, out,
                                                  ctx.section.getString("activation", "linear")));
  return out;
}

Expected<LayerResult> buildIdentity(LayerContext& ctx) {
  return ctx.input;
}

Expected<LayerResult> buildCost(LayerContext& ctx) {
  LayerResult out = ctx.input;
  out.role = LayerRole::Cost;
  return out;
}

// Darknet's parser asserts that a head's input holds exactly what its
// options describe; `expected` is nullopt when that overflows.
Status expectInput(const CfgSection& s, int64_t have, std::optional<int64_t> expected,
                   const std::string& formula, const char* unit) {
  if (expected && *expected == have) return Status::ok();
  const std::string want = expected ? std::to_string(*expected) : "more than can be counted";
  return Status::invalid("{}: the head expects {} = {} {}, its input has {}", s.where(), formula,
                         want, unit, have);
}

// A mask picks anchors by index, so each must be below num.
Status checkYolo(const CfgSection& s, const LayerResult& in) {
  NNP_ASSIGN_OR_RETURN(int64_t classes, s.getInt("classes", 20, 0, kMaxLayerValues));
  NNP_ASSIGN_OR_RETURN(int64_t num, s.getInt("num", 1, 1, kMaxLayerValues));
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> mask, s.getInts("mask"));
  for (int64_t m : mask) NNP_RETURN_IF_ERROR(s.checkRange("mask", m, 0, num - 1));
  const int64_t boxes = mask.empty() ? num : static_cast<int64_t>(mask.size());
  return expectInput(s, in.c, checkedMul(boxes, classes + 5),
                     fmt::format("{} boxes x ({} classes + 5)", boxes, classes), "channels");
}

Status checkRegion(const CfgSection& s, const LayerResult& in) {
  NNP_ASSIGN_OR_RETURN(int64_t classes, s.getInt("classes", 20, 0, kMaxLayerValues));
  NNP_ASSIGN_OR_RETURN(int64_t coords, s.getInt("coords", 4, 0, kMaxLayerValues));
  NNP_ASSIGN_OR_RETURN(int64_t num, s.getInt("num", 1, 1, kMaxLayerValues));
  return expectInput(s, in.c, checkedMul(num, classes + coords + 1),
                     fmt::format("{} boxes x ({} classes + {} coords + 1)", num, classes, coords),
                     "channels");
}

Status checkDetection(const CfgSection& s, const LayerResult& in) {
  NNP_ASSIGN_OR_RETURN(int64_t classes, s.getInt("classes", 1, 0, kMaxLayerValues));
  NNP_ASSIGN_OR_RETURN(int64_t coords, s.getInt("coords", 1, 0, kMaxLayerValues));
  NNP_ASSIGN_OR_RETURN(int64_t num, s.getInt("num", 1, 1, kMaxLayerValues));
  NNP_ASSIGN_OR_RETURN(int64_t side, s.getInt("side", 7, 1, kMaxLayerValues));
  const std::optional<int64_t> boxValues = checkedMul(coords + 1, num);
  const std::optional<int64_t> cell = boxValues ? checkedAdd(*boxValues, classes) : std::nullopt;
  const std::optional<int64_t> cells = checkedMul(side, side);
  return expectInput(s, in.c * in.h * in.w,
                     cell && cells ? checkedMul(*cells, *cell) : std::nullopt,
                     fmt::format("{}x{} cells x ({} boxes x ({} coords + 1) + {} classes)", side,
                                 side, num, coords, classes),
                     "values");
}

// The head's options, in cfg order, for whoever decodes the output.
std::string headDescription(const LayerContext& ctx) {
  std::string d = fmt::format(
      "darknet [{}] layer {} input (decode outside the graph):", ctx.section.type, ctx.index);
  for (const auto& o : ctx.section.options) d += " " + o.key + "=" + o.value;
  return d;
}

Expected<LayerResult> buildHead(LayerContext& ctx) {
  const CfgSection& s = ctx.section;
  if (s.type == "yolo") NNP_RETURN_IF_ERROR(checkYolo(s, ctx.input));
  if (s.type == "region") NNP_RETURN_IF_ERROR(checkRegion(s, ctx.input));
  if (s.type == "detection") NNP_RETURN_IF_ERROR(checkDetection(s, ctx.input));
  const std::string d = headDescription(ctx);
  Value* v = ctx.input.value;
  v->docString += (v->docString.empty() ? "" : "\n") + d;
  ctx.net.model().metadata.emplace_back(fmt::format("darknet:{}:{}", ctx.section.type, ctx.index),
                                        d);
  LayerResult out = ctx.input;
  out.role = LayerRole::Head;
  return out;
}

}  // namespace

std::vector<LayerKind> miscLayerKinds() {
  return {{"softmax", "softmax", buildSoftmax},
          {"soft", "softmax", buildSoftmax},
          {"activation", "activation", buildActivation},
          {"dropout", "dropout", buildIdentity},
          {"cost", "cost", buildCost, /*readsPrevious=*/false},
          {"yolo", "yolo", buildHead},
          {"region", "region", buildHead},
          {"detection", "detection", buildHead}};
}

}  // namespace nnport::darknet
