#include "quantize/calibrate.h"

#include "exec/layout.h"

namespace nnport::quant {
namespace {

// The statistics do not depend on the order of the values, so a blocked
// tensor without padding channels is read in its own layout; one with
// padding is converted first (the padding would count as zeros).
void observe(Calibration& c, const std::string& name, const exec::RtTensor& t, bool hist) {
  if (t.dtype() != DType::Float32) return;
  auto it = c.tensors.find(name);
  if (it == c.tensors.end()) return;
  if (t.blocked() && t.dim(1) % t.block() != 0) {
    const exec::RtTensor plain = exec::toPlain(t);
    it->second.add(plain.data<float>(), static_cast<size_t>(plain.numElements()), hist);
    return;
  }
  it->second.add(t.data<float>(), static_cast<size_t>(t.numElements()), hist);
}

}  // namespace

Expected<Calibration> calibrate(const Model& m, const std::set<std::string>& names,
                                const SampleSource& next, const CalibrationOptions& o) {
  Calibration c;
  for (const auto& n : names) c.tensors[n];
  NNP_ASSIGN_OR_RETURN(auto executor, exec::Executor::create(m, o.exec));
  executor->setObserver(
      [&c, &o](const Value& v, const exec::RtTensor& t) { observe(c, v.name(), t, o.histograms); },
      true);
  while (o.maxSamples == 0 || c.samples < o.maxSamples) {
    NNP_ASSIGN_OR_RETURN(std::optional<Sample> sample, next());
    if (!sample) break;
    for (const auto& [name, t] : *sample) observe(c, name, t, o.histograms);
    auto outs = executor->run(*sample);
    if (!outs)
      return Status(outs.status().code(), fmt::format("calibration sample {}: {}", c.samples + 1,
                                                      outs.status().message()));
    ++c.samples;
    if (o.progress) o.progress(c.samples);
  }
  if (c.samples == 0) return Status::invalid("the calibration data holds no sample");
  return c;
}

}  // namespace nnport::quant
