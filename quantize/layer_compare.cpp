#include "quantize/layer_compare.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace nnport::quant {
namespace {

struct Sums {
  double signal = 0, noise = 0, dot = 0, a2 = 0, b2 = 0, maxAbs = 0;
  void add(const float* a, const float* b, size_t n) {
    for (size_t i = 0; i < n; ++i) {
      const double x = a[i], y = b[i], d = x - y;
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      signal += x * x, noise += d * d, dot += x * y, a2 += x * x, b2 += y * y;
      maxAbs = std::max(maxAbs, std::fabs(d));
    }
  }
  double sqnr() const {
    if (noise <= 0) return std::numeric_limits<double>::infinity();
    if (signal <= 0) return -std::numeric_limits<double>::infinity();
    return 10.0 * std::log10(signal / noise);
  }
  double cosine() const { return a2 > 0 && b2 > 0 ? dot / std::sqrt(a2 * b2) : 1.0; }
};

bool comparable(const exec::RtTensor& a, const exec::RtTensor& b) {
  return a.dtype() == DType::Float32 && b.dtype() == DType::Float32 && a.dims() == b.dims() &&
         !a.blocked() && !b.blocked();
}

}  // namespace

Expected<std::vector<LayerScore>> compareLayers(const Model& floatModel, const Model& quantized,
                                                const std::vector<CompareTarget>& targets,
                                                const SampleSource& next, size_t count) {
  std::unordered_map<std::string, size_t> index;
  std::vector<LayerScore> scores;
  std::vector<Sums> sums;
  for (const auto& t : targets) {
    index[t.tensor] = scores.size();
    scores.push_back({t.tensor, t.node, t.op});
  }
  for (const Value* v : floatModel.graph.outputs()) {
    if (index.count(v->name())) {
      scores[index[v->name()]].output = true;
      continue;
    }
    index[v->name()] = scores.size();
    const Node* p = v->producer();
    scores.push_back({v->name(), p ? p->name() : "", p ? p->opType() : "", 0, 0, 0, true});
  }
  sums.resize(scores.size());
  exec::ExecOptions eo;
  NNP_ASSIGN_OR_RETURN(auto fexec, exec::Executor::create(floatModel, eo));
  NNP_ASSIGN_OR_RETURN(auto qexec, exec::Executor::create(quantized, eo));
  std::unordered_map<std::string, exec::RtTensor> reference;
  fexec->setObserver([&](const Value& v, const exec::RtTensor& t) {
    if (index.count(v.name())) reference[v.name()] = exec::RtTensor::copyOf(t.toTensor());
  });
  qexec->setObserver([&](const Value& v, const exec::RtTensor& t) {
    auto it = index.find(v.name());
    auto ref = reference.find(v.name());
    if (it == index.end() || ref == reference.end() || !comparable(ref->second, t)) return;
    sums[it->second].add(ref->second.data<float>(), t.data<float>(),
                         static_cast<size_t>(t.numElements()));
  });
  for (size_t k = 0; k < count; ++k) {
    NNP_ASSIGN_OR_RETURN(std::optional<Sample> s, next());
    if (!s) break;
    reference.clear();
    NNP_RETURN_IF_ERROR(fexec->run(*s).status());
    NNP_RETURN_IF_ERROR(qexec->run(*s).status());
  }
  for (size_t i = 0; i < scores.size(); ++i) {
    scores[i].sqnrDb = sums[i].sqnr();
    scores[i].cosine = sums[i].cosine();
    scores[i].maxAbsError = sums[i].maxAbs;
  }
  std::stable_sort(scores.begin(), scores.end(),
                   [](const LayerScore& a, const LayerScore& b) { return a.sqnrDb < b.sqnrDb; });
  return scores;
}

}  // namespace nnport::quant
