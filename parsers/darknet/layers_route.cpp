// Layers that move data between layers or within a tensor: [route],
// [shortcut], [upsample] and [reorg].
#include <algorithm>

#include "parsers/darknet/darknet_builder.h"
#include "support/checked_math.h"

namespace nnport::darknet {
namespace {

// One route input, or its group_id-th of `groups` channel slices.
Expected<Value*> routeInput(LayerContext& ctx, const LayerResult& in, int64_t groups,
                            int64_t groupId, size_t k) {
  if (groups == 1) return in.value;
  if (in.c % groups != 0)
    return Status::invalid("{}: groups={} does not divide the {} channels of an input",
                           ctx.section.where(), groups, in.c);
  const int64_t part = in.c / groups;
  NetBuilder& net = ctx.net;
  const std::string n = ctx.name("slice" + std::to_string(k));
  return net.node("Slice",
                  {in.value, net.int64s(n + "_starts", {groupId * part}),
                   net.int64s(n + "_ends", {(groupId + 1) * part}), net.int64s(n + "_axes", {1})},
                  n, {part, in.h, in.w});
}

// Concatenates the listed layers on channels; `groups`/`group_id` take the
// group_id-th channel slice of each.
Expected<LayerResult> buildRoute(LayerContext& ctx) {
  const CfgSection& s = ctx.section;
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> refs, s.getInts("layers"));
  NNP_ASSIGN_OR_RETURN(int64_t groups, s.getInt("groups", 1, 1, kMaxWindow));
  NNP_ASSIGN_OR_RETURN(int64_t groupId, s.getInt("group_id", 0, 0, groups - 1));
  if (refs.empty()) return Status::invalid("{}: route needs layers=", s.where());
  // Each input may add a Slice, its output and three constants; then a Concat and its output.
  const int64_t moreEntries = static_cast<int64_t>(refs.size()) * 5 + 2;
  NNP_RETURN_IF_ERROR(ctx.net.checkGraphBudget(moreEntries, s.where()));
  LayerResult out{nullptr, 0, 0, 0};
  std::vector<Value*> parts;
  for (size_t k = 0; k < refs.size(); ++k) {
    NNP_ASSIGN_OR_RETURN(const LayerResult* in, ctx.layerAt(refs[k], "layers"));
    if (k > 0 && (in->h != out.h || in->w != out.w))
      return Status::invalid("{}: route inputs differ in size ({}x{} and {}x{})", s.where(), out.h,
                             out.w, in->h, in->w);
    out.h = in->h;
    out.w = in->w;
    const std::optional<int64_t> c = checkedAdd(out.c, in->c / groups);
    if (!c || *c > kMaxLayerValues)
      return Status::invalid("{}: the route's inputs hold more than {} channels", s.where(),
                             kMaxLayerValues);
    out.c = *c;
    NNP_ASSIGN_OR_RETURN(Value * part, routeInput(ctx, *in, groups, groupId, k));
    parts.push_back(part);
  }
  out.value = parts.size() == 1 ? parts[0]
                                : ctx.net.node4("Concat", parts, ctx.name("concat"), out,
                                                {Attribute::ofInt("axis", 1)});
  return out;
}

Value* scaled(LayerContext& ctx, Value* x, const LayerResult& shape, float factor,
              const std::string& part) {
  if (factor == 1.f) return x;
  Value* f = ctx.net.floats(ctx.name(part + "_factor"), {}, {factor});
  return ctx.net.node4("Mul", {x, f}, ctx.name(part), shape);
}

// The `from` layer as Darknet adds it to a previous layer of another shape:
// when `from` is larger by an integer factor it is read with that stride,
// and only the channels both have are added (the rest pass unchanged).
Expected<Value*> shortcutOperand(LayerContext& ctx, const LayerResult& from,
                                 const LayerResult& prev) {
  if (from.c == prev.c && from.h == prev.h && from.w == prev.w) return from.value;
  const CfgSection& s = ctx.section;
  const int64_t stride = from.w / prev.w;
  if (from.h < prev.h || from.w < prev.w || stride != from.h / prev.h)
    return Status::unsupported(
        "{}: shortcut from a {}x{}x{} layer onto a {}x{}x{} one (only equal sizes or a larger "
        "`from` by an integer factor)",
        s.where(), from.c, from.h, from.w, prev.c, prev.h, prev.w);
  const int64_t c = std::min(from.c, prev.c);
  NetBuilder& net = ctx.net;
  Value* x = net.node("Slice",
                      {from.value, net.int64s(ctx.name("from_starts"), {0, 0, 0}),
                       net.int64s(ctx.name("from_ends"), {c, prev.h * stride, prev.w * stride}),
                       net.int64s(ctx.name("from_axes"), {1, 2, 3}),
                       net.int64s(ctx.name("from_steps"), {1, stride, stride})},
                      ctx.name("from_sampled"), {c, prev.h, prev.w});
  if (c == prev.c) return x;
  return net.node("Pad", {x, net.int64s(ctx.name("from_pads"), {0, 0, 0, 0, 0, prev.c - c, 0, 0})},
                  ctx.name("from_padded"), {prev.c, prev.h, prev.w});
}

// out = activation(alpha * previous + beta * from).
Expected<LayerResult> buildShortcut(LayerContext& ctx) {
  const CfgSection& s = ctx.section;
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> from, s.getInts("from"));
  if (from.size() != 1)
    return Status::unsupported("{}: shortcut needs exactly one layer in from=", s.where());
  if (s.has("weights_type"))
    return Status::unsupported("{}: weighted shortcuts are not supported", s.where());
  NNP_ASSIGN_OR_RETURN(const LayerResult* other, ctx.layerAt(from[0], "from"));
  const LayerResult& prev = ctx.input;
  NNP_ASSIGN_OR_RETURN(float alpha, s.getFloat("alpha", 1.f));
  NNP_ASSIGN_OR_RETURN(float beta, s.getFloat("beta", 1.f));
  NNP_ASSIGN_OR_RETURN(Value * added, shortcutOperand(ctx, *other, prev));
  if (alpha != 1.f && added != other->value)
    return Status::unsupported("{}: alpha with differently shaped layers is not supported",
                               s.where());
  LayerResult out = prev;
  Value* sum = ctx.net.node4(
      "Add",
      {scaled(ctx, prev.value, prev, alpha, "alpha"), scaled(ctx, added, prev, beta, "beta")},
      ctx.name("add"), out);
  NNP_ASSIGN_OR_RETURN(out.value,
                       applyActivation(ctx, sum, out, s.getString("activation", "linear")));
  return out;
}

// Nearest-neighbour upsampling by an integer stride, times `scale`.
Expected<LayerResult> buildUpsample(LayerContext& ctx) {
  const CfgSection& s = ctx.section;
  NNP_ASSIGN_OR_RETURN(int64_t stride, s.getInt("stride", 2));
  NNP_ASSIGN_OR_RETURN(float scale, s.getFloat("scale", 1.f));
  if (stride < 0 && stride >= -kMaxWindow)
    return Status::unsupported("{}: stride={}: downsampling upsample layers are not supported",
                               s.where(), stride);
  NNP_RETURN_IF_ERROR(s.checkRange("stride", stride, 1, kMaxWindow));
  // Two bounded factors: the layer's size check follows the build.
  LayerResult out{nullptr, ctx.input.c, ctx.input.h * stride, ctx.input.w * stride};
  NetBuilder& net = ctx.net;
  const float f = static_cast<float>(stride);
  Value* y = net.node4(
      "Resize", {ctx.input.value, nullptr, net.floats(ctx.name("scales"), {4}, {1.f, 1.f, f, f})},
      ctx.name("resize"), out,
      {Attribute::ofString("mode", "nearest"),
       Attribute::ofString("coordinate_transformation_mode", "asymmetric"),
       Attribute::ofString("nearest_mode", "floor")});
  out.value = scaled(ctx, y, out, scale, "scale");
  return out;
}

// Darknet's reorg does not rearrange the input as [c][h][w]: it reads the
// flat input as [c/s^2][h*s][w*s] (h, w, c: the input's sizes), gathers the
// s x s phases of that view into channels, giving [s][s][c/s^2][h][w], and
// hands the result on flat as [c*s^2][h/s][w/s]. As ops: Reshape to
// [c/s^2, h, s, w, s], Transpose to [s, s, c/s^2, h, w], Reshape.
// reverse=1 is the inverse permutation.
Expected<LayerResult> buildReorg(LayerContext& ctx) {
  const CfgSection& s = ctx.section;
  for (const char* key : {"flatten", "extra"}) NNP_RETURN_IF_ERROR(s.requireDefault(key, 0));
  NNP_ASSIGN_OR_RETURN(int64_t st, s.getInt("stride", 1, 1, kMaxWindow));
  NNP_ASSIGN_OR_RETURN(int64_t reverse, s.getInt("reverse", 0));
  const LayerResult& in = ctx.input;
  const int64_t square = st * st;  // st <= 2^30: no overflow
  if (reverse ? square > in.c : st > in.h || st > in.w)
    return Status::invalid("{}: reorg stride {} leaves nothing of the {}x{}x{} input", s.where(),
                           st, in.c, in.h, in.w);
  if (in.c % square != 0 || in.h % st != 0 || in.w % st != 0)
    return Status::unsupported(
        "{}: reorg stride {} needs channels divisible by {} and height and width by {} (input "
        "{}x{}x{})",
        s.where(), st, square, st, in.c, in.h, in.w);
  // st divides h and w and st^2 divides c, so every size below is at most
  // the input's c*h*w.
  const int64_t cs = in.c / square;
  NetBuilder& net = ctx.net;
  LayerResult out = reverse ? LayerResult{nullptr, cs, in.h * st, in.w * st}
                            : LayerResult{nullptr, in.c * square, in.h / st, in.w / st};
  const std::vector<int64_t> view = {0, cs, in.h, st, in.w, st};
  const std::vector<int64_t> phases = {0, st, st, cs, in.h, in.w};
  const auto& first = reverse ? phases : view;
  const auto& second = reverse ? view : phases;
  const std::vector<int64_t> perm =
      reverse ? std::vector<int64_t>{0, 3, 4, 1, 5, 2} : std::vector<int64_t>{0, 3, 5, 1, 2, 4};
  Value* a = net.node("Reshape", {in.value, net.int64s(ctx.name("view_shape"), first)},
                      ctx.name("view"), {first.begin() + 1, first.end()});
  Value* b = net.node("Transpose", {a}, ctx.name("transpose"), {second.begin() + 1, second.end()},
                      {Attribute::ofInts("perm", perm)});
  out.value = net.node4("Reshape", {b, net.int64s(ctx.name("shape"), {0, out.c, out.h, out.w})},
                        ctx.name("reshape"), out);
  return out;
}

}  // namespace

std::vector<LayerKind> routeLayerKinds() {
  return {{"route", "route", buildRoute, /*readsPrevious=*/false},
          {"shortcut", "shortcut", buildShortcut},
          {"upsample", "upsample", buildUpsample},
          {"reorg", "reorg", buildReorg}};
}

}  // namespace nnport::darknet
