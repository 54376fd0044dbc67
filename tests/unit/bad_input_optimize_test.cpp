// [bad-input] `nnport optimize` and the pass options of `convert`: unknown
// passes and levels are usage errors naming the valid ones, nothing written.
#include <catch2/catch.hpp>

#include "tests/unit/bad_input_harness.h"

using namespace badinput;

TEST_CASE("optimize with an unknown pass names it and lists the valid ones", "[bad-input]") {
  Workspace ws;
  const fs::path model = ws.in() / "m.onnx", out = ws.out() / "o.onnx";
  writeFile(model, serialized(validModel()));
  checkFailingRun(ws, {"optimize", model.string(), "-o", out.string(), "--passes", "dce,fold-all"}, out,
                  {2, {"fold-all", "eliminate-identity", "fuse-conv-bn"}});
  checkFailingRun(ws, {"optimize", model.string(), "-o", out.string(), "--passes", "{dce"}, out, {2, {"'{'"}});
  checkFailingRun(ws, {"optimize", model.string(), "-o", out.string(), "-O7"}, out, {2, {"O7", "O2"}});
  checkFailingRun(ws, {"convert", model.string(), out.string(), "--print-after", "nope"}, out, {2, {"nope"}});
  checkFailingRun(ws, {"optimize", model.string(), "-o", out.string(), "-O1", "--passes", "dce"}, out,
                  {2, {"either -O or --passes"}});
}

TEST_CASE("optimize writes a model that still runs and reports its passes", "[bad-input]") {
  Workspace ws;
  const fs::path model = ws.in() / "m.onnx", out = ws.out() / "o.onnx";
  writeFile(model, serialized(validModel()));
  RunResult r = runNnport(ws, {"optimize", model.string(), "-o", out.string(), "--stats", "--verify-each"});
  INFO(r.err);
  CHECK(r.exitCode == 0);
  CHECK(fs::exists(out));
  CHECK(r.err.find("fuse-conv-bn") != std::string::npos);  // the --stats table
  RunResult cmp = runNnport(ws, {"compare", model.string(), out.string(), "--random-inputs", "1"});
  CHECK(cmp.exitCode == 0);
}
