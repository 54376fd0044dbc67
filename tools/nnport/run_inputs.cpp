// --input NAME=FILE and --random-inputs SEED, for `run` and `compare`.
#include "tools/nnport/run_inputs.h"

#include <random>

#include "lib/npy.h"
#include "support/memory_budget.h"

namespace nnport::cli {
namespace {

exec::RtTensor randomTensor(const Value& v, std::mt19937_64& rng) {
  std::vector<int64_t> dims;
  for (const Dim& d : v.type.shape.dims()) dims.push_back(d.isStatic() ? d.value : 1);
  exec::RtTensor t = exec::RtTensor::allocate(v.type.dtype, dims);
  std::uniform_real_distribution<double> uni(-1.0, 1.0);
  std::uniform_int_distribution<int> small(0, 9);
  for (int64_t i = 0; i < t.numElements(); ++i) {
    switch (v.type.dtype) {
      case DType::Float32:
        t.data<float>()[i] = static_cast<float>(uni(rng));
        break;
      case DType::Float64:
        t.data<double>()[i] = uni(rng);
        break;
      case DType::Int64:
        t.data<int64_t>()[i] = small(rng);
        break;
      case DType::Int32:
        t.data<int32_t>()[i] = small(rng);
        break;
      case DType::UInt8:
      case DType::Bool:
        t.data<uint8_t>()[i] = static_cast<uint8_t>(small(rng) & 1);
        break;
      default:
        break;  // zeros
    }
  }
  return t;
}

}  // namespace

Expected<std::map<std::string, exec::RtTensor>> gatherInputs(const InputArgs& a,
                                                             const exec::Executor& e,
                                                             const std::string& model) {
  std::map<std::string, exec::RtTensor> inputs;
  for (const auto& spec : a.inputs) {
    const auto eq = spec.find('=');
    std::string name = eq == std::string::npos ? "" : spec.substr(0, eq);
    const std::string file = eq == std::string::npos ? spec : spec.substr(eq + 1);
    std::string pbName;
    NNP_ASSIGN_OR_RETURN(exec::RtTensor t, readTensorFile(file, &pbName));
    if (name.empty()) name = pbName;
    if (name.empty() && e.inputs().size() == 1) name = e.inputs()[0]->name();
    if (name.empty()) return Status::usage("--input {}: name the input (NAME=FILE)", spec);
    inputs[name] = std::move(t);
  }
  if (a.seed) {
    std::mt19937_64 rng(*a.seed);
    for (const Value* v : e.inputs()) {
      if (inputs.count(v->name())) continue;
      try {
        inputs[v->name()] = randomTensor(*v, rng);
      } catch (const OverBudgetError& err) {
        return err.status().withContext(
            fmt::format("{}: --random-inputs: input '{}'", model, v->name()));
      }
    }
  }
  return inputs;
}

void addInputOptions(CLI::App* c, InputArgs& a) {
  c->add_option("--input", a.inputs, "NAME=FILE (.npy or ONNX TensorProto .pb), repeatable");
  c->add_option("--random-inputs", a.seed, "Fill inputs not given with random data from SEED");
}

}  // namespace nnport::cli
