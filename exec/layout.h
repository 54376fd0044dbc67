// Conversions between the plain row-major layout and the channel-blocked
// one (nChw8c) that the fast convolution kernels keep activations in.
// Plain C++: the executor uses them to hand plain tensors to kernels that
// are not layout-aware, and for graph outputs and observers.
#pragma once

#include "exec/rt_tensor.h"

namespace nnport::exec {

constexpr int kChannelBlock = 8;

// True when the blocked and plain layouts of these dims are the same bytes:
// the channel count is a multiple of the block and the spatial size is 1
// (e.g. the [N, C, 1, 1] output of a global pooling).
bool layoutsCoincide(const std::vector<int64_t>& dims, int block);

// The tensor in the plain layout: itself when already plain, a relabelled
// view when the layouts coincide, else a converted copy.
RtTensor toPlain(const RtTensor& t);

// A 4-D float32 tensor in the blocked layout (copy, padding channels zero;
// a relabelled view when the layouts coincide).
RtTensor toBlocked(const RtTensor& t, int block = kChannelBlock);

// Relabels the same bytes as plain/blocked; only valid when the layouts
// coincide or the caller knows the bytes already are in that layout.
RtTensor relabel(const RtTensor& t, int block);

}  // namespace nnport::exec
