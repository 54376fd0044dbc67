// Element type conversion of the reference interpreter, shared by Cast and
// the kernels that write numbers given in another type (Pad's fill value,
// EyeLike's ones). Implemented in cast.cpp.
#pragma once

#include <cstdint>

#include "exec/kernel.h"

namespace nnport::exec {

// IEEE binary16 / bfloat16 bits of f, rounded to nearest even.
uint16_t floatToHalf(float f);
uint16_t floatToBfloat16(float f);

// True for the types convertElements reads and writes as numbers: the
// integer and float types and bool.
bool isNumberType(DType d);

// dst[i] = src[i] converted to dst's type, for tensors with the same element
// count; numbers, bool and strings (parsed or printed).
Status convertElements(const KernelContext& ctx, const RtTensor& src, RtTensor& dst);

// t[i] = v converted to t's type (a number type).
void storeNumber(RtTensor& t, int64_t i, double v);

}  // namespace nnport::exec
