// Einsum: a sum of products over an index space named by the equation's
// labels. Repeated labels within an operand take diagonals, "..." stands
// for broadcast dims (right-aligned across operands), and without "->" the
// output is the ellipsis dims then the labels used once, in ASCII order.
// The kernel walks the output labels, and for each output element the
// summed labels, with per-operand offsets updated incrementally.
#include <algorithm>
#include <string>
#include <type_traits>
#include <vector>

#include "exec/kernels/elementwise_util.h"

namespace nnport::exec {
namespace {

// Letters are labels 0..127 by character code; ellipsis dim j is label
// kEllipsis + j.
constexpr int kEllipsis = 128;

struct EinsumPlan {
  std::vector<int64_t> size;                 // per label (0 when unused)
  std::vector<int> outLabels, sumLabels;     // the loop order
  std::vector<std::vector<int64_t>> stride;  // per operand, per label
};

bool isLabel(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// The labels of one term for an operand of `rank` dims; "..." expands to
// the last `rank - letters` of `ellipsisRank` ellipsis labels.
Expected<std::vector<int>> parseTerm(const KernelContext& ctx, const std::string& term,
                                     int64_t rank, int64_t* ellipsisDims) {
  std::vector<int> labels;
  int64_t letters = 0;
  bool ellipsis = false;
  for (size_t i = 0; i < term.size(); ++i) {
    if (isLabel(term[i])) {
      ++letters;
      continue;
    }
    if (term.compare(i, 3, "...") != 0 || ellipsis)
      return ctx.error("bad term '{}' in the equation", term);
    ellipsis = true;
    i += 2;
  }
  const int64_t extra = rank - letters;
  if (extra < 0 || (!ellipsis && extra != 0))
    return ctx.error("term '{}' does not fit an operand of rank {}", term, rank);
  *ellipsisDims = ellipsis ? extra : 0;
  for (size_t i = 0; i < term.size(); ++i) {
    if (isLabel(term[i])) {
      labels.push_back(static_cast<unsigned char>(term[i]));
      continue;
    }
    for (int64_t j = 0; j < extra; ++j) labels.push_back(-1 - static_cast<int>(j));  // fixed below
    i += 2;
  }
  return labels;
}

std::vector<std::string> splitTerms(const std::string& s) {
  std::vector<std::string> terms(1);
  for (char c : s) {
    if (c == ',')
      terms.emplace_back();
    else
      terms.back() += c;
  }
  return terms;
}

Expected<EinsumPlan> planEinsum(const KernelContext& ctx, const std::vector<const RtTensor*>& ins) {
  std::string eq;
  for (char c : ctx.attrString("equation")) {
    if (c != ' ') eq += c;
  }
  const size_t arrow = eq.find("->");
  const bool explicitOut = arrow != std::string::npos;
  std::vector<std::string> terms = splitTerms(eq.substr(0, arrow));
  if (terms.size() != ins.size())
    return ctx.error("equation '{}' has {} operands, the node {}", eq, terms.size(), ins.size());
  EinsumPlan p;
  p.size.assign(kEllipsis + 64, 0);
  std::vector<int> uses(p.size.size(), 0);
  std::vector<std::vector<int>> opLabels(ins.size());
  std::vector<int64_t> ellDims(ins.size(), 0);
  int64_t ellipsisRank = 0;
  for (size_t k = 0; k < ins.size(); ++k) {
    NNP_ASSIGN_OR_RETURN(
        opLabels[k], parseTerm(ctx, terms[k], static_cast<int64_t>(ins[k]->rank()), &ellDims[k]));
    ellipsisRank = std::max(ellipsisRank, ellDims[k]);
  }
  if (ellipsisRank > 64) return ctx.error("too many ellipsis dims");
  p.stride.assign(ins.size(), std::vector<int64_t>(p.size.size(), 0));
  std::vector<uint8_t> known(p.size.size(), 0);
  for (size_t k = 0; k < ins.size(); ++k) {
    std::vector<int64_t> seen(p.size.size(), -1);  // this operand's size per label
    int64_t dimStride = 1;
    for (size_t d = opLabels[k].size(); d-- > 0;) {
      int& l = opLabels[k][d];
      if (l < 0) l = kEllipsis + static_cast<int>(ellipsisRank - ellDims[k]) + (-1 - l);
      const int64_t n = ins[k]->dim(d);
      if (seen[l] >= 0 && seen[l] != n)
        return ctx.error("label '{}' has sizes {} and {} in one operand", terms[k], seen[l], n);
      ++uses[l];  // "ii" uses i twice: implicit output drops it (a trace)
      seen[l] = n;
      if (known[l] && p.size[l] != n && p.size[l] != 1 && n != 1)
        return ctx.error("operand {} has size {} where others have {}", k, n, p.size[l]);
      if (!known[l] || p.size[l] == 1) p.size[l] = n;
      known[l] = 1;
      p.stride[k][l] += dimStride;
      dimStride *= n;
    }
    // A size-1 dim broadcasts: it reads the same element at every index.
    for (size_t l = 0; l < seen.size(); ++l)
      if (seen[l] == 1) p.stride[k][l] = 0;
  }
  std::vector<uint8_t> inOutput(p.size.size(), 0);
  if (explicitOut) {
    const std::string out = eq.substr(arrow + 2);
    for (size_t i = 0; i < out.size(); ++i) {
      if (out.compare(i, 3, "...") == 0) {
        for (int64_t j = 0; j < ellipsisRank; ++j)
          p.outLabels.push_back(kEllipsis + static_cast<int>(j));
        i += 2;
        continue;
      }
      const int l = static_cast<unsigned char>(out[i]);
      if (!isLabel(out[i]) || !known[l] || inOutput[l])
        return ctx.error("bad output term '{}'", out);
      p.outLabels.push_back(l);
      inOutput[l] = 1;
    }
  } else {
    for (int64_t j = 0; j < ellipsisRank; ++j)
      p.outLabels.push_back(kEllipsis + static_cast<int>(j));
    for (int l = 0; l < kEllipsis; ++l)
      if (uses[l] == 1) p.outLabels.push_back(l);
  }
  for (int l : p.outLabels) inOutput[l] = 1;
  for (size_t l = 0; l < known.size(); ++l)
    if (known[l] && !inOutput[l]) p.sumLabels.push_back(static_cast<int>(l));
  return p;
}

// Advances the multi-index over `labels`, keeping each operand's offset in
// step; false once it wraps around.
bool advance(const EinsumPlan& p, const std::vector<int>& labels, std::vector<int64_t>& idx,
             std::vector<int64_t>& off) {
  for (size_t i = labels.size(); i-- > 0;) {
    const int l = labels[i];
    for (size_t k = 0; k < off.size(); ++k) off[k] += p.stride[k][l];
    if (++idx[i] < p.size[l]) return true;
    for (size_t k = 0; k < off.size(); ++k) off[k] -= p.stride[k][l] * p.size[l];
    idx[i] = 0;
  }
  return false;
}

template <typename T>
using EinsumAcc = std::conditional_t<std::is_floating_point_v<T>, double,
                                     std::conditional_t<std::is_signed_v<T>, int64_t, uint64_t>>;

// The innermost summed label runs as a strided loop; the others through
// advance().
template <typename T>
void runEinsum(const EinsumPlan& p, const std::vector<const T*>& x, T* y, int64_t outCount) {
  using Acc = EinsumAcc<T>;
  std::vector<int> outer = p.sumLabels;
  int64_t innerSize = 1;
  std::vector<int64_t> innerStride(x.size(), 0);
  if (!outer.empty()) {
    const int l = outer.back();
    outer.pop_back();
    innerSize = p.size[l];
    for (size_t k = 0; k < x.size(); ++k) innerStride[k] = p.stride[k][l];
  }
  std::vector<int64_t> outIdx(p.outLabels.size(), 0), sumIdx(outer.size(), 0);
  std::vector<int64_t> off(x.size(), 0);
  for (int64_t o = 0; o < outCount; ++o) {
    Acc sum = 0;
    do {
      for (int64_t j = 0; j < innerSize; ++j) {
        Acc prod = 1;
        for (size_t k = 0; k < x.size(); ++k)
          prod *= static_cast<Acc>(x[k][off[k] + j * innerStride[k]]);
        sum += prod;
      }
    } while (advance(p, outer, sumIdx, off));
    y[o] = static_cast<T>(sum);
    advance(p, p.outLabels, outIdx, off);
  }
}

Status einsum(KernelContext& ctx) {
  std::vector<const RtTensor*> ins;
  for (size_t i = 0; i < ctx.numInputs(); ++i) {
    if (!ctx.input(i)) return ctx.error("input {} is missing", i);
    ins.push_back(ctx.input(i));
  }
  if (ins.empty()) return ctx.error("needs at least one input");
  for (const RtTensor* t : ins)
    if (t->dtype() != ins[0]->dtype()) return ctx.error("inputs differ in type");
  NNP_ASSIGN_OR_RETURN(EinsumPlan p, planEinsum(ctx, ins));
  std::vector<int64_t> dims;
  for (int l : p.outLabels) dims.push_back(p.size[l]);
  RtTensor& y = ctx.allocateOutput(0, ins[0]->dtype(), dims);
  for (int l : p.sumLabels)
    if (p.size[l] == 0) return Status::ok();  // empty sums: zeros
  if (!dispatchNumeric(ins[0]->dtype(), [&](auto t) {
        using T = decltype(t);
        std::vector<const T*> x;
        for (const RtTensor* in : ins) x.push_back(in->data<T>());
        runEinsum<T>(p, x, y.data<T>(), y.numElements());
      }))
    return ctx.unsupported("no kernel for {} inputs", dtypeName(ins[0]->dtype()));
  return Status::ok();
}

}  // namespace

void registerEinsumKernels(KernelRegistry& r) {
  r.add("Einsum", einsum);
}

}  // namespace nnport::exec
