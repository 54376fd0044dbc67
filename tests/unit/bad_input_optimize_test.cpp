// [bad-input] `nnport optimize` and the pass options of `convert`: unknown
// passes and levels are usage errors naming the valid ones, nothing written.
#include <catch2/catch.hpp>

#include "ir/text_parser.h"
#include "lib/pipeline.h"
#include "tests/unit/bad_input_harness.h"

using namespace badinput;

TEST_CASE("optimize with an unknown pass names it and lists the valid ones", "[bad-input]") {
  Workspace ws;
  const fs::path model = ws.in() / "m.onnx", out = ws.out() / "o.onnx";
  writeFile(model, serialized(validModel()));
  checkFailingRun(ws, {"optimize", model.string(), "-o", out.string(), "--passes", "dce,fold-all"},
                  out, {2, {"fold-all", "eliminate-identity", "fuse-conv-bn"}});
  checkFailingRun(ws, {"optimize", model.string(), "-o", out.string(), "--passes", "{dce"}, out,
                  {2, {"'{'"}});
  checkFailingRun(ws, {"optimize", model.string(), "-o", out.string(), "-O7"}, out,
                  {2, {"O7", "O2"}});
  checkFailingRun(ws, {"convert", model.string(), out.string(), "--print-after", "nope"}, out,
                  {2, {"nope"}});
  checkFailingRun(ws, {"optimize", model.string(), "-o", out.string(), "-O1", "--passes", "dce"},
                  out, {2, {"either -O or --passes"}});
  checkFailingRun(ws, {"optimize", model.string(), "-o", out.string(), "--stop-after", "nope"}, out,
                  {2, {"--stop-after: unknown pass 'nope'", "fuse-conv-bn"}});
  checkFailingRun(
      ws,
      {"optimize", model.string(), "-o", out.string(), "--passes", "dce", "--stop-after", "cse"},
      out, {2, {"--stop-after: pass 'cse' is not in the pipeline"}});
}

TEST_CASE("optimize --stop-after writes the model as that pass left it", "[bad-input]") {
  Workspace ws;
  const fs::path model = ws.in() / "m.onnx", out = ws.out() / "o.onnx";
  writeFile(model, serialized(validModel()));
  RunResult r = runNnport(
      ws, {"optimize", model.string(), "-o", out.string(), "--stats", "--stop-after", "dce"});
  INFO(r.err);
  CHECK(r.exitCode == 0);
  CHECK(fs::exists(out));
  CHECK(r.out.find(", stopped after dce") != std::string::npos);
  CHECK(r.err.find("stopped after pass dce (--stop-after)") != std::string::npos);
}

TEST_CASE("optimize writes a model that still runs and reports its passes", "[bad-input]") {
  Workspace ws;
  const fs::path model = ws.in() / "m.onnx", out = ws.out() / "o.onnx";
  writeFile(model, serialized(validModel()));
  RunResult r =
      runNnport(ws, {"optimize", model.string(), "-o", out.string(), "--stats", "--verify-each"});
  INFO(r.err);
  CHECK(r.exitCode == 0);
  CHECK(fs::exists(out));
  CHECK(r.err.find("fuse-conv-bn") != std::string::npos);  // the --stats table
  RunResult cmp = runNnport(ws, {"compare", model.string(), out.string(), "--random-inputs", "1"});
  CHECK(cmp.exitCode == 0);
}

TEST_CASE("optimize --inputShape pins dynamic dims so shape subgraphs fold", "[bad-input]") {
  // torch's flatten-by-shape chain on a dynamic batch: x.reshape(x.shape[0], -1).
  auto m = nnport::parseModelText(R"(
model opsets=[ai.onnx:13]
graph g (%x: f32[N,3,4]) -> (%y: f32[N,12]) {
  %zero = const i64[1] [0]
  %minus_one = const i64[1] [-1]
  %s = Shape(%x) : i64[3]  # shape
  %n = Gather(%s, %zero) {axis=0} : i64[1]  # batch
  %shape = Concat(%n, %minus_one) {axis=0} : i64[2]  # target
  %y = Reshape(%x, %shape) : f32[N,12]  # flatten
}
)");
  REQUIRE(m.hasValue());
  Workspace ws;
  const fs::path model = ws.in() / "m.onnx", pinned = ws.out() / "pinned.onnx",
                 open = ws.out() / "open.onnx";
  REQUIRE(nnport::saveModel(**m, "onnx", model.string(), {}).isOk());
  auto shapeNodes = [&](const fs::path& p) {
    auto back = nnport::loadModelFile(p.string());
    REQUIRE(back.hasValue());
    size_t n = 0;
    for (const nnport::Node* node : (*back)->graph.nodes()) n += node->opType() == "Shape";
    return n;
  };
  RunResult r = runNnport(ws, {"optimize", model.string(), "-o", open.string()});
  INFO(r.err);
  REQUIRE(r.exitCode == 0);
  CHECK(shapeNodes(open) == 1);  // N is unknown: the chain stays
  r = runNnport(ws, {"optimize", model.string(), "-o", pinned.string(), "--inputShape", "x:2,3,4"});
  REQUIRE(r.exitCode == 0);
  CHECK(shapeNodes(pinned) == 0);
  // Random inputs follow the first model's (pinned) input shape.
  RunResult cmp =
      runNnport(ws, {"compare", pinned.string(), model.string(), "--random-inputs", "1"});
  INFO(cmp.err);
  CHECK(cmp.exitCode == 0);
}
