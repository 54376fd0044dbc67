// fuse-activations: the IR-level fused activation (ir/fused_activation.h),
// its interpretation by both kernel sets, its write-back as standard ONNX
// nodes and the refusals it causes in the other fusion passes.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "exec/executor.h"
#include "ir/fused_activation.h"
#include "ir/ops/registry.h"
#include "lib/pipeline.h"
#include "tests/unit/pass_test_util.h"

using namespace nnport;
using namespace nnport::testing;

namespace {

exec::RtTensor runFirst(const Model& m, exec::KernelSet k, const std::vector<int64_t>& dims) {
  auto e = exec::Executor::create(m, {k, 1});
  if (!e) FAIL(e.status().message());
  auto r = (*e)->run({{"x", exec::RtTensor::copyOf(*randomFloats(dims, 7, -3.f, 3.f))}});
  if (!r) FAIL(r.status().message());
  return r->at(0).second;
}

void requireClose(const exec::RtTensor& a, const exec::RtTensor& b) {
  REQUIRE(a.dims() == b.dims());
  double scale = 0, diff = 0;
  for (int64_t i = 0; i < a.numElements(); ++i) {
    scale = std::max(scale, std::fabs(b.floatAt(i)));
    diff = std::max(diff, std::fabs(a.floatAt(i) - b.floatAt(i)));
  }
  CHECK(scale > 0);
  CHECK(diff <= 1e-5 * scale);
}

// Fuses, requires `fusedOp` on the Conv/Gemm and no other node left but
// `others`, and the same outputs from both kernel sets before and after.
std::unique_ptr<Model> fuseAndCompare(const std::string& text, const std::string& fusedOp,
                                      size_t nodesAfter, const std::vector<int64_t>& dims) {
  auto m = parseModelText(text);
  if (!m) FAIL(m.status().message());
  const exec::RtTensor before = runFirst(**m, exec::KernelSet::Reference, dims);
  PassReport r = runPasses(**m, "fuse-activations,dce");
  CHECK(r.passes.at(0).changes == 1);
  CHECK((*m)->graph.numNodes() == nodesAfter);
  const Node* fused = (*m)->graph.findNode("p");
  REQUIRE(fused);
  auto act = fusedActivation(*fused);
  REQUIRE(act);
  REQUIRE(*act);
  CHECK((*act)->op == fusedOp);
  requireClose(runFirst(**m, exec::KernelSet::Reference, dims), before);
  requireClose(runFirst(**m, exec::KernelSet::Fast, dims), before);
  return std::move(*m);
}

const char* kConvRelu6 = R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,6,6]) -> (%y: f32[1,4,6,6]) {
  %w = const f32[4,3,3,3]
  %lo = const f32[] [0.0]
  %hi = const f32[] [0.5]
  %c = Conv(%x, %w) {pads=[1,1,1,1]} : f32[1,4,6,6]  # p
  %y = Clip(%c, %lo, %hi) : f32[1,4,6,6]  # clip
}
)";

const char* kGemmSwish = R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[2,5]) -> (%z: f32[2,3]) {
  %w = const f32[5,3]
  %c = Gemm(%x, %w) : f32[2,3]  # p
  %s = Sigmoid(%c) : f32[2,3]  # sig
  %y = Mul(%s, %c) : f32[2,3]  # mul
  %z = Relu(%y) : f32[2,3]  # r
}
)";

}  // namespace

TEST_CASE("fuse-activations stores the activation on the Conv and both kernel sets apply it",
          "[passes]") {
  requireRewrite(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,6,6]) -> (%y: f32[1,4,4,4]) {
  %w = const f32[4,3,3,3]
  %c = Conv(%x, %w) : f32[1,4,4,4]  # p
  %y = LeakyRelu(%c) {alpha=0.2} : f32[1,4,4,4]  # lr
}
)",
                 "fuse-activations,dce", R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,6,6]) -> (%y: f32[1,4,4,4]) {
  %w = const f32[4,3,3,3]
  %y = Conv(%x, %w) {nnport.activation="LeakyRelu", nnport.activation_params=[0.2]} : f32[1,4,4,4]  # p
}
)");
  auto m = fuseAndCompare(kConvRelu6, "Clip", 1, {1, 3, 6, 6});
  auto act = fusedActivation(*m->graph.findNode("p"));
  CHECK((*act)->alpha == 0.f);
  CHECK((*act)->beta == 0.5f);
}

TEST_CASE("fuse-activations takes the Swish pattern into a Gemm and leaves the graph output's name",
          "[passes]") {
  // z = Relu(swish(c)): the Swish fuses into the Gemm, the Relu stays.
  auto m = fuseAndCompare(kGemmSwish, "Swish", 2, {2, 5});
  CHECK(m->graph.outputs().at(0)->name() == "z");
  CHECK(m->graph.findNode("p")->output(0)->uses().size() == 1);
}

TEST_CASE("fuse-activations refuses a second activation and other passes refuse fused nodes",
          "[passes]") {
  auto m = parseModelText(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,2,4,4]) -> (%y: f32[1,2,4,4]) {
  %w = const f32[2,2,1,1]
  %k = const f32[2,1,1]
  %c = Conv(%x, %w) {nnport.activation="Relu"} : f32[1,2,4,4]  # p
  %s = Sigmoid(%c) : f32[1,2,4,4]  # sig
  %y = Mul(%s, %k) : f32[1,2,4,4]  # scale
}
)");
  if (!m) FAIL(m.status().message());
  PassReport r = runPasses(**m, "fuse-activations");
  REQUIRE(r.passes.at(0).notes.size() == 1);
  CHECK(r.passes[0].notes[0].find("already has the fused activation Relu") != std::string::npos);
  CHECK(r.passes[0].changes == 0);
  // The Mul by a per-channel constant would fold into a plain Conv.
  auto m2 = parseModelText(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,2,4,4]) -> (%y: f32[1,2,4,4]) {
  %w = const f32[2,2,1,1]
  %k = const f32[2,1,1]
  %c = Conv(%x, %w) {nnport.activation="Relu"} : f32[1,2,4,4]  # p
  %y = Mul(%c, %k) : f32[1,2,4,4]  # scale
}
)");
  REQUIRE(m2);
  PassReport r2 = runPasses(**m2, "fuse-conv-mul-add");
  REQUIRE(r2.passes.at(0).notes.size() == 1);
  CHECK(r2.passes[0].notes[0].find("has the fused activation Relu") != std::string::npos);
  CHECK(r2.passes[0].changes == 0);
}

TEST_CASE("fuse-activations leaves an activation whose input has other readers", "[passes]") {
  auto m = parseModelText(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[2,5]) -> (%y: f32[2,3], %c: f32[2,3]) {
  %w = const f32[5,3]
  %c = Gemm(%x, %w) : f32[2,3]  # p
  %y = Relu(%c) : f32[2,3]  # r
}
)");
  REQUIRE(m);
  PassReport r = runPasses(**m, "fuse-activations");
  CHECK(r.passes.at(0).changes == 0);
  CHECK((*m)->graph.numNodes() == 2);
}

TEST_CASE("a fused activation is written to ONNX as standard nodes and reads back equal",
          "[passes][onnx]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "nnport_fused_act_test";
  fs::create_directories(dir);
  for (auto [text, dims, ops] :
       {std::tuple<const char*, std::vector<int64_t>, std::map<std::string, size_t>>{
            kConvRelu6, {1, 3, 6, 6}, {{"Conv", 1}, {"Clip", 1}}},
        {kGemmSwish, {2, 5}, {{"Gemm", 1}, {"Sigmoid", 1}, {"Mul", 1}, {"Relu", 1}}}}) {
    auto m = parseModelText(text);
    REQUIRE(m);
    const exec::RtTensor before = runFirst(**m, exec::KernelSet::Reference, dims);
    runPasses(**m, "fuse-activations,dce");
    REQUIRE(hasFusedActivation(*(*m)->graph.findNode("p")));
    const std::string path = (dir / "fused.onnx").string();
    REQUIRE(saveModel(**m, "onnx", path, EmitOptions{}).isOk());
    auto back = loadModelFile(path, "onnx");
    if (!back) FAIL(back.status().message());
    CHECK(opCounts(**back) == ops);
    for (const Node* n : (*back)->graph.nodes()) CHECK_FALSE(hasFusedActivation(*n));
    requireClose(runFirst(**back, exec::KernelSet::Reference, dims), before);
  }
  fs::remove_all(dir);
}

TEST_CASE("the interpreter rejects an unknown fused activation naming the node", "[passes][exec]") {
  auto m = parseModelText(R"(
graph g (%x: f32[2,5]) -> (%y: f32[2,3]) {
  %w = const f32[5,3]
  %y = Gemm(%x, %w) {nnport.activation="Gelu"} : f32[2,3]  # fc
}
)");
  REQUIRE(m);
  auto e = exec::Executor::create(**m, {exec::KernelSet::Reference, 1});
  REQUIRE_FALSE(e);
  CHECK(e.status().message().find("'fc'") != std::string::npos);
  CHECK(e.status().message().find("Gelu") != std::string::npos);
}

TEST_CASE("fuse-activations infers the types an imported model leaves out", "[passes]") {
  auto m = parseModelText(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[1,3,6,6]) -> (%y: f32[1,4,6,6]) {
  %w = const f32[4,3,3,3]
  %c = Conv(%x, %w) {pads=[1,1,1,1]}  # p
  %y = Relu(%c)  # r
}
)");
  REQUIRE(m);
  REQUIRE((*m)->graph.findValue("c")->type.dtype == DType::Undefined);
  PassReport r = runPasses(**m, "fuse-activations");
  CHECK(r.passes.at(0).changes == 1);
  CHECK((*m)->graph.numNodes() == 1);
}

// The op record is the one place that makes an activation fusable: each
// one so marked must fuse into a Conv and give, with both kernel sets, what
// its own kernel gives unfused (its parameters as inputs where the record
// takes them as inputs, as Clip-11 does, else as attributes).
TEST_CASE("every activation its record marks fusable fuses and matches its own kernel",
          "[passes][exec]") {
  size_t checked = 0;
  for (const OpSchema* s : OpRegistry::instance().all()) {
    if (!s->fusedActivation || !s->domain.empty()) continue;
    INFO(s->name);
    const float values[] = {0.25f, 0.75f};
    std::string consts, operands, attrs;
    const auto& params = s->fusedActivation->params;
    REQUIRE(params.size() <= 2);
    for (size_t i = 0; i < params.size(); ++i) {
      if (s->inputIndex(params[i]) > 0) {
        consts += fmt::format("  %p{} = const f32[] [{}]\n", i, values[i]);
        operands += fmt::format(", %p{}", i);
      } else {
        attrs += fmt::format("{}{}={}", attrs.empty() ? "" : ", ", params[i], values[i]);
      }
    }
    const std::string text = fmt::format(R"(
model opsets=[ai.onnx:{}]
graph g (%x: f32[1,3,6,6]) -> (%y: f32[1,4,6,6]) {{
  %w = const f32[4,3,3,3]
{}  %c = Conv(%x, %w) {{pads=[1,1,1,1]}} : f32[1,4,6,6]  # p
  %y = {}(%c{}){} : f32[1,4,6,6]  # act
}}
)",
                                         std::max(13, s->sinceVersion), consts, s->name, operands,
                                         attrs.empty() ? "" : " {" + attrs + "}");
    fuseAndCompare(text, s->name, 1, {1, 3, 6, 6});
    ++checked;
  }
  CHECK(checked >= 8);
}
