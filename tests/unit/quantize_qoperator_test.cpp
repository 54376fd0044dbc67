// `--format qoperator`: the QDQ patterns become QLinearConv, QLinearMatMul
// and com.microsoft QLinear ops that the interpreter runs on integer
// kernels; what does not fit stays QDQ and is listed. The contrib kernels
// are checked against the dequantize -> float op -> quantize definition.
#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include "lib/pipeline.h"
#include "quantize/qoperator.h"
#include "tests/unit/pass_test_util.h"
#include "tests/unit/quantize_test_util.h"

using namespace nnport;
using namespace nnport::testing;
namespace fs = std::filesystem;

namespace {

QuantizeSpec qoperatorSpec(const std::string& dir) {
  QuantizeSpec s;
  s.calib = dir;
  s.format = "qoperator";
  return s;
}

Value* u8Constant(Graph& g, const std::string& name, std::vector<uint8_t> v,
                  std::vector<int64_t> dims) {
  return g.addInitializer(
      name, std::make_shared<Tensor>(Tensor::fromVector(DType::UInt8, std::move(dims), v)));
}

Value* scalar(Graph& g, const std::string& name, float v) {
  return g.addInitializer(name, std::make_shared<Tensor>(Tensor::fromVector(
                                    DType::Float32, std::vector<int64_t>{}, std::vector{v})));
}

Value* zero(Graph& g, const std::string& name, uint8_t v) {
  return u8Constant(g, name, {v}, {});
}

// Runs a one-node model of a com.microsoft QLinear op on constant inputs.
std::vector<uint8_t> runContrib(const std::string& op, const std::vector<std::string>& inputs,
                                Model& m, std::vector<Attribute> attrs = {}) {
  m.opsets = {{"", 13}, {kMicrosoftDomain, 1}};
  Graph& g = m.graph;
  std::vector<Value*> ins;
  for (const auto& n : inputs) ins.push_back(g.findValue(n));
  Node* n = g.addNode(op, kMicrosoftDomain, ins, {"y"}, "node");
  for (auto& a : attrs) n->attrs.set(std::move(a));
  g.addOutput(n->output());
  REQUIRE(inferShapes(m));
  auto e = exec::Executor::create(m);
  if (!e) FAIL(e.status().message());
  auto out = (*e)->run({});
  if (!out) FAIL(out.status().message());
  const exec::RtTensor& y = out->front().second;
  REQUIRE(y.dtype() == DType::UInt8);
  return {y.data<uint8_t>(), y.data<uint8_t>() + y.numElements()};
}

// The same model quantized to QOperator and to QDQ form on the same data.
struct BothForms {
  std::unique_ptr<Model> qop, qdq;
  QuantizeOutcome out;  // of the QOperator run
};

template <typename Make>
BothForms quantizeBoth(Make make, const std::string& dir) {
  BothForms f{make(), make(), {}};
  auto out = quantizeInPlace(*f.qop, qoperatorSpec(dir));
  if (!out) FAIL(out.status().message());
  f.out = std::move(*out);
  QuantizeSpec plain = qoperatorSpec(dir);
  plain.format = "qdq";
  REQUIRE(quantizeInPlace(*f.qdq, plain));
  return f;
}

// The largest difference of the two forms' outputs on `probe`, in steps of
// the output's scale.
double stepsApart(const BothForms& f, const exec::RtTensor& probe) {
  const exec::RtTensor a = runOne(*f.qop, probe), b = runOne(*f.qdq, probe);
  const double step = f.out.result.tensors.back().affine.scale;
  double worst = 0;
  for (int64_t i = 0; i < a.numElements(); ++i)
    worst = std::max(worst, std::fabs(a.data<float>()[i] - b.data<float>()[i]) / step);
  return worst;
}

uint8_t quantizeU8(double v, double scale, int zp) {
  return static_cast<uint8_t>(std::clamp(std::nearbyint(v / scale) + zp, 0.0, 255.0));
}

}  // namespace

TEST_CASE("QOperator: convolutions and the residual Add become integer ops", "[quantize]") {
  const BothForms f =
      quantizeBoth([] { return smallCnn(); }, calibDir("qoperator", 8, {1, 3, 8, 8}));
  const Model* m = f.qop.get();
  const QuantizeOutcome* out = &f.out;
  const auto ops = opCounts(*m);
  CHECK(ops.at("QLinearConv") == 3);
  CHECK(ops.at("QLinearAdd") == 1);
  CHECK(ops.count("Conv") == 0);
  // conv1 takes relu1 in; MaxPool stays DQ -> MaxPool -> Q.
  CHECK(ops.at("QuantizeLinear") == 2);    // x and MaxPool's output
  CHECK(ops.at("DequantizeLinear") == 2);  // before MaxPool, and the output
  CHECK(ops.count("Relu") == 0);
  CHECK(out->qoperator.converted.at("QLinearConv") == 3);
  CHECK(m->opsetFor(kMicrosoftDomain) == 1);
  // Relu went into conv1; MaxPool has no integer form and is listed.
  REQUIRE(out->qoperator.kept.size() == 1);
  CHECK(out->qoperator.kept[0].op == "MaxPool");
  CHECK(out->qoperator.kept[0].reason.find("no integer form") != std::string::npos);
  CHECK(m->graph.outputs().front()->name() == "y");
  // Integer kernels against the QDQ model's float emulation: the same grid.
  const exec::RtTensor probe = sampleTensor({1, 3, 8, 8}, 77);
  CHECK(stepsApart(f, probe) <= 1.001);
  const exec::RtTensor a = runOne(*m, probe);
  const exec::RtTensor ref = runOne(*smallCnn(), probe);
  CHECK(sqnrDb(ref, a) > 25);
}

// x[2,4] -> Gemm(W[3,4], b[3], transB) -> Relu -> y[2,3].
std::unique_ptr<Model> smallGemm() {
  auto m = std::make_unique<Model>();
  m->opsets = {{"", 13}};
  Graph& g = m->graph;
  Value* x = g.addInput("x", {DType::Float32, Shape({Dim(2), Dim(4)})});
  Value* w = g.addInitializer("w", floatTensor({3, 4}, randomFloats(12, 11)));
  Value* b = g.addInitializer("b", floatTensor({3}, randomFloats(3, 12, -0.1f, 0.1f)));
  Node* gemm = addNodeWith(g, "Gemm", {x, w, b}, {"g"}, "fc",
                           {Attribute::ofInt("transB", 1), Attribute::ofFloat("beta", 1.0f)});
  Node* relu = addNodeWith(g, "Relu", {gemm->output()}, {"y"}, "relu", {});
  g.addOutput(relu->output());
  g.bindSchemas(m->opsetMap());
  REQUIRE(inferShapes(*m));
  return m;
}

TEST_CASE("QOperator: Gemm becomes com.microsoft QGemm with its Relu folded in", "[quantize]") {
  const BothForms f = quantizeBoth(smallGemm, calibDir("qgemm", 8, {2, 4}));
  const auto ops = opCounts(*f.qop);
  CHECK(ops.at("QGemm") == 1);
  CHECK(ops.count("Relu") == 0);
  const Node* q = f.qop->graph.findNode("fc");
  REQUIRE(q);
  CHECK_FALSE(q->attrs.find("beta"));  // at its default: dropped, QGemm has none
  CHECK(q->attrInt("transB") == 1);
  CHECK(stepsApart(f, sampleTensor({2, 4}, 31)) <= 1.001);
}

TEST_CASE("QOperator models round-trip through ONNX", "[quantize]") {
  const std::string dir = calibDir("qoperator_onnx", 4, {1, 3, 8, 8});
  const fs::path in = fs::temp_directory_path() / "nnport_qop_in.onnx";
  const fs::path outPath = fs::temp_directory_path() / "nnport_qop_out.onnx";
  REQUIRE(saveModel(*smallCnn(), "", in.string(), {}));
  ConvertOptions o;
  o.input.weights = in.string();
  o.output = outPath.string();
  o.quantize = qoperatorSpec(dir);
  auto r = convertModel(o);
  if (!r) FAIL(r.status().message());
  auto back = loadModelFile(outPath.string());
  REQUIRE(back);
  CHECK(opCounts(**back).at("QLinearAdd") == 1);
  auto again = smallCnn();
  REQUIRE(quantizeInPlace(*again, qoperatorSpec(dir)));
  const exec::RtTensor probe = sampleTensor({1, 3, 8, 8}, 6);
  const exec::RtTensor a = runOne(**back, probe), b = runOne(*again, probe);
  for (int64_t i = 0; i < a.numElements(); ++i) CHECK(a.data<float>()[i] == b.data<float>()[i]);
}

TEST_CASE("QOperator keeps a node in QDQ form when its pattern does not fit", "[quantize]") {
  const std::string dir = calibDir("qoperator_excl", 4, {1, 3, 8, 8});
  auto m = smallCnn();
  QuantizeSpec s = qoperatorSpec(dir);
  s.options.exclude = {"add"};  // the Add stays float: conv2 and skip feed a float op
  auto out = quantizeInPlace(*m, s);
  REQUIRE(out);
  const auto ops = opCounts(*m);
  CHECK(ops.at("QLinearConv") == 3);
  CHECK(ops.at("Add") == 1);
  CHECK(ops.count("QLinearAdd") == 0);
}

TEST_CASE("contrib QLinear kernels follow dequantize, op, quantize", "[quantize]") {
  SECTION("QLinearAdd and QLinearMul broadcast") {
    for (const char* op : {"QLinearAdd", "QLinearMul"}) {
      Model m;
      Graph& g = m.graph;
      u8Constant(g, "a", {0, 10, 128, 250}, {2, 2});
      u8Constant(g, "b", {100, 200}, {2});
      scalar(g, "as", 0.05f), zero(g, "az", 128);
      scalar(g, "bs", 0.02f), zero(g, "bz", 150);
      scalar(g, "cs", 0.1f), zero(g, "cz", 100);
      const auto y = runContrib(op, {"a", "as", "az", "b", "bs", "bz", "cs", "cz"}, m);
      const std::vector<int> a{0, 10, 128, 250}, b{100, 200};
      for (size_t i = 0; i < 4; ++i) {
        const double va = 0.05 * (a[i] - 128), vb = 0.02 * (b[i % 2] - 150);
        const double want = std::string(op) == "QLinearAdd" ? va + vb : va * vb;
        CHECK(y[i] == quantizeU8(want, 0.1, 100));
      }
    }
  }
  SECTION("QLinearConcat requantizes each input to the output's grid") {
    Model m;
    Graph& g = m.graph;
    u8Constant(g, "x1", {0, 50, 100, 254}, {1, 2, 2});
    u8Constant(g, "x2", {10, 20}, {1, 1, 2});
    scalar(g, "ys", 0.2f), zero(g, "yz", 10);
    scalar(g, "s1", 0.1f), zero(g, "z1", 0);
    scalar(g, "s2", 0.4f), zero(g, "z2", 5);
    const auto y = runContrib("QLinearConcat", {"ys", "yz", "x1", "s1", "z1", "x2", "s2", "z2"}, m,
                              {Attribute::ofInt("axis", 1)});
    REQUIRE(y.size() == 6);
    CHECK(y[0] == 10);
    CHECK(y[1] == quantizeU8(5.0, 0.2, 10));
    CHECK(y[3] == quantizeU8(25.4, 0.2, 10));
    CHECK(y[4] == quantizeU8(0.4 * 5, 0.2, 10));
    CHECK(y[5] == quantizeU8(0.4 * 15, 0.2, 10));
  }
  SECTION("QLinearGlobalAveragePool, QLinearSigmoid and QLinearLeakyRelu") {
    Model m;
    Graph& g = m.graph;
    u8Constant(g, "x", {0, 40, 80, 121, 200, 255, 128, 128}, {1, 2, 2, 2});
    scalar(g, "xs", 0.05f), zero(g, "xz", 128);
    scalar(g, "ys", 0.01f), zero(g, "yz", 0);
    const auto avg = runContrib("QLinearGlobalAveragePool", {"x", "xs", "xz", "ys", "yz"}, m);
    REQUIRE(avg.size() == 2);
    CHECK(avg[0] == 0);  // mean (0+40+80+121)/4 - 128 < 0 saturates at 0
    CHECK(avg[1] == quantizeU8(0.05 * ((200 + 255 + 128 + 128) / 4.0 - 128), 0.01, 0));
    Model s;
    u8Constant(s.graph, "x", {0, 128, 255}, {3});
    scalar(s.graph, "xs", 0.05f), zero(s.graph, "xz", 128);
    scalar(s.graph, "ys", 1.0f / 256), zero(s.graph, "yz", 0);
    const auto sig = runContrib("QLinearSigmoid", {"x", "xs", "xz", "ys", "yz"}, s);
    for (size_t i = 0; i < 3; ++i) {
      const double v = 0.05 * (std::vector<int>{0, 128, 255}[i] - 128);
      CHECK(sig[i] == quantizeU8(1 / (1 + std::exp(-v)), 1.0 / 256, 0));
    }
    Model l;
    u8Constant(l.graph, "x", {0, 128, 255}, {3});
    scalar(l.graph, "xs", 0.05f), zero(l.graph, "xz", 128);
    scalar(l.graph, "ys", 0.05f), zero(l.graph, "yz", 128);
    const auto leaky = runContrib("QLinearLeakyRelu", {"x", "xs", "xz", "ys", "yz"}, l,
                                  {Attribute::ofFloat("alpha", 0.5f)});
    CHECK(leaky == std::vector<uint8_t>{64, 128, 255});
  }
}
