// Indexed reads and writes: Gather, GatherElements, GatherND, ScatterND,
// ScatterElements and Scatter. Every index is checked against its dimension
// (negative ones count from the end) before any element is read or written.
#include <algorithm>
#include <string>

#include "exec/kernel.h"
#include "exec/kernels/data_util.h"
#include "exec/kernels/elementwise_util.h"

namespace nnport::exec {
namespace {

Expected<size_t> axisOf(const KernelContext& ctx, int64_t axis, size_t rank) {
  const auto r = static_cast<int64_t>(rank);
  if (axis < -r || axis >= r) return ctx.error("axis {} is out of range for rank {}", axis, rank);
  return static_cast<size_t>(axis < 0 ? axis + r : axis);
}

// Index i of `ind` resolved against a dimension of size n.
Expected<int64_t> indexAt(const KernelContext& ctx, const RtTensor& ind, int64_t i, int64_t n) {
  int64_t v = ind.intAt(i);
  if (v < -n || v >= n)
    return ctx.error("index {} is out of range for a dimension of size {}", v, n);
  return v < 0 ? v + n : v;
}

Status checkOperands(const KernelContext& ctx, const RtTensor& data, const RtTensor& ind) {
  if (!isMovable(data.dtype()))
    return ctx.unsupported("no kernel for {} data", dtypeName(data.dtype()));
  if (ind.dtype() != DType::Int32 && ind.dtype() != DType::Int64)
    return ctx.error("indices are {}, expected i32 or i64", dtypeName(ind.dtype()));
  return Status::ok();
}

Status gather(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  const RtTensor& ind = *ctx.input(1);
  NNP_RETURN_IF_ERROR(checkOperands(ctx, x, ind));
  if (x.rank() == 0) return ctx.error("data is a scalar");
  NNP_ASSIGN_OR_RETURN(size_t axis, axisOf(ctx, ctx.attrInt("axis"), x.rank()));
  const int64_t n = x.dim(axis);
  std::vector<int64_t> picked(static_cast<size_t>(ind.numElements()));
  for (int64_t j = 0; j < ind.numElements(); ++j) {
    NNP_ASSIGN_OR_RETURN(picked[static_cast<size_t>(j)], indexAt(ctx, ind, j, n));
  }
  std::vector<int64_t> dims(x.dims().begin(), x.dims().begin() + static_cast<std::ptrdiff_t>(axis));
  dims.insert(dims.end(), ind.dims().begin(), ind.dims().end());
  dims.insert(dims.end(), x.dims().begin() + static_cast<std::ptrdiff_t>(axis) + 1, x.dims().end());
  RtTensor& out = ctx.allocateOutput(0, x.dtype(), dims);
  const int64_t outer = productOf(x.dims(), 0, axis);
  const int64_t inner = productOf(x.dims(), axis + 1, x.rank());
  const auto count = static_cast<int64_t>(picked.size());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < count; ++j)
      copyElements(out, (o * count + j) * inner, x,
                   (o * n + picked[static_cast<size_t>(j)]) * inner, inner);
  return Status::ok();
}

// For every element of `ind` (same rank as data), the data offset it names:
// its own position with the coordinate on `axis` replaced by the index.
Expected<std::vector<int64_t>> elementOffsets(const KernelContext& ctx, const RtTensor& data,
                                              const RtTensor& ind, size_t axis) {
  if (ind.rank() != data.rank())
    return ctx.error("indices have rank {}, data rank {}", ind.rank(), data.rank());
  for (size_t a = 0; a < data.rank(); ++a)
    if (a != axis && ind.dim(a) > data.dim(a))
      return ctx.error("indices dimension {} has size {}, data only {}", a, ind.dim(a),
                       data.dim(a));
  const std::vector<int64_t> strides = stridesOf(data.dims());
  std::vector<int64_t> offsets(static_cast<size_t>(ind.numElements()));
  std::vector<int64_t> pos(ind.rank(), 0);
  for (int64_t i = 0; i < ind.numElements(); ++i, nextIndex(pos, ind.dims())) {
    NNP_ASSIGN_OR_RETURN(int64_t v, indexAt(ctx, ind, i, data.dim(axis)));
    int64_t off = 0;
    for (size_t a = 0; a < pos.size(); ++a) off += (a == axis ? v : pos[a]) * strides[a];
    offsets[static_cast<size_t>(i)] = off;
  }
  return offsets;
}

Status gatherElements(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  const RtTensor& ind = *ctx.input(1);
  NNP_RETURN_IF_ERROR(checkOperands(ctx, x, ind));
  if (x.rank() == 0) return ctx.error("data is a scalar");
  NNP_ASSIGN_OR_RETURN(size_t axis, axisOf(ctx, ctx.attrInt("axis"), x.rank()));
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> offsets, elementOffsets(ctx, x, ind, axis));
  RtTensor& out = ctx.allocateOutput(0, x.dtype(), ind.dims());
  for (size_t i = 0; i < offsets.size(); ++i)
    copyElements(out, static_cast<int64_t>(i), x, offsets[i], 1);
  return Status::ok();
}

// The index tuples of GatherND/ScatterND: indices [..., k] address slices of
// data after its first `batch` dims. Returns, per tuple in order, the data
// offset of its slice; *sliceSize is the elements per slice.
Expected<std::vector<int64_t>> tupleOffsets(const KernelContext& ctx, const RtTensor& data,
                                            const RtTensor& ind, size_t batch, int64_t* sliceSize) {
  const size_t r = data.rank(), q = ind.rank();
  if (q == 0) return ctx.error("indices are a scalar");
  const int64_t k = ind.dim(q - 1);
  if (batch >= std::min(r, q)) return ctx.error("batch_dims {} is out of range", batch);
  if (k < 1 || static_cast<size_t>(k) > r - batch)
    return ctx.error("index tuples of length {} for data of rank {}", k, r);
  for (size_t a = 0; a < batch; ++a)
    if (ind.dim(a) != data.dim(a)) return ctx.error("batch dimension {} differs", a);
  const std::vector<int64_t> strides = stridesOf(data.dims());
  const size_t kk = static_cast<size_t>(k);
  *sliceSize = productOf(data.dims(), batch + kk, r);
  const int64_t batches = productOf(data.dims(), 0, batch);
  const int64_t block = productOf(data.dims(), batch, r);
  const int64_t tuples = ind.numElements() / k;
  const int64_t perBatch = batches ? tuples / batches : 0;
  std::vector<int64_t> offsets(static_cast<size_t>(tuples));
  for (int64_t t = 0; t < tuples; ++t) {
    int64_t off = (perBatch ? t / perBatch : 0) * block;
    for (size_t j = 0; j < kk; ++j) {
      NNP_ASSIGN_OR_RETURN(int64_t v,
                           indexAt(ctx, ind, t * k + static_cast<int64_t>(j), data.dim(batch + j)));
      off += v * strides[batch + j];
    }
    offsets[static_cast<size_t>(t)] = off;
  }
  return offsets;
}

Status gatherND(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  const RtTensor& ind = *ctx.input(1);
  NNP_RETURN_IF_ERROR(checkOperands(ctx, x, ind));
  const int64_t b = ctx.attrInt("batch_dims");
  if (b < 0) return ctx.error("batch_dims {} is negative", b);
  int64_t slice = 0;
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> offsets,
                       tupleOffsets(ctx, x, ind, static_cast<size_t>(b), &slice));
  std::vector<int64_t> dims(ind.dims().begin(), ind.dims().end() - 1);
  dims.insert(dims.end(), x.dims().begin() + b + ind.dims().back(), x.dims().end());
  RtTensor& out = ctx.allocateOutput(0, x.dtype(), dims);
  for (size_t t = 0; t < offsets.size(); ++t)
    copyElements(out, static_cast<int64_t>(t) * slice, x, offsets[t], slice);
  return Status::ok();
}

// Writes updates into out: element u (in order) goes to dest[u / run] + u % run.
Status scatterInto(const KernelContext& ctx, RtTensor& out, const RtTensor& updates,
                   const std::vector<int64_t>& dest, int64_t run, const std::string& reduction) {
  if (reduction == "none") {
    for (size_t i = 0; i < dest.size(); ++i)
      copyElements(out, dest[i], updates, static_cast<int64_t>(i) * run, run);
    return Status::ok();
  }
  if (reduction != "add" && reduction != "mul" && reduction != "max" && reduction != "min")
    return ctx.error("unknown reduction '{}'", reduction);
  const bool ok = dispatchNumeric(out.dtype(), [&](auto zero) {
    using T = decltype(zero);
    T* o = out.data<T>();
    const T* u = updates.data<T>();
    for (size_t i = 0; i < dest.size(); ++i)
      for (int64_t j = 0; j < run; ++j) {
        T& d = o[dest[i] + j];
        const T v = u[static_cast<int64_t>(i) * run + j];
        if (reduction == "add")
          d = static_cast<T>(d + v);
        else if (reduction == "mul")
          d = static_cast<T>(d * v);
        else if (reduction == "max")
          d = std::max(d, v);
        else
          d = std::min(d, v);
      }
  });
  if (!ok) return ctx.unsupported("no {} reduction for {} data", reduction, dtypeName(out.dtype()));
  return Status::ok();
}

Status scatterND(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  const RtTensor& ind = *ctx.input(1);
  const RtTensor& upd = *ctx.input(2);
  NNP_RETURN_IF_ERROR(checkOperands(ctx, x, ind));
  if (upd.dtype() != x.dtype()) return ctx.error("updates and data differ in type");
  int64_t slice = 0;
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> offsets, tupleOffsets(ctx, x, ind, 0, &slice));
  std::vector<int64_t> want(ind.dims().begin(), ind.dims().end() - 1);
  want.insert(want.end(), x.dims().begin() + ind.dims().back(), x.dims().end());
  if (upd.dims() != want) return ctx.error("updates have the wrong shape");
  RtTensor& out = ctx.allocateOutput(0, x.dtype(), x.dims());
  copyElements(out, 0, x, 0, x.numElements());
  return scatterInto(ctx, out, upd, offsets, slice, ctx.attrString("reduction"));
}

Status scatterElements(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  const RtTensor& ind = *ctx.input(1);
  const RtTensor& upd = *ctx.input(2);
  NNP_RETURN_IF_ERROR(checkOperands(ctx, x, ind));
  if (upd.dtype() != x.dtype()) return ctx.error("updates and data differ in type");
  if (upd.dims() != ind.dims()) return ctx.error("updates and indices differ in shape");
  if (x.rank() == 0) return ctx.error("data is a scalar");
  NNP_ASSIGN_OR_RETURN(size_t axis, axisOf(ctx, ctx.attrInt("axis"), x.rank()));
  NNP_ASSIGN_OR_RETURN(std::vector<int64_t> offsets, elementOffsets(ctx, x, ind, axis));
  RtTensor& out = ctx.allocateOutput(0, x.dtype(), x.dims());
  copyElements(out, 0, x, 0, x.numElements());
  // Scatter (deprecated) is ScatterElements without a reduction attribute.
  const std::string reduction =
      ctx.node().declaresAttr("reduction") ? ctx.attrString("reduction") : "none";
  return scatterInto(ctx, out, upd, offsets, 1, reduction);
}

}  // namespace

void registerGatherKernels(KernelRegistry& r) {
  r.add("Gather", gather);
  r.add("GatherElements", gatherElements);
  r.add("GatherND", gatherND);
  r.add("ScatterND", scatterND);
  r.add("ScatterElements", scatterElements);
  r.add("Scatter", scatterElements);
}

}  // namespace nnport::exec
