// Kernels that select, repeat or rearrange elements: Slice, Split, Pad,
// Expand, Tile, Compress, Trilu, CumSum, DepthToSpace and SpaceToDepth.
// Most are one "gather along each axis" step: every output coordinate on an
// axis names the input coordinate it reads (or none, for Pad's fill).
#include <algorithm>
#include <string>

#include "exec/kernel.h"
#include "exec/kernels/convert.h"
#include "exec/kernels/data_util.h"
#include "exec/kernels/elementwise_util.h"
#include "ir/slice_range.h"
#include "support/checked_math.h"

namespace nnport::exec {
namespace {

using AxisMaps = std::vector<std::vector<int64_t>>;

// out[i_0, .., i_r] = in[maps[0][i_0], .., maps[r-1][i_r]]; an entry of -1
// leaves the output element as it is. in and out have the same rank.
void gatherAxes(RtTensor& out, const RtTensor& in, const AxisMaps& maps) {
  if (out.numElements() == 0) return;
  const size_t rank = out.rank();
  if (rank == 0) {
    copyElements(out, 0, in, 0, 1);
    return;
  }
  const std::vector<int64_t> strides = stridesOf(in.dims());
  const std::vector<int64_t> outerDims(out.dims().begin(), out.dims().end() - 1);
  const std::vector<int64_t>& last = maps[rank - 1];
  std::vector<int64_t> pos(rank - 1, 0);
  int64_t o = 0;
  do {
    int64_t base = 0;
    bool fill = false;
    for (size_t a = 0; a + 1 < rank; ++a) {
      const int64_t s = maps[a][static_cast<size_t>(pos[a])];
      fill = fill || s < 0;
      base += s * strides[a];
    }
    for (size_t j = 0; j < last.size(); ++j, ++o)
      if (!fill && last[j] >= 0) copyElements(out, o, in, base + last[j], 1);
  } while (nextIndex(pos, outerDims));
}

AxisMaps identityMaps(const std::vector<int64_t>& dims) {
  AxisMaps maps(dims.size());
  for (size_t a = 0; a < dims.size(); ++a)
    for (int64_t i = 0; i < dims[a]; ++i) maps[a].push_back(i);
  return maps;
}

std::vector<int64_t> dimsOf(const AxisMaps& maps) {
  std::vector<int64_t> dims;
  for (const auto& m : maps) dims.push_back(static_cast<int64_t>(m.size()));
  return dims;
}

// Pad, Expand and Tile size their output from operands: the output is
// allocated (within the memory budget) before any per-axis map is built,
// and an empty output needs no maps at all.
Expected<RtTensor*> allocateSized(KernelContext& ctx, DType dtype,
                                  const std::vector<int64_t>& dims) {
  if (!checkedElementCount(dims))
    return ctx.error("the output has more elements than can be counted");
  RtTensor& out = ctx.allocateOutput(0, dtype, dims);
  return &out;
}

Expected<size_t> axisOf(const KernelContext& ctx, int64_t axis, size_t rank) {
  const auto r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) return ctx.error("axis {} is out of range for rank {}", axis, rank);
  return static_cast<size_t>(axis < 0 ? axis + r : axis);
}

Status checkMovable(const KernelContext& ctx, const RtTensor& x) {
  if (!isMovable(x.dtype())) return ctx.unsupported("no kernel for {} data", dtypeName(x.dtype()));
  return Status::ok();
}

std::vector<int64_t> intsFrom(const KernelContext& ctx, size_t input) {
  return ctx.input(input) ? ctx.input(input)->toInt64Vector() : std::vector<int64_t>{};
}

// The indices start:end:step selects along a dimension of size n
// (ir/slice_range.h).
std::vector<int64_t> sliceIndices(int64_t n, int64_t start, int64_t end, int64_t step) {
  const SliceRange r = sliceRange(n, start, end, step);
  std::vector<int64_t> picked;
  const uint64_t stride =
      step > 0 ? static_cast<uint64_t>(step) : static_cast<uint64_t>(-(step + 1)) + 1;
  for (uint64_t j = 0; j < static_cast<uint64_t>(r.count); ++j) {
    const auto d = static_cast<int64_t>(j * stride);  // within the dim when j < count
    picked.push_back(step > 0 ? r.first + d : r.first - d);
  }
  return picked;
}

Status slice(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  NNP_RETURN_IF_ERROR(checkMovable(ctx, x));
  // Slice-1 takes starts/ends/axes as attributes; Slice-10 as inputs.
  const bool attrs = ctx.opset() < 10;
  const std::vector<int64_t> starts = attrs ? ctx.attrInts("starts") : intsFrom(ctx, 1);
  const std::vector<int64_t> ends = attrs ? ctx.attrInts("ends") : intsFrom(ctx, 2);
  std::vector<int64_t> axes = attrs ? ctx.attrInts("axes") : intsFrom(ctx, 3);
  std::vector<int64_t> steps = attrs ? std::vector<int64_t>{} : intsFrom(ctx, 4);
  const size_t k = starts.size();
  if (axes.empty())
    for (size_t i = 0; i < k; ++i) axes.push_back(static_cast<int64_t>(i));
  if (steps.empty()) steps.assign(k, 1);
  if (ends.size() != k || axes.size() != k || steps.size() != k)
    return ctx.error("starts, ends, axes and steps have different lengths");
  AxisMaps maps = identityMaps(x.dims());
  std::vector<bool> seen(x.rank(), false);
  for (size_t i = 0; i < k; ++i) {
    NNP_ASSIGN_OR_RETURN(size_t a, axisOf(ctx, axes[i], x.rank()));
    if (seen[a]) return ctx.error("axis {} is repeated", axes[i]);
    seen[a] = true;
    if (steps[i] == 0) return ctx.error("step is zero");
    maps[a] = sliceIndices(x.dim(a), starts[i], ends[i], steps[i]);
  }
  gatherAxes(ctx.allocateOutput(0, x.dtype(), dimsOf(maps)), x, maps);
  return Status::ok();
}

Status split(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  NNP_RETURN_IF_ERROR(checkMovable(ctx, x));
  if (x.rank() == 0) return ctx.error("cannot split a scalar");
  NNP_ASSIGN_OR_RETURN(size_t axis, axisOf(ctx, ctx.attrInt("axis"), x.rank()));
  const int64_t dim = x.dim(axis);
  const auto n = static_cast<int64_t>(ctx.numOutputs());
  // Split-1 and Split-13 take the sizes as input 1; Split-2/11 as an attribute.
  const bool fromInput = ctx.opset() < 2 || ctx.opset() >= 13;
  std::vector<int64_t> sizes =
      fromInput ? (ctx.input(1) ? ctx.input(1)->toInt64Vector() : std::vector<int64_t>{})
                : ctx.attrInts("split");
  if (sizes.empty()) {
    // Split-18 allows a smaller last part; earlier versions need equal parts.
    if (n == 0 || (dim % n != 0 && ctx.opset() < 18))
      return ctx.error("axis of size {} does not split evenly into {} outputs", dim, n);
    const int64_t part = (dim + n - 1) / n;
    for (int64_t i = 0; i < n; ++i) sizes.push_back(std::clamp<int64_t>(dim - i * part, 0, part));
  }
  if (static_cast<int64_t>(sizes.size()) != n)
    return ctx.error("split has {} entries for {} outputs", sizes.size(), n);
  int64_t offset = 0;
  for (int64_t s : sizes) {
    if (s < 0 || s > dim - offset)
      return ctx.error("split sizes do not add up to the axis size {}", dim);
    offset += s;
  }
  if (offset != dim)
    return ctx.error("split sizes add up to {}, the axis has size {}", offset, dim);
  AxisMaps maps = identityMaps(x.dims());
  offset = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    maps[axis].clear();
    for (int64_t j = 0; j < sizes[i]; ++j) maps[axis].push_back(offset + j);
    offset += sizes[i];
    if (ctx.wantsOutput(i)) gatherAxes(ctx.allocateOutput(i, x.dtype(), dimsOf(maps)), x, maps);
  }
  return Status::ok();
}

// The input coordinate Pad reads for coordinate i (in input terms, possibly
// outside [0, n)) under `mode`; -1 for the fill value.
int64_t padSource(int64_t i, int64_t n, const std::string& mode) {
  if (i >= 0 && i < n) return i;
  if (mode == "edge") return std::clamp<int64_t>(i, 0, n - 1);
  if (mode == "wrap") return ((i % n) + n) % n;
  if (mode == "reflect") {
    if (n == 1) return 0;
    const int64_t period = 2 * (n - 1);
    const int64_t s = ((i % period) + period) % period;
    return s < n ? s : period - s;
  }
  return -1;
}

Status pad(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  NNP_RETURN_IF_ERROR(checkMovable(ctx, x));
  const std::string mode = ctx.attrString("mode");
  if (mode != "constant" && mode != "reflect" && mode != "edge" && mode != "wrap")
    return ctx.error("unknown mode '{}'", mode);
  // Pad-1 names its attribute `paddings`, Pad-2 `pads`; Pad-11 takes inputs.
  const std::vector<int64_t> pads =
      ctx.opset() < 11 ? ctx.attrInts(ctx.opset() < 2 ? "paddings" : "pads") : intsFrom(ctx, 1);
  std::vector<int64_t> axes =
      ctx.opset() >= 18 && ctx.input(3) ? ctx.input(3)->toInt64Vector() : std::vector<int64_t>{};
  if (axes.empty())
    for (size_t a = 0; a < x.rank(); ++a) axes.push_back(static_cast<int64_t>(a));
  const size_t k = axes.size();
  if (pads.size() != 2 * k)
    return ctx.error("pads has {} entries, expected {}", pads.size(), 2 * k);
  std::vector<int64_t> dims = x.dims();
  std::vector<size_t> padded(k);
  for (size_t i = 0; i < k; ++i) {
    NNP_ASSIGN_OR_RETURN(padded[i], axisOf(ctx, axes[i], x.rank()));
    const int64_t n = x.dim(padded[i]), before = pads[i], after = pads[i + k];
    constexpr int64_t kFar = int64_t{1} << 62;  // keeps -before and the map indices in range
    if (before < -kFar || before > kFar || after < -kFar || after > kFar)
      return ctx.error("padding {}+{} is out of range", before, after);
    const std::optional<int64_t> grown = checkedAdd(n, before);
    const std::optional<int64_t> size = grown ? checkedAdd(*grown, after) : std::nullopt;
    if (!size || *size < 0)
      return ctx.error("padding {}+{} of a dimension of size {} is invalid", before, after, n);
    if (n == 0 && mode != "constant" && *size > 0)
      return ctx.error("cannot {}-pad an empty dimension", mode);
    dims[padded[i]] = *size;
  }
  NNP_ASSIGN_OR_RETURN(RtTensor * sized, allocateSized(ctx, x.dtype(), dims));
  RtTensor& out = *sized;
  if (out.numElements() == 0) return Status::ok();
  AxisMaps maps = identityMaps(x.dims());
  for (size_t i = 0; i < k; ++i) {
    const int64_t n = x.dim(padded[i]), before = pads[i];
    maps[padded[i]].clear();
    for (int64_t j = -before; j < dims[padded[i]] - before; ++j)
      maps[padded[i]].push_back(padSource(j, n, mode));
  }
  const RtTensor* value = ctx.opset() >= 11 ? ctx.input(2) : nullptr;
  if (mode == "constant" && value && value->numElements() > 0) {
    if (value->dtype() != x.dtype()) return ctx.error("constant_value is not of the data's type");
    for (int64_t i = 0; i < out.numElements(); ++i) copyElements(out, i, *value, 0, 1);
  } else if (mode == "constant" && ctx.opset() < 11 && ctx.attrFloat("value") != 0.f) {
    if (!isNumberType(x.dtype()))
      return ctx.unsupported("no fill value for {} data", dtypeName(x.dtype()));
    for (int64_t i = 0; i < out.numElements(); ++i) storeNumber(out, i, ctx.attrFloat("value"));
  }
  gatherAxes(out, x, maps);
  return Status::ok();
}

Status expand(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  NNP_RETURN_IF_ERROR(checkMovable(ctx, x));
  const std::vector<int64_t> shape = ctx.input(1)->toInt64Vector();
  const size_t rank = std::max(shape.size(), x.rank());
  std::vector<int64_t> inDims(rank - x.rank(), 1);
  inDims.insert(inDims.end(), x.dims().begin(), x.dims().end());
  std::vector<int64_t> dims(rank);
  for (size_t a = 0; a < rank; ++a) {
    const int64_t want = a + shape.size() >= rank ? shape[a + shape.size() - rank] : 1;
    const int64_t have = inDims[a];
    if (have != want && have != 1 && want != 1)
      return ctx.error("cannot expand a dimension of size {} to {}", have, want);
    dims[a] = have == 1 ? want : have;
    if (dims[a] < 0) return ctx.error("negative size {} in shape", dims[a]);
  }
  NNP_ASSIGN_OR_RETURN(RtTensor * out, allocateSized(ctx, x.dtype(), dims));
  if (out->numElements() == 0) return Status::ok();
  AxisMaps maps(rank);
  for (size_t a = 0; a < rank; ++a)
    for (int64_t i = 0; i < dims[a]; ++i) maps[a].push_back(inDims[a] == 1 ? 0 : i);
  gatherAxes(*out, x.withDims(inDims), maps);
  return Status::ok();
}

Status tile(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  NNP_RETURN_IF_ERROR(checkMovable(ctx, x));
  const std::vector<int64_t> repeats = ctx.input(1)->toInt64Vector();
  if (repeats.size() != x.rank())
    return ctx.error("repeats has {} entries for rank {}", repeats.size(), x.rank());
  std::vector<int64_t> dims(x.rank());
  for (size_t a = 0; a < x.rank(); ++a) {
    if (repeats[a] < 0) return ctx.error("negative repeat count {}", repeats[a]);
    const std::optional<int64_t> size = checkedMul(x.dim(a), repeats[a]);
    if (!size)
      return ctx.error("{} repeats of a dimension of size {} overflow", repeats[a], x.dim(a));
    dims[a] = *size;
  }
  NNP_ASSIGN_OR_RETURN(RtTensor * out, allocateSized(ctx, x.dtype(), dims));
  if (out->numElements() == 0) return Status::ok();
  AxisMaps maps(x.rank());
  for (size_t a = 0; a < x.rank(); ++a)
    for (int64_t r = 0; r < repeats[a]; ++r)
      for (int64_t i = 0; i < x.dim(a); ++i) maps[a].push_back(i);
  gatherAxes(*out, x, maps);
  return Status::ok();
}

Status compress(KernelContext& ctx) {
  const RtTensor& x0 = *ctx.input(0);
  const RtTensor& cond = *ctx.input(1);
  NNP_RETURN_IF_ERROR(checkMovable(ctx, x0));
  const bool flat = !ctx.node().attrs.getInt("axis");
  const RtTensor x = flat ? x0.withDims({x0.numElements()}) : x0;
  if (x.rank() == 0) return ctx.error("cannot compress a scalar");
  NNP_ASSIGN_OR_RETURN(size_t axis, axisOf(ctx, flat ? 0 : ctx.attrInt("axis"), x.rank()));
  AxisMaps maps = identityMaps(x.dims());
  maps[axis].clear();
  // A condition longer than the axis only counts its first entries.
  for (int64_t i = 0; i < std::min(cond.numElements(), x.dim(axis)); ++i)
    if (cond.intAt(i) != 0) maps[axis].push_back(i);
  gatherAxes(ctx.allocateOutput(0, x.dtype(), dimsOf(maps)), x, maps);
  return Status::ok();
}

Status trilu(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  NNP_RETURN_IF_ERROR(checkMovable(ctx, x));
  if (x.rank() < 2) return ctx.error("input has rank {}, expected at least 2", x.rank());
  const int64_t k = ctx.input(1) && ctx.input(1)->numElements() ? ctx.input(1)->intAt(0) : 0;
  const bool upper = ctx.attrInt("upper") != 0;
  const int64_t rows = x.dim(x.rank() - 2), cols = x.dim(x.rank() - 1);
  RtTensor& out = ctx.allocateOutput(0, x.dtype(), x.dims());
  // Kept: column - row >= k (upper) or <= k (lower); the rest stays zero.
  const int64_t matrices = rows * cols == 0 ? 0 : x.numElements() / (rows * cols);
  for (int64_t m = 0; m < matrices; ++m)
    for (int64_t i = 0; i < rows; ++i) {
      const int64_t from = upper ? std::clamp<int64_t>(i + k, 0, cols) : 0;
      const int64_t to = upper ? cols : std::clamp<int64_t>(i + k + 1, 0, cols);
      const int64_t row = (m * rows + i) * cols;
      copyElements(out, row + from, x, row + from, to - from);
    }
  return Status::ok();
}

Status cumSum(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  if (x.rank() == 0) return ctx.error("input is a scalar");
  if (ctx.input(1)->numElements() != 1) return ctx.error("axis must be a scalar");
  NNP_ASSIGN_OR_RETURN(size_t axis, axisOf(ctx, ctx.input(1)->intAt(0), x.rank()));
  const bool exclusive = ctx.attrInt("exclusive") != 0, reverse = ctx.attrInt("reverse") != 0;
  const int64_t n = x.dim(axis), inner = productOf(x.dims(), axis + 1, x.rank());
  const int64_t outer = productOf(x.dims(), 0, axis);
  const bool known = dispatchNumeric(x.dtype(), [&](auto zero) {
    using T = decltype(zero);
    RtTensor& out = ctx.allocateOutput(0, x.dtype(), x.dims());
    const T* in = x.data<T>();
    T* o = out.data<T>();
    for (int64_t b = 0; b < outer; ++b)
      for (int64_t i = 0; i < inner; ++i) {
        T sum{0};
        for (int64_t s = 0; s < n; ++s) {
          const int64_t at = (b * n + (reverse ? n - 1 - s : s)) * inner + i;
          if (exclusive) o[at] = sum;
          sum = static_cast<T>(sum + in[at]);
          if (!exclusive) o[at] = sum;
        }
      }
  });
  if (!known) return ctx.unsupported("no kernel for {} data", dtypeName(x.dtype()));
  return Status::ok();
}

// DepthToSpace (toSpace) and SpaceToDepth on NCHW: output channel c at
// block offset (i, j) pairs with input channel (i*b + j)*C' + c (DCR, and
// SpaceToDepth) or c*b*b + i*b + j (CRD), C' the channels on the space side.
Status blockRearrange(KernelContext& ctx, bool toSpace) {
  const RtTensor& x = *ctx.input(0);
  NNP_RETURN_IF_ERROR(checkMovable(ctx, x));
  if (x.rank() != 4) return ctx.error("input has rank {}, expected 4", x.rank());
  const int64_t b = ctx.attrInt("blocksize");
  if (b <= 0) return ctx.error("invalid blocksize {}", b);
  const bool crd = toSpace && ctx.attrString("mode") == "CRD";
  const int64_t N = x.dim(0), C = x.dim(1), H = x.dim(2), W = x.dim(3);
  if (toSpace ? C % (b * b) != 0 : H % b != 0 || W % b != 0)
    return ctx.error("shape does not divide by blocksize {}", b);
  // Sizes on the space side: Cs channels of Hs x Ws.
  const int64_t Cs = toSpace ? C / (b * b) : C, Hs = toSpace ? H * b : H, Ws = toSpace ? W * b : W;
  RtTensor& out = ctx.allocateOutput(0, x.dtype(),
                                     toSpace ? std::vector<int64_t>{N, Cs, Hs, Ws}
                                             : std::vector<int64_t>{N, C * b * b, H / b, W / b});
  const int64_t Hd = Hs / b, Wd = Ws / b, Cd = Cs * b * b;  // depth side
  for (int64_t n = 0; n < N; ++n)
    for (int64_t c = 0; c < Cs; ++c)
      for (int64_t h = 0; h < Hs; ++h)
        for (int64_t w = 0; w < Ws; ++w) {
          const int64_t i = h % b, j = w % b;
          const int64_t cd = crd ? c * b * b + i * b + j : (i * b + j) * Cs + c;
          const int64_t space = ((n * Cs + c) * Hs + h) * Ws + w;
          const int64_t depth = ((n * Cd + cd) * Hd + h / b) * Wd + w / b;
          if (toSpace)
            copyElements(out, space, x, depth, 1);
          else
            copyElements(out, depth, x, space, 1);
        }
  return Status::ok();
}

}  // namespace

void registerSliceKernels(KernelRegistry& r) {
  r.add("Slice", slice);
  r.add("Split", split);
  r.add("Pad", pad);
  r.add("Expand", expand);
  r.add("Tile", tile);
  r.add("Compress", compress);
  r.add("Trilu", trilu);
  r.add("CumSum", cumSum);
  r.add("DepthToSpace", [](KernelContext& c) { return blockRearrange(c, true); });
  r.add("SpaceToDepth", [](KernelContext& c) { return blockRearrange(c, false); });
}

}  // namespace nnport::exec
