// Shared plumbing of the oneDNN kernels: the CPU engine and stream, memory
// descriptors for runtime tensors, post-ops for fused activations, and the
// fallback to the reference kernel for cases a fast kernel does not cover.
#pragma once

#include <oneapi/dnnl/dnnl.hpp>

#include "exec/kernel.h"

namespace nnport::exec::fast {

using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

dnnl::engine& engine();
dnnl::stream& stream();

dnnl::memory::dims toDims(const std::vector<int64_t>& v);

// The descriptor of a 4-D float tensor as it is laid out (nchw or nChw8c).
dnnl::memory::desc layoutDesc(const RtTensor& t);
// True when `md` is exactly the plain (block 0) or blocked (block 8)
// layout of `dims`.
bool isLayout(const dnnl::memory::desc& md, const std::vector<int64_t>& dims, int block);

// A oneDNN memory over the tensor's bytes (no copy).
dnnl::memory wrap(const RtTensor& t, const dnnl::memory::desc& md);

// The fused activation as oneDNN post-ops (empty when none).
dnnl::post_ops activationPostOps(const FusedActivation* act);

// Runs the reference kernel of ctx's op on plain copies of any blocked
// inputs, then applies ctx.fused() to output 0.
Status runReference(KernelContext& ctx);

// A oneDNN exception: the reference kernel for a configuration oneDNN does
// not implement or rejects, else an internal error naming the node.
Status dnnlError(KernelContext& ctx, const dnnl::error& e);

}  // namespace nnport::exec::fast
