// Permutations and transposed constants: a Transpose's resolved perm,
// inverse and composition, axis remapping, and a constant's data transposed.
// Used by the layout passes (push-transposes, merge-transposes) and by the
// parsers that convert NHWC weights.
#pragma once

#include <optional>
#include <vector>

#include "ir/graph.h"

namespace nnport {

using Perm = std::vector<int64_t>;

bool isPermutation(const Perm& p);
bool isIdentityPerm(const Perm& p);
// q with q[p[i]] = i: Transpose(Transpose(x, p), q) == x.
Perm inversePerm(const Perm& p);
// Transpose(Transpose(x, inner), outer) == Transpose(x, c), c[i] = inner[outer[i]].
Perm composePerms(const Perm& inner, const Perm& outer);

// A Transpose node's perm: its attribute, or the reversal of the input's
// dims when absent (rank from the input's type); nullopt when the rank is
// unknown or the attribute is not a permutation.
std::optional<Perm> transposePerm(const Node& t);

// The axes of Transpose(x, p)'s result (negative ones count from the end)
// as axes of x: a -> p[a]. Nullopt when an axis is out of range.
std::optional<std::vector<int64_t>> axesBeforeTranspose(const std::vector<int64_t>& axes,
                                                        const Perm& p);

// Dropping `axes` (of Transpose(x, p)'s result; negative ones count from
// the end) from Transpose(x, p) equals dropping axes p[a] from x and then
// transposing by the returned perm q, of the kept rank: R(Transpose(x, p))
// == Transpose(R'(x), q) for rank-reducing R (Squeeze, keepdims=0
// reductions). Nullopt when an axis is out of range or repeated.
std::optional<Perm> permAfterDroppingAxes(const Perm& p, const std::vector<int64_t>& axes);

// The type of Transpose(v, p): dims[i] = s.dims[p[i]]; unknown rank when
// the rank is unknown or differs from p's.
Shape transposedShape(const Shape& s, const Perm& p);

// `t` transposed by p (out.dims[i] = t.dims[p[i]]), after prepending 1-dims
// up to p's rank (numpy broadcasting aligns ranks on the right). Nullptr for
// element types of less than a byte or none (int4, strings), for data that
// does not match the dims and for a rank above p's.
TensorPtr transposeConstant(const Tensor& t, const Perm& p);

// The integers of an int32/int64 initializer; nullopt otherwise.
std::optional<std::vector<int64_t>> initializerInts(const Value* v);
// A 1-D int32 tensor when `dtype` is int32, else int64.
TensorPtr intVectorTensor(DType dtype, const std::vector<int64_t>& values);
// Pad's pads ([begin of each dim..., end of each dim...]) of Transpose(x,
// p)'s result as pads of x: the pads of dim i move to dim p[i]. Requires
// 2 * rank pads.
std::vector<int64_t> padsBeforeTranspose(const std::vector<int64_t>& pads, const Perm& p);

}  // namespace nnport
