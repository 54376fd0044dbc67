// libFuzzer harness: arbitrary bytes as an ONNX model, taken through what
// `run`, `optimize` and `convert` do with one: import, the op records'
// checks, the interpreter on small inputs (both kernel sets), the -O2
// passes, and the ONNX export with ONNX's checker and strict inference, all
// under a small memory budget. Most crashes the CLI fuzzing found were in
// the interpreter and inside ONNX's inference, reached only by models that
// load.
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "exec/executor.h"
#include "parsers/onnx/onnx_reader.h"
#include "passes/pass_manager.h"
#include "tests/fuzz/fuzz_util.h"

namespace {

using namespace nnport;

constexpr int64_t kMaxInputElements = 1 << 14;
const std::string kPath = "/nonexistent-nnport-fuzz-dir/model.onnx";

std::unique_ptr<Model> load(const uint8_t* data, size_t size) {
  auto proto = onnxproto::parseModelProto(data, size, kPath);
  if (!proto) return nullptr;
  auto model = onnxproto::importModel(**proto, kPath);
  if (!model) {
    fuzz::trapOnInternal(model.status());
    return nullptr;
  }
  const Status valid = validateModel(**model);
  fuzz::trapOnInternal(valid);
  return valid ? std::move(*model) : nullptr;
}

// Inputs as `nnport run --random-inputs` makes them (symbolic dims 1), with
// small values that also serve as indices; nullopt when one is too big.
std::optional<std::map<std::string, exec::RtTensor>> smallInputs(const exec::Executor& e) {
  std::map<std::string, exec::RtTensor> inputs;
  uint32_t state = 12345;
  auto next = [&state] { return state = state * 1664525u + 1013904223u; };
  for (const Value* v : e.inputs()) {
    std::vector<int64_t> dims;
    for (const Dim& d : v->type.shape.dims()) dims.push_back(d.isStatic() ? d.value : 1);
    if (checkedElementCount(dims).value_or(INT64_MAX) > kMaxInputElements) return std::nullopt;
    const DType dt = v->type.dtype == DType::Undefined ? DType::Float32 : v->type.dtype;
    exec::RtTensor t = exec::RtTensor::allocate(dt, dims);
    for (int64_t i = 0; i < t.numElements(); ++i) {
      const int small = static_cast<int>(next() % 9) - 3;  // -3..5
      switch (dt) {
        case DType::Float32:
          t.data<float>()[i] = static_cast<float>(small) * 0.5f;
          break;
        case DType::Float64:
          t.data<double>()[i] = small * 0.5;
          break;
        case DType::Int64:
          t.data<int64_t>()[i] = small;
          break;
        case DType::Int32:
          t.data<int32_t>()[i] = small;
          break;
        case DType::Int8:
          t.data<int8_t>()[i] = static_cast<int8_t>(small);
          break;
        case DType::UInt8:
        case DType::Bool:
          t.data<uint8_t>()[i] = static_cast<uint8_t>(small & 1);
          break;
        default:
          break;  // zeros
      }
    }
    inputs[v->name()] = std::move(t);
  }
  return inputs;
}

void runWith(const Model& m, exec::KernelSet set) {
  exec::ExecOptions opts;
  opts.kernels = set;
  auto e = exec::Executor::create(m, opts);
  if (!e) {
    fuzz::trapOnInternal(e.status());
    return;
  }
  auto inputs = smallInputs(**e);
  if (!inputs) return;
  for (int run = 0; run < 2; ++run) {  // the second run uses the planned arena
    auto outs = (*e)->run(*inputs);
    if (!outs) fuzz::trapOnInternal(outs.status());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::capMemory();
  std::unique_ptr<Model> m = load(data, size);
  if (!m) return 0;
  (void)fuzz::convertInMemory(*m);
  runWith(*m, exec::KernelSet::Reference);
  runWith(*m, exec::KernelSet::Fast);
  // `nnport optimize`: the default level, then the writer's checks.
  static const std::string level = levelPipeline("O2").value();
  auto pipeline = parsePipeline(level);
  if (!pipeline) return 0;
  auto optimized = runPipeline(*m, *pipeline);
  if (optimized)
    (void)fuzz::convertInMemory(*m);
  else
    fuzz::trapOnInternal(optimized.status());
  return 0;
}
