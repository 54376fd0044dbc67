// [bad-input]: bad options (exit 2) and a broken on-disk IR pair (exit 3)
// given to the real `nnport` binary. The checks are in bad_input_harness.h.
#include "tests/unit/bad_input_harness.h"

using namespace badinput;

namespace {

constexpr int kUsage = 2, kInvalid = 3;

// Writes in/model_ir.json + in/model_ir.bin from the valid model with `nnport toir`.
void writeGoodIr(const Workspace& ws) {
  const fs::path model = writeModel(ws, validModel());
  const RunResult r = runNnport(
      ws, {"toir", "-sf", "onnx", "-iw", model.string(), "-o", (ws.in() / "model_ir").string()});
  INFO("stderr: " << r.err);
  REQUIRE(r.exitCode == 0);
  REQUIRE(fs::exists(ws.in() / "model_ir.json"));
  REQUIRE(fs::exists(ws.in() / "model_ir.bin"));
}

void checkFromIrFails(const Workspace& ws, const Expectation& e) {
  const fs::path output = ws.out() / "out.onnx";
  checkFailingRun(ws,
                  {"fromir", "-in", (ws.in() / "model_ir.json").string(), "-iw",
                   (ws.in() / "model_ir.bin").string(), "-df", "onnx", "-om", output.string()},
                  output, e);
}

}  // namespace

TEST_CASE("options that name what the model does not have", "[bad-input]") {
  Workspace ws;
  const fs::path model = writeModel(ws, validModel());
  SECTION("--inputShape for an input the model does not have") {
    checkConvertFails(ws, model, {kUsage, {"--inputShape", "nope"}}, {"--inputShape", "nope:1,4"});
  }
  SECTION("--inputShape with the wrong rank") {
    checkConvertFails(ws, model, {kUsage, {"--inputShape", "'X'", "rank"}},
                      {"--inputShape", "X:1,4,1"});
  }
  SECTION("--inputShape that is not a shape") {
    checkConvertFails(ws, model, {kUsage, {"--inputShape"}}, {"--inputShape", "X:1,four"});
  }
  SECTION("--dstNodeName naming nothing") {
    checkConvertFails(ws, model, {kUsage, {"--dstNodeName", "no_such_node"}},
                      {"--dstNodeName", "no_such_node"});
  }
  SECTION("--inNodeName naming nothing") {
    checkConvertFails(ws, model, {kUsage, {"--inNodeName", "no_such_value"}},
                      {"--inNodeName", "no_such_value"});
  }
}

TEST_CASE("formats nnport does not know", "[bad-input]") {
  Workspace ws;
  const fs::path model = writeModel(ws, validModel());
  const fs::path output = ws.out() / "out.onnx";
  SECTION("unknown -sf") {
    checkFailingRun(ws, {"convert", "-sf", "tflite", "-iw", model.string(), "-om", output.string()},
                    output, {kUsage, {"tflite"}});
  }
  SECTION("unknown -df") {
    checkFailingRun(ws, {"convert", "-iw", model.string(), "-df", "tflite", "-om", output.string()},
                    output, {kUsage, {"tflite"}});
  }
  SECTION("an input extension no parser claims") {
    const fs::path odd = ws.in() / "model.weights";
    fs::copy_file(model, odd);
    checkFailingRun(ws, {"convert", odd.string(), output.string()}, output,
                    {kUsage, {odd.string()}});
  }
}

TEST_CASE("an input file that does not exist", "[bad-input]") {
  Workspace ws;
  const fs::path missing = ws.in() / "missing.onnx";
  checkConvertFails(ws, missing, {kInvalid, {missing.string()}});
}

TEST_CASE("a broken on-disk IR pair", "[bad-input]") {
  Workspace ws;
  writeGoodIr(ws);
  const fs::path json = ws.in() / "model_ir.json", bin = ws.in() / "model_ir.bin";
  SECTION("control: the good pair converts back") {
    const RunResult r = runNnport(ws, {"fromir", "-in", json.string(), "-iw", bin.string(), "-df",
                                       "onnx", "-om", (ws.out() / "out.onnx").string()});
    INFO("stderr: " << r.err);
    CHECK(r.exitCode == 0);
    CHECK(filesIn(ws.out()) == std::vector<std::string>{"out.onnx"});
  }
  SECTION("truncated .json") {
    const std::string text = readFile(json);
    writeFile(json, text.substr(0, text.size() / 2));
    checkFromIrFails(ws, {kInvalid, {json.string()}});
  }
  SECTION("empty .json") {
    writeFile(json, "");
    checkFromIrFails(ws, {kInvalid, {json.string()}});
  }
  SECTION(".bin too short for the offsets in the .json") {
    const std::string blob = readFile(bin);
    REQUIRE(blob.size() >= 16);
    writeFile(bin, blob.substr(0, 8));
    checkFromIrFails(ws, {kInvalid, {json.string()}});
  }
  SECTION("empty .bin") {
    writeFile(bin, "");
    checkFromIrFails(ws, {kInvalid, {json.string()}});
  }
  SECTION("missing .bin") {
    fs::remove(bin);
    checkFromIrFails(ws, {kInvalid, {bin.string()}});
  }
  SECTION("the .json given to convert by extension") {
    writeFile(json, "{\"format\": \"nnport-ir\", \"version\": 1, \"graph\": ");
    checkConvertFails(ws, json, {kInvalid, {json.string()}});
  }
}
