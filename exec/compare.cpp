// Error statistics between tensors and between two models' runs.
#include "exec/compare.h"

#include <cmath>
#include <limits>

namespace nnport::exec {

ErrorStats compareTensors(const RtTensor& got, const RtTensor& ref) {
  ErrorStats s;
  if (got.dims() != ref.dims()) {
    s.shapeMismatch = true;
    s.maxAbs = s.maxRel = std::numeric_limits<double>::infinity();
    s.cosine = 0;
    return s;
  }
  // Relative error divides by |ref|, floored at 1e-6 of the reference's
  // largest magnitude so exact zeros do not make every error infinite.
  double peak = 0;
  for (int64_t i = 0; i < ref.numElements(); ++i) peak = std::max(peak, std::fabs(ref.floatAt(i)));
  const double floor = std::max(peak * 1e-6, std::numeric_limits<double>::min());
  double dot = 0, ng = 0, nr = 0, noise = 0;
  for (int64_t i = 0; i < ref.numElements(); ++i) {
    const double g = got.floatAt(i), r = ref.floatAt(i);
    const double d = std::fabs(g - r);
    if (std::isnan(g) != std::isnan(r)) s.maxAbs = std::numeric_limits<double>::infinity();
    if (std::isnan(d)) continue;
    s.maxAbs = std::max(s.maxAbs, d);
    s.maxRel = std::max(s.maxRel, d / std::max(std::fabs(r), floor));
    dot += g * r;
    ng += g * g;
    nr += r * r;
    noise += d * d;
  }
  s.cosine = (ng == 0 && nr == 0) ? 1.0 : (ng == 0 || nr == 0 ? 0.0 : dot / std::sqrt(ng * nr));
  s.sqnrDb = noise == 0 ? std::numeric_limits<double>::infinity() : 10.0 * std::log10(nr / noise);
  return s;
}

namespace {

Expected<NamedTensors> runRecording(const Model& m, const std::map<std::string, RtTensor>& inputs,
                                    bool record, ExecOptions opts,
                                    std::vector<std::pair<std::string, RtTensor>>* seen) {
  NNP_ASSIGN_OR_RETURN(std::unique_ptr<Executor> e, Executor::create(m, opts));
  if (record)
    e->setObserver([seen](const Value& v, const RtTensor& t) { seen->emplace_back(v.name(), t); });
  return e->run(inputs);
}

}  // namespace

Expected<ModelComparison> compareModels(const Model& a, const Model& b,
                                        const std::map<std::string, RtTensor>& inputs,
                                        bool perLayer, ExecOptions opts) {
  std::vector<std::pair<std::string, RtTensor>> seenA, seenB;
  NNP_ASSIGN_OR_RETURN(NamedTensors outA, runRecording(a, inputs, perLayer, opts, &seenA));
  NNP_ASSIGN_OR_RETURN(NamedTensors outB, runRecording(b, inputs, perLayer, opts, &seenB));
  ModelComparison c;
  if (outA.size() != outB.size())
    return Status::invalid("the models have {} and {} outputs", outA.size(), outB.size());
  for (size_t i = 0; i < outA.size(); ++i)
    c.outputs.push_back({outA[i].first, compareTensors(outB[i].second, outA[i].second)});
  std::map<std::string, const RtTensor*> inB;
  for (const auto& [name, t] : seenB) inB[name] = &t;
  double prev = 0;
  for (const auto& [name, t] : seenA) {
    auto it = inB.find(name);
    if (it == inB.end() || !isFloat(t.dtype())) continue;
    ErrorStats s = compareTensors(*it->second, t);
    // A jump: the relative error grows tenfold past a floor that rounding stays under.
    if (c.firstJump.empty() && s.maxRel > 1e-3 && s.maxRel > 10 * prev) c.firstJump = name;
    prev = std::max(prev, s.maxRel);
    c.layers.push_back({name, s});
  }
  return c;
}

}  // namespace nnport::exec
