// Permutations and transposed constants.
#include "ir/permutation.h"

#include <algorithm>

#include <cstring>
#include <numeric>

#include "ir/shape_inference.h"

namespace nnport {

bool isPermutation(const Perm& p) {
  std::vector<bool> seen(p.size(), false);
  for (int64_t v : p) {
    if (v < 0 || v >= static_cast<int64_t>(p.size()) || seen[static_cast<size_t>(v)]) return false;
    seen[static_cast<size_t>(v)] = true;
  }
  return true;
}

bool isIdentityPerm(const Perm& p) {
  for (size_t i = 0; i < p.size(); ++i)
    if (p[i] != static_cast<int64_t>(i)) return false;
  return true;
}

Perm inversePerm(const Perm& p) {
  Perm q(p.size());
  for (size_t i = 0; i < p.size(); ++i) q[static_cast<size_t>(p[i])] = static_cast<int64_t>(i);
  return q;
}

Perm composePerms(const Perm& inner, const Perm& outer) {
  Perm c(outer.size());
  for (size_t i = 0; i < c.size(); ++i) c[i] = inner[static_cast<size_t>(outer[i])];
  return c;
}

std::optional<Perm> transposePerm(const Node& t) {
  Perm p = t.attrInts("perm");
  if (p.empty()) {
    const std::optional<size_t> rank = t.input(0) ? knownRank(*t.input(0)) : std::nullopt;
    if (!rank) return std::nullopt;
    p.resize(*rank);
    std::iota(p.rbegin(), p.rend(), 0);
  }
  if (!isPermutation(p)) return std::nullopt;
  return p;
}

std::optional<std::vector<int64_t>> axesBeforeTranspose(const std::vector<int64_t>& axes,
                                                        const Perm& p) {
  std::vector<int64_t> out;
  for (int64_t a : axes) {
    const auto rank = static_cast<int64_t>(p.size());
    if (a < -rank || a >= rank) return std::nullopt;
    out.push_back(p[static_cast<size_t>(a < 0 ? a + rank : a)]);
  }
  return out;
}

std::optional<Perm> permAfterDroppingAxes(const Perm& p, const std::vector<int64_t>& axes) {
  const auto rank = static_cast<int64_t>(p.size());
  std::vector<bool> dropped(p.size(), false);
  for (int64_t a : axes) {
    if (a < -rank || a >= rank) return std::nullopt;
    const auto i = static_cast<size_t>(a < 0 ? a + rank : a);
    if (dropped[i]) return std::nullopt;
    dropped[i] = true;
  }
  // x's kept axes in x's order; the result's axis j is x's axis p[kept y axis j].
  std::vector<int64_t> keptX;
  for (size_t i = 0; i < p.size(); ++i)
    if (!dropped[i]) keptX.push_back(p[i]);
  std::vector<int64_t> sorted = keptX;
  std::sort(sorted.begin(), sorted.end());
  Perm q;
  for (int64_t a : keptX)
    q.push_back(std::lower_bound(sorted.begin(), sorted.end(), a) - sorted.begin());
  return q;
}

Shape transposedShape(const Shape& s, const Perm& p) {
  if (!s.rankKnown() || s.rank() != p.size()) return Shape();
  std::vector<Dim> dims;
  for (int64_t a : p) dims.push_back(s[static_cast<size_t>(a)]);
  return Shape(std::move(dims));
}

TensorPtr transposeConstant(const Tensor& t, const Perm& p) {
  const int bits = dtypeBits(t.dtype());
  if (bits == 0 || bits % 8 != 0 || t.dims().size() > p.size() || !t.validate().isOk())
    return nullptr;
  std::vector<int64_t> dims(p.size() - t.dims().size(), 1);
  dims.insert(dims.end(), t.dims().begin(), t.dims().end());
  const size_t rank = dims.size(), elem = dtypeSize(t.dtype());
  std::vector<int64_t> stride(rank, 1), outDims(rank);
  for (size_t i = rank; i-- > 1;) stride[i - 1] = stride[i] * dims[i];
  for (size_t i = 0; i < rank; ++i) outDims[i] = dims[static_cast<size_t>(p[i])];
  const int64_t n = t.numElements();
  std::vector<uint8_t> bytes(static_cast<size_t>(n) * elem);
  const uint8_t* src = t.rawData();
  // Walk the output in order with an odometer over its index; output dim i
  // steps the input by the stride of input dim p[i].
  std::vector<int64_t> index(rank, 0);
  int64_t from = 0;
  for (int64_t k = 0; k < n; ++k) {
    std::memcpy(bytes.data() + static_cast<size_t>(k) * elem,
                src + static_cast<size_t>(from) * elem, elem);
    for (size_t i = rank; i-- > 0;) {
      const int64_t s = stride[static_cast<size_t>(p[i])];
      if (++index[i] < outDims[i]) {
        from += s;
        break;
      }
      from -= s * (outDims[i] - 1);
      index[i] = 0;
    }
  }
  return std::make_shared<Tensor>(t.dtype(), std::move(outDims), makeOwnedBuffer(std::move(bytes)));
}

std::optional<std::vector<int64_t>> initializerInts(const Value* v) {
  if (!v || !v->isConstant()) return std::nullopt;
  const Tensor& t = *v->initializer();
  if ((t.dtype() != DType::Int64 && t.dtype() != DType::Int32) || !t.validate().isOk())
    return std::nullopt;
  return t.toInt64Vector();
}

TensorPtr intVectorTensor(DType dtype, const std::vector<int64_t>& values) {
  std::vector<int64_t> dims{static_cast<int64_t>(values.size())};
  if (dtype != DType::Int32)
    return std::make_shared<Tensor>(Tensor::fromVector(DType::Int64, std::move(dims), values));
  const std::vector<int32_t> narrow(values.begin(), values.end());
  return std::make_shared<Tensor>(Tensor::fromVector(DType::Int32, std::move(dims), narrow));
}

std::vector<int64_t> padsBeforeTranspose(const std::vector<int64_t>& pads, const Perm& p) {
  const size_t rank = p.size();
  std::vector<int64_t> out(2 * rank);
  for (size_t i = 0; i < rank; ++i) {
    out[static_cast<size_t>(p[i])] = pads[i];
    out[static_cast<size_t>(p[i]) + rank] = pads[i + rank];
  }
  return out;
}

}  // namespace nnport
