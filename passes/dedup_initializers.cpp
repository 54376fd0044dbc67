// dedup-initializers: initializers with the same dtype, dims and bytes (and
// quantization parameters) are one constant: readers of a later copy read
// the first and the copy is dropped. Contents are hashed first (a sample of
// large ones) and compared in full only within a hash bucket.
//
// Never merged: initializers that are also graph inputs (the caller may
// override them), graph outputs (their names are the interface), and
// values read by name inside a subgraph.
#include <cstring>
#include <string_view>
#include <unordered_map>

#include "passes/pass.h"

namespace nnport {

namespace {

// Unread initializers are left to dce.
bool mergeable(const Value& v) {
  if (!v.hasUses() || v.isGraphInput() || v.isGraphOutput()) return false;
  for (const Use& u : v.uses())
    if (u.capture) return false;
  const Tensor& t = *v.initializer();
  return t.validate().isOk() && (t.byteSize() == 0 || t.rawBytes());
}

constexpr size_t kFullHashBytes = 64 << 10, kSampleWindow = 256, kSampleWindows = 64;

size_t contentHash(const Tensor& t) {
  size_t h = std::hash<int>{}(static_cast<int>(t.dtype()));
  auto mix = [&h](size_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
  for (int64_t d : t.dims()) mix(std::hash<int64_t>{}(d));
  // Large tensors hash a sample (both ends and 62 windows between): only
  // tensors with equal samples are compared in full, and a memcmp of two
  // different weights stops at their first difference.
  const auto* bytes = reinterpret_cast<const char*>(t.rawBytes());
  const size_t n = t.byteSize();
  auto hashRange = [&](size_t from, size_t len) {
    mix(std::hash<std::string_view>{}(std::string_view(bytes + from, len)));
  };
  if (n <= kFullHashBytes) {
    if (n > 0) hashRange(0, n);
  } else {
    for (size_t i = 0; i < kSampleWindows; ++i)
      hashRange((n - kSampleWindow) / (kSampleWindows - 1) * i, kSampleWindow);
  }
  for (const std::string& s : t.strings()) mix(std::hash<std::string>{}(s));
  return h;
}

bool sameContent(const Value& a, const Value& b) {
  const Tensor& x = *a.initializer();
  const Tensor& y = *b.initializer();
  if (x.dtype() != y.dtype() || x.dims() != y.dims() || x.byteSize() != y.byteSize() ||
      x.strings() != y.strings() || !(a.quant == b.quant))
    return false;
  return x.byteSize() == 0 || std::memcmp(x.rawBytes(), y.rawBytes(), x.byteSize()) == 0;
}

}  // namespace

Expected<PassResult> dedupInitializers(Model& m) {
  PassResult res;
  Graph& g = m.graph;
  std::unordered_multimap<size_t, Value*> seen;
  for (Value* v : g.initializers()) {
    if (!mergeable(*v)) continue;
    const size_t h = contentHash(*v->initializer());
    auto [begin, end] = seen.equal_range(h);
    Value* first = nullptr;
    for (auto it = begin; it != end && !first; ++it)
      if (sameContent(*it->second, *v)) first = it->second;
    if (!first) {
      seen.emplace(h, v);
      continue;
    }
    g.replaceAllUsesWith(v, first);
    v->setInitializer(nullptr);  // now unused and dataless: removed below
    ++res.changes;
  }
  if (res.changes > 0) g.removeUnusedValues(/*keepInitializers=*/true);
  return res;
}

}  // namespace nnport
