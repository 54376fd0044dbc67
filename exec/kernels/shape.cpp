// Kernels that only move or relabel data: Identity, Dropout (inference),
// Constant, Reshape, Flatten, Squeeze, Unsqueeze, Shape, Transpose, Concat.
#include <algorithm>
#include <cstring>

#include "exec/kernel.h"
#include "exec/kernels/axes_util.h"
#include "support/checked_math.h"

namespace nnport::exec {
namespace {

// Shape's start/end: negative counts from the end, then clamped to [0, rank].
int64_t clampedAxis(int64_t axis, int64_t rank) {
  if (axis < 0) axis = axis < -rank ? 0 : axis + rank;
  return std::min(axis, rank);
}

Status identity(KernelContext& ctx) {
  ctx.setOutput(0, *ctx.input(0));
  return Status::ok();
}

Status dropout(KernelContext& ctx) {
  const RtTensor* training = ctx.input(2);
  if (training && training->numElements() && training->intAt(0) != 0)
    return ctx.unsupported("training-mode Dropout is random; the interpreter runs inference only");
  ctx.setOutput(0, *ctx.input(0));
  if (ctx.wantsOutput(1)) {
    RtTensor& mask = ctx.allocateOutput(1, DType::Bool, ctx.input(0)->dims());
    std::fill(mask.raw(), mask.raw() + mask.byteSize(), uint8_t{1});
  }
  return Status::ok();
}

Status constant(KernelContext& ctx) {
  if (TensorPtr t = ctx.node().attrs.getTensor("value")) {
    ctx.setOutput(0, RtTensor::view(t));
    return Status::ok();
  }
  const AttributeMap& a = ctx.node().attrs;
  if (auto f = a.getFloat("value_float")) {
    ctx.allocateOutput(0, DType::Float32, {}).data<float>()[0] = *f;
  } else if (auto i = a.getInt("value_int")) {
    ctx.allocateOutput(0, DType::Int64, {}).data<int64_t>()[0] = *i;
  } else if (auto fs = a.getFloats("value_floats")) {
    RtTensor& o = ctx.allocateOutput(0, DType::Float32, {static_cast<int64_t>(fs->size())});
    std::copy(fs->begin(), fs->end(), o.data<float>());
  } else if (auto is = a.getInts("value_ints")) {
    RtTensor& o = ctx.allocateOutput(0, DType::Int64, {static_cast<int64_t>(is->size())});
    std::copy(is->begin(), is->end(), o.data<int64_t>());
  } else {
    return ctx.unsupported("this Constant form is not supported by the interpreter");
  }
  return Status::ok();
}

Status reshape(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  std::vector<int64_t> shape = ctx.input(1) ? ctx.input(1)->toInt64Vector() : ctx.attrInts("shape");
  const bool allowZero = ctx.attrInt("allowzero") != 0;
  int64_t known = 1, inferAt = -1;
  if (shape.size() > kMaxKernelRank) return ctx.error("shape has {} entries", shape.size());
  for (size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == 0 && !allowZero) {
      if (i >= x.rank()) return ctx.error("shape copies dim {} of a rank-{} input", i, x.rank());
      shape[i] = x.dim(i);
    }
    if (shape[i] == -1) {
      if (inferAt >= 0) return ctx.error("shape has more than one -1");
      inferAt = static_cast<int64_t>(i);
    } else if (shape[i] < 0) {
      return ctx.error("negative size {} in shape", shape[i]);
    } else if (!checkedMul(known, shape[i])) {
      return ctx.error("the requested shape has more elements than can be counted");
    } else {
      known *= shape[i];
    }
  }
  if (inferAt >= 0) shape[static_cast<size_t>(inferAt)] = known ? x.numElements() / known : 0;
  if (checkedElementCount(shape).value_or(-1) != x.numElements())
    return ctx.error("cannot reshape {} elements to the requested shape", x.numElements());
  ctx.setOutput(0, x.withDims(shape));
  return Status::ok();
}

Status flatten(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  const int64_t rank = static_cast<int64_t>(x.rank()), at = ctx.attrInt("axis");
  if (at < -rank || at > rank) return ctx.error("axis {} is out of range for rank {}", at, rank);
  const int64_t axis = at < 0 ? at + rank : at;
  int64_t outer = 1;
  for (int64_t i = 0; i < axis; ++i) outer *= x.dim(static_cast<size_t>(i));
  ctx.setOutput(0, x.withDims({outer, outer ? x.numElements() / outer : 0}));
  return Status::ok();
}

std::vector<int64_t> axesOf(KernelContext& ctx, size_t inputIndex) {
  if (ctx.input(inputIndex)) return ctx.input(inputIndex)->toInt64Vector();
  return ctx.attrInts("axes");
}

Status squeeze(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  const int64_t rank = static_cast<int64_t>(x.rank());
  std::vector<int64_t> axes = axesOf(ctx, 1);
  std::optional<std::vector<bool>> drop = axesMask(axes, rank);
  if (!drop) return ctx.error("axes are out of range for rank {} or repeated", rank);
  std::vector<int64_t> dims;
  for (size_t i = 0; i < x.rank(); ++i) {
    if (!axes.empty() && (*drop)[i] && x.dim(i) != 1)
      return ctx.error("cannot squeeze axis {} of size {}", i, x.dim(i));
    const bool squeeze = axes.empty() ? x.dim(i) == 1 : (*drop)[i];
    if (!squeeze) dims.push_back(x.dim(i));
  }
  ctx.setOutput(0, x.withDims(dims));
  return Status::ok();
}

Status unsqueeze(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  std::vector<int64_t> axes = axesOf(ctx, 1);
  if (axes.size() > kMaxKernelRank) return ctx.error("{} axes to insert", axes.size());
  const int64_t outRank = static_cast<int64_t>(x.rank() + axes.size());
  std::optional<std::vector<bool>> inserted = axesMask(axes, outRank);
  if (!inserted) return ctx.error("axes are out of range for rank {} or repeated", outRank);
  std::vector<int64_t> dims;
  size_t next = 0;
  for (int64_t i = 0; i < outRank; ++i)
    dims.push_back((*inserted)[static_cast<size_t>(i)] ? 1 : x.dim(next++));
  ctx.setOutput(0, x.withDims(dims));
  return Status::ok();
}

Status shapeOf(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  const int64_t rank = static_cast<int64_t>(x.rank());
  const int64_t start = clampedAxis(ctx.attrInt("start"), rank);
  const int64_t end = ctx.node().attrs.getInt("end") ? clampedAxis(ctx.attrInt("end"), rank) : rank;
  RtTensor& o = ctx.allocateOutput(0, DType::Int64, {std::max<int64_t>(end - start, 0)});
  for (int64_t i = start; i < end; ++i)
    o.data<int64_t>()[i - start] = x.dim(static_cast<size_t>(i));
  return Status::ok();
}

Status transpose(KernelContext& ctx) {
  const RtTensor& x = *ctx.input(0);
  const size_t rank = x.rank();
  std::vector<int64_t> perm = ctx.attrInts("perm");
  if (perm.empty())
    for (size_t i = 0; i < rank; ++i) perm.push_back(static_cast<int64_t>(rank - 1 - i));
  if (perm.size() != rank)
    return ctx.error("perm has {} entries for a rank-{} input", perm.size(), rank);
  std::vector<bool> seen(rank, false);
  for (int64_t p : perm) {
    if (p < 0 || p >= static_cast<int64_t>(rank) || seen[static_cast<size_t>(p)])
      return ctx.error("perm is not a permutation of 0..{}", rank - 1);
    seen[static_cast<size_t>(p)] = true;
  }
  std::vector<int64_t> outDims(rank), inStrides(rank, 1);
  for (size_t i = rank; i-- > 1;) inStrides[i - 1] = inStrides[i] * x.dim(i);
  for (size_t i = 0; i < rank; ++i) outDims[i] = x.dim(static_cast<size_t>(perm[i]));
  const size_t width = dtypeSize(x.dtype());
  if (!width) return ctx.unsupported("no kernel for {} data", dtypeName(x.dtype()));
  RtTensor& out = ctx.allocateOutput(0, x.dtype(), outDims);
  std::vector<int64_t> counter(rank, 0);
  int64_t src = 0;
  for (int64_t i = 0; i < out.numElements(); ++i) {
    std::memcpy(out.raw() + i * width, x.raw() + src * width, width);
    for (size_t a = rank; a-- > 0;) {
      const int64_t stride = inStrides[static_cast<size_t>(perm[a])];
      src += stride;
      if (++counter[a] < outDims[a]) break;
      src -= stride * outDims[a];
      counter[a] = 0;
    }
  }
  return Status::ok();
}

Status concat(KernelContext& ctx) {
  std::vector<const RtTensor*> ins;
  for (size_t i = 0; i < ctx.numInputs(); ++i)
    if (ctx.input(i)) ins.push_back(ctx.input(i));
  if (ins.empty()) return ctx.error("no inputs to concatenate");
  const RtTensor& first = *ins[0];
  const int64_t rank = static_cast<int64_t>(first.rank());
  const std::optional<int64_t> at = normalizedAxis(ctx.attrInt("axis"), rank);
  if (!at) return ctx.error("axis {} is out of range for rank {}", ctx.attrInt("axis"), rank);
  const size_t axis = static_cast<size_t>(*at);
  std::vector<int64_t> dims = first.dims();
  dims[axis] = 0;
  for (const RtTensor* t : ins) {
    if (t->rank() != first.rank() || t->dtype() != first.dtype())
      return ctx.error("inputs differ in rank or type");
    for (size_t i = 0; i < t->rank(); ++i)
      if (i != axis && t->dim(i) != first.dim(i))
        return ctx.error("inputs differ in dim {} ({} and {})", i, first.dim(i), t->dim(i));
    dims[axis] += t->dim(axis);
  }
  const size_t width = dtypeSize(first.dtype());
  if (!width) return ctx.unsupported("no kernel for {} data", dtypeName(first.dtype()));
  RtTensor& out = ctx.allocateOutput(0, first.dtype(), dims);
  int64_t outer = 1;
  for (size_t i = 0; i < axis; ++i) outer *= dims[i];
  size_t written = 0;
  for (int64_t o = 0; o < outer; ++o)
    for (const RtTensor* t : ins) {
      const size_t chunk = static_cast<size_t>(outer ? t->numElements() / outer : 0) * width;
      std::memcpy(out.raw() + written, t->raw() + static_cast<size_t>(o) * chunk, chunk);
      written += chunk;
    }
  return Status::ok();
}

}  // namespace

void registerShapeKernels(KernelRegistry& r) {
  r.add("Identity", identity);
  r.add("Dropout", dropout);
  r.add("Constant", constant);
  r.add("Reshape", reshape);
  r.add("Flatten", flatten);
  r.add("Squeeze", squeeze);
  r.add("Unsqueeze", unsqueeze);
  r.add("Shape", shapeOf);
  r.add("Transpose", transpose);
  r.add("Concat", concat);
}

}  // namespace nnport::exec
