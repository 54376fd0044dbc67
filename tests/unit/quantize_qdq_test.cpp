// Post-training quantization end to end on a small CNN: which nodes are
// quantized, the QDQ form written, the accuracy of every scheme, the
// report, and bad calibration data.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>

#include "lib/pipeline.h"
#include "quantize/plan.h"
#include "support/atomic_file.h"
#include "tests/unit/pass_test_util.h"
#include "tests/unit/quantize_test_util.h"

using namespace nnport;
using namespace nnport::testing;
namespace fs = std::filesystem;

namespace {

QuantizeSpec specFor(const std::string& dir) {
  QuantizeSpec s;
  s.calib = dir;
  return s;
}

}  // namespace

TEST_CASE("the plan quantizes ops with a rule and lists the rest", "[quantize]") {
  auto m = smallCnn();
  quant::QuantizeOptions o;
  o.exclude = {"skip", "MaxPool"};
  auto plan = quant::planQuantization(*m, o);
  REQUIRE(plan);
  std::vector<std::string> names;
  for (const auto& p : plan->nodes) names.push_back(p.node->name());
  CHECK(names == std::vector<std::string>{"conv1", "relu1", "conv2", "add"});
  REQUIRE(plan->kept.size() == 2);
  CHECK(plan->kept[0].reason == "excluded");
  CHECK(plan->tensors.count("x"));
  CHECK(plan->tensors.count("y"));
  CHECK_FALSE(plan->tensors.count("w1"));  // weights are not observed
}

TEST_CASE("QDQ: activations, per-channel weights and int32 biases", "[quantize]") {
  auto m = smallCnn();
  const std::string dir = calibDir("qdq", 8, {1, 3, 8, 8});
  auto out = quantizeInPlace(*m, specFor(dir));
  if (!out) FAIL(out.status().message());
  const auto ops = opCounts(*m);
  // Q/DQ pairs on x, r1, p1, c2, c3, y (c1's is dropped: conv1 -> relu1
  // fuses, the asymmetric grid of r1 starts at 0); DQ for 3 weights and 2
  // biases.
  CHECK(ops.at("QuantizeLinear") == 6);
  CHECK(ops.at("DequantizeLinear") == 11);
  CHECK(m->graph.findNode("relu1")->input(0)->producer()->opType() == "Conv");
  CHECK(out->result.nodes.size() == 6);
  CHECK(out->result.weights == 3);
  const Graph& g = m->graph;
  CHECK(g.outputs().front()->name() == "y");
  CHECK(g.outputs().front()->producer()->opType() == "DequantizeLinear");
  const Value* w1 = g.findValue("w1_quantized");
  REQUIRE(w1);
  CHECK(w1->initializer()->dtype() == DType::Int8);
  REQUIRE(w1->quant);
  CHECK(w1->quant->scales.size() == 8);
  CHECK(w1->quant->axis == 0);
  const Value* b1 = g.findValue("b1_quantized");
  REQUIRE(b1);
  CHECK(b1->initializer()->dtype() == DType::Int32);
  CHECK_FALSE(g.findValue("w1"));  // the float weight is gone
  const Value* xq = g.findValue("x_quantized");
  REQUIRE(xq);
  REQUIRE(xq->quant);
  CHECK(xq->quant->storage == DType::Int8);
  // Per-layer scores: every quantized node plus the output.
  CHECK(out->layers.size() == 6);
  for (const auto& l : out->layers) CHECK(l.sqnrDb > 20);
}

TEST_CASE("every scheme keeps the output close to float", "[quantize]") {
  const std::string dir = calibDir("schemes", 16, {1, 3, 8, 8});
  const exec::RtTensor probe = sampleTensor({1, 3, 8, 8}, 999);
  auto ref = smallCnn();
  const exec::RtTensor expected = runOne(*ref, probe);
  for (const char* act : {"int8", "uint8"})
    for (bool sym : {false, true})
      for (bool perChannel : {true, false})
        for (auto method :
             {quant::CalibMethod::MinMax, quant::CalibMethod::Percentile,
              quant::CalibMethod::Entropy, quant::CalibMethod::Mse, quant::CalibMethod::Ema}) {
          auto m = smallCnn();
          QuantizeSpec s = specFor(dir);
          s.compareSamples = 0;
          s.options.scheme.activation = {*quant::parseQType(act), sym, false};
          s.options.scheme.perChannel = perChannel;
          s.options.method = method;
          s.options.percentile = 99.99;
          auto out = quantizeInPlace(*m, s);
          if (!out) FAIL(out.status().message());
          const double db = sqnrDb(expected, runOne(*m, probe));
          INFO(act << (sym ? " sym" : " asym") << (perChannel ? " per-channel " : " per-tensor ")
                   << quant::methodName(method) << ": " << db << " dB");
          // EMA's range trails the per-sample ranges (constant 0.01): over
          // 16 samples it stays near the first sample's and clips more.
          CHECK(db > (method == quant::CalibMethod::Ema ? 20 : 25));
        }
}

TEST_CASE("quantized models round-trip through ONNX and run the same", "[quantize]") {
  const std::string dir = calibDir("onnx", 4, {1, 3, 8, 8});
  const fs::path in = fs::temp_directory_path() / "nnport_quant_in.onnx";
  const fs::path outPath = fs::temp_directory_path() / "nnport_quant_out.onnx";
  const fs::path report = fs::temp_directory_path() / "nnport_quant_report.json";
  REQUIRE(saveModel(*smallCnn(), "", in.string(), {}));
  ConvertOptions o;
  o.input.weights = in.string();
  o.output = outPath.string();
  o.quantize = specFor(dir);
  o.quantize->reportPath = report.string();
  o.quantize->options.method = quant::CalibMethod::Percentile;
  auto r = convertModel(o);
  if (!r) FAIL(r.status().message());
  REQUIRE(r->quantization);
  auto back = loadModelFile(outPath.string());
  REQUIRE(back);
  CHECK(opCounts(**back).at("QuantizeLinear") == 6);
  auto again = smallCnn();
  REQUIRE(quantizeInPlace(*again, [&] {
    QuantizeSpec s = specFor(dir);
    s.options.method = quant::CalibMethod::Percentile;
    return s;
  }()));
  const exec::RtTensor probe = sampleTensor({1, 3, 8, 8}, 5);
  const exec::RtTensor a = runOne(**back, probe), b = runOne(*again, probe);
  for (int64_t i = 0; i < a.numElements(); ++i) CHECK(a.data<float>()[i] == b.data<float>()[i]);
  auto text = readWholeFile(report.string());
  REQUIRE(text);
  const auto j = nlohmann::json::parse(*text);
  CHECK(j["scheme"]["calib_method"] == "percentile");
  CHECK(j["samples"] == 4);
  CHECK(j["tensors"].size() == 6);  // c1 is fused into relu1's grid
  CHECK(j["layers"].size() == 6);
  CHECK(j["tensors"][0]["clipped_fraction"].is_number());
}

TEST_CASE("a symmetric scheme keeps the Q/DQ pair between a Conv and its Relu", "[quantize]") {
  auto m = smallCnn();
  QuantizeSpec s = specFor(calibDir("sym_relu", 4, {1, 3, 8, 8}));
  s.options.scheme.activation.symmetric = true;
  REQUIRE(quantizeInPlace(*m, s));
  CHECK(opCounts(*m).at("QuantizeLinear") == 7);
  CHECK(m->graph.findNode("relu1")->input(0)->producer()->opType() == "DequantizeLinear");
}

TEST_CASE("excluding a layer keeps it float and is reported", "[quantize]") {
  auto m = smallCnn();
  QuantizeSpec s = specFor(calibDir("exclude", 4, {1, 3, 8, 8}));
  s.options.exclude = {"conv2", "Relu"};
  auto out = quantizeInPlace(*m, s);
  REQUIRE(out);
  CHECK(m->graph.findNode("conv2")->input(1)->name() == "w2");  // still float
  std::vector<std::string> excluded;
  for (const auto& k : out->result.kept)
    if (k.reason == "excluded") excluded.push_back(k.node);
  CHECK(excluded == std::vector<std::string>{"relu1", "conv2"});
}

TEST_CASE("bad calibration data is a one-line error naming the file", "[quantize]") {
  auto check = [](const std::string& dir, const std::string& part) {
    auto m = smallCnn();
    auto out = quantizeInPlace(*m, specFor(dir));
    REQUIRE_FALSE(out);
    INFO(out.status().message());
    CHECK(out.status().code() == ErrorCode::InvalidInput);
    CHECK(out.status().message().find(part) != std::string::npos);
    CHECK(out.status().message().find('\n') == std::string::npos);
  };
  const fs::path empty = fs::temp_directory_path() / "nnport_calib_empty";
  fs::remove_all(empty);
  fs::create_directories(empty);
  check(empty.string(), "no .npy files");
  check((empty / "missing").string(), "must be a directory");
  check(calibDir("wrongshape", 2, {1, 3, 9, 8}), "000.npy: dim 2 is 9");
  const std::string batch = calibDir("badbatch", 1, {3, 3, 8, 8});
  auto m = smallCnn();
  // A batch of 3 along axis 0 for a batch-1 input: three samples.
  QuantizeSpec s = specFor(batch);
  auto out = quantizeInPlace(*m, s);
  REQUIRE(out);
  CHECK(out->samples == 3);
  const fs::path wrongType = fs::temp_directory_path() / "nnport_calib_dtype";
  fs::remove_all(wrongType);
  fs::create_directories(wrongType);
  REQUIRE(writeNpy(exec::RtTensor::allocate(DType::Int64, {1, 3, 8, 8}),
                   (wrongType / "a.npy").string()));
  check(wrongType.string(), "a.npy: dtype i64");
}

TEST_CASE("an already quantized model is refused", "[quantize]") {
  auto m = smallCnn();
  const std::string dir = calibDir("twice", 2, {1, 3, 8, 8});
  REQUIRE(quantizeInPlace(*m, specFor(dir)));
  auto again = quantizeInPlace(*m, specFor(dir));
  REQUIRE_FALSE(again);
  CHECK(again.status().message().find("already holds quantized ops") != std::string::npos);
}
