#include "lib/calib_data.h"

#include <algorithm>
#include <deque>
#include <filesystem>
#include <memory>

#include <fmt/ranges.h>

#include "lib/npy.h"

namespace nnport {
namespace {

namespace fs = std::filesystem;

std::vector<const Value*> modelInputs(const Model& m) {
  std::vector<const Value*> out;
  for (const Value* v : m.graph.inputs())
    if (!v->isConstant()) out.push_back(v);
  return out;
}

Expected<std::vector<std::string>> npyFiles(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return Status::invalid("{}: calibration data must be a directory of .npy files", dir.string());
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".npy" && !fs::is_directory(e.path(), ec))
      files.push_back(e.path().string());
  if (ec) return Status::io("{}: {}", dir.string(), ec.message());
  std::sort(files.begin(), files.end());
  if (files.empty()) return Status::invalid("{}: no .npy files in the directory", dir.string());
  return files;
}

// The file list of every model input, in input order.
Expected<std::vector<std::vector<std::string>>> filesPerInput(const std::string& dir,
                                                              const Model& m) {
  const auto inputs = modelInputs(m);
  if (inputs.empty()) return Status::invalid("the model has no input to calibrate with");
  std::vector<std::vector<std::string>> out;
  if (inputs.size() == 1) {
    NNP_ASSIGN_OR_RETURN(auto files, npyFiles(dir));
    out.push_back(std::move(files));
    return out;
  }
  for (const Value* v : inputs) {
    const fs::path sub = fs::path(dir) / v->name();
    std::error_code ec;
    if (!fs::is_directory(sub, ec))
      return Status::invalid("{}: no data for model input '{}' (expected the directory {})", dir,
                             v->name(), sub.string());
    NNP_ASSIGN_OR_RETURN(auto files, npyFiles(sub));
    if (!out.empty() && files.size() != out.front().size())
      return Status::invalid("{}: {} files for input '{}' but {} for '{}'", dir, files.size(),
                             v->name(), out.front().size(), inputs.front()->name());
    out.push_back(std::move(files));
  }
  return out;
}

// One file as samples for input `v`: checked, batch-split or given a batch dim.
Expected<std::vector<exec::RtTensor>> samplesOf(const std::string& file, const Value& v) {
  NNP_ASSIGN_OR_RETURN(exec::RtTensor t, readNpy(file));
  const TensorType& want = v.type;
  if (want.dtype != DType::Undefined && t.dtype() != want.dtype)
    return Status::invalid("{}: dtype {}, but input '{}' takes {}", file, dtypeName(t.dtype()),
                           v.name(), dtypeName(want.dtype));
  if (!want.shape.rankKnown()) return std::vector<exec::RtTensor>{std::move(t)};
  const size_t rank = want.shape.rank();
  if (t.rank() + 1 == rank) {
    std::vector<int64_t> dims{1};
    dims.insert(dims.end(), t.dims().begin(), t.dims().end());
    t = t.withDims(dims);
  }
  if (t.rank() != rank)
    return Status::invalid("{}: shape [{}] has rank {}, input '{}' has rank {}", file,
                           fmt::join(t.dims(), ","), t.rank(), v.name(), rank);
  for (size_t i = 1; i < rank; ++i)
    if (want.shape[i].isStatic() && want.shape[i].value != t.dim(i))
      return Status::invalid("{}: dim {} is {}, input '{}' has {}", file, i, t.dim(i), v.name(),
                             want.shape[i].value);
  const Dim& batch = want.shape[0];
  if (!batch.isStatic() || batch.value == t.dim(0)) return std::vector<exec::RtTensor>{t};
  if (batch.value <= 0 || t.dim(0) % batch.value != 0)
    return Status::invalid("{}: dim 0 is {}, input '{}' takes batches of {}", file, t.dim(0),
                           v.name(), batch.value);
  std::vector<exec::RtTensor> out;
  const int64_t n = t.dim(0) / batch.value;
  std::vector<int64_t> dims = t.dims();
  dims[0] = batch.value;
  const size_t bytes = t.byteSize() / static_cast<size_t>(n);
  for (int64_t k = 0; k < n; ++k) {
    exec::RtTensor s = exec::RtTensor::allocate(t.dtype(), dims);
    std::copy_n(t.raw() + static_cast<size_t>(k) * bytes, bytes, s.raw());
    out.push_back(std::move(s));
  }
  return out;
}

struct NpySource {
  std::vector<const Value*> inputs;
  std::vector<std::vector<std::string>> files;
  size_t next = 0;                    // the next file of every input
  std::deque<quant::Sample> pending;  // the samples of the files read last

  Status load() {
    std::vector<std::vector<exec::RtTensor>> per;
    for (size_t i = 0; i < inputs.size(); ++i) {
      NNP_ASSIGN_OR_RETURN(auto samples, samplesOf(files[i][next], *inputs[i]));
      if (!per.empty() && samples.size() != per.front().size())
        return Status::invalid("{}: holds {} samples but {} holds {}", files[i][next],
                               samples.size(), files[0][next], per.front().size());
      per.push_back(std::move(samples));
    }
    for (size_t k = 0; k < per.front().size(); ++k) {
      quant::Sample s;
      for (size_t i = 0; i < inputs.size(); ++i) s[inputs[i]->name()] = std::move(per[i][k]);
      pending.push_back(std::move(s));
    }
    ++next;
    return Status::ok();
  }

  Expected<std::optional<quant::Sample>> operator()() {
    while (pending.empty()) {
      if (next >= files.front().size()) return std::optional<quant::Sample>();
      NNP_RETURN_IF_ERROR(load());
    }
    quant::Sample s = std::move(pending.front());
    pending.pop_front();
    return std::optional<quant::Sample>(std::move(s));
  }
};

}  // namespace

Expected<quant::SampleSource> npyCalibrationSource(const std::string& dir, const Model& m) {
  auto src = std::make_shared<NpySource>();
  src->inputs = modelInputs(m);
  NNP_ASSIGN_OR_RETURN(src->files, filesPerInput(dir, m));
  return quant::SampleSource([src] { return (*src)(); });
}

Expected<size_t> countCalibrationFiles(const std::string& dir, const Model& m) {
  NNP_ASSIGN_OR_RETURN(auto files, filesPerInput(dir, m));
  return files.front().size();
}

Expected<std::vector<std::string>> calibrationFiles(const std::string& dir, const Model& m) {
  NNP_ASSIGN_OR_RETURN(auto perInput, filesPerInput(dir, m));
  std::vector<std::string> out;
  for (auto& files : perInput) out.insert(out.end(), files.begin(), files.end());
  return out;
}

}  // namespace nnport
