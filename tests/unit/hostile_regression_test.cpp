// [hostile]: one minimized input per class of crash, runaway allocation and
// mislabelled error that a mutation fuzzer found in the CLI (ONNX side; the
// Darknet, Caffe and TensorFlow classes are in their parsers' hostile
// tests). Each runs the real binary and checks the documented exit code, the
// one error line naming file, node and op, and an empty output folder.
#include <nlohmann/json.hpp>

#include <climits>
#include <limits>

#include "tests/unit/bad_input_harness.h"

using namespace badinput;

namespace {

constexpr int kInvalid = 3, kOverBudget = 7;

onnx::NodeProto* addNode(onnx::ModelProto& m, const std::string& op, const std::string& name,
                         const std::vector<std::string>& ins,
                         const std::vector<std::string>& outs) {
  auto* n = m.mutable_graph()->add_node();
  n->set_op_type(op);
  n->set_name(name);
  for (const auto& i : ins) n->add_input(i);
  for (const auto& o : outs) n->add_output(o);
  return n;
}

void setInts(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

void setInt(onnx::NodeProto* n, const std::string& name, int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

void addInt64s(onnx::ModelProto& m, const std::string& name, const std::vector<int64_t>& v) {
  auto* t = m.mutable_graph()->add_initializer();
  t->set_name(name);
  t->set_data_type(onnx::TensorProto::INT64);
  t->add_dims(static_cast<int64_t>(v.size()));
  for (int64_t x : v) t->add_int64_data(x);
}

// X: f32[1,3,8,8] -> (nodes the test adds, ending in Y) -> Y: f32[*].
onnx::ModelProto emptyModel(std::vector<int64_t> xDims = {1, 3, 8, 8}) {
  onnx::ModelProto m = validModel();
  auto* g = m.mutable_graph();
  g->clear_node();
  g->clear_initializer();
  g->clear_input();
  g->clear_output();
  setTensorType(g->add_input(), "X", xDims);
  g->add_output()->set_name("Y");
  return m;
}

// Y = Conv(X, W) with W: f32[4,3,3,3] and the given strides.
onnx::ModelProto convModel(const std::vector<int64_t>& strides) {
  onnx::ModelProto m = emptyModel();
  auto* w = m.mutable_graph()->add_initializer();
  w->set_name("W");
  w->set_data_type(onnx::TensorProto::FLOAT);
  for (int64_t d : {4, 3, 3, 3}) w->add_dims(d);
  w->set_raw_data(std::string(4 * 108, '\0'));
  setInts(addNode(m, "Conv", "c", {"X", "W"}, {"Y"}), "strides", strides);
  setTensorType(m.mutable_graph()->mutable_output(0), "Y", {1, 4, 6, 6});
  return m;
}

// `nnport <args>` must fail as `e` says and write nothing into out/.
void checkCommandFails(const Workspace& ws, const std::vector<std::string>& args,
                       const Expectation& e) {
  INFO("nnport " << args.front());
  checkFailure(runNnport(ws, args), e);
  CHECK(filesIn(ws.out()).empty());
}

}  // namespace

TEST_CASE("a required input named empty is refused before the interpreter runs", "[hostile]") {
  Workspace ws;
  onnx::ModelProto m = emptyModel();
  addNode(m, "Add", "a", {"X", ""}, {"Y"});
  const std::string model = writeModel(ws, m).string();
  const Expectation e{kInvalid, {model, "node 'a' (Add)", "required input"}};
  checkCommandFails(ws, {"run", model, "--random-inputs", "0", "--output-dir", ws.out().string()},
                    e);
  checkCommandFails(ws, {"bench", model, "--iters", "1", "--warmup", "0"}, e);
  checkCommandFails(ws, {"compare", model, model, "--random-inputs", "0"}, e);
}

TEST_CASE("axes out of range for the rank are refused naming the node", "[hostile]") {
  Workspace ws;
  onnx::ModelProto m = emptyModel();
  std::string node;
  SECTION("Concat axis 65535") {
    setInt(addNode(m, "Concat", node = "cat", {"X", "X"}, {"Y"}), "axis", 65535);
  }
  SECTION("Concat axis INT64_MIN") {
    setInt(addNode(m, "Concat", node = "cat", {"X", "X"}, {"Y"}), "axis", INT64_MIN);
  }
  SECTION("Squeeze axes [65535]") {
    addInt64s(m, "axes", {65535});
    addNode(m, "Squeeze", node = "sq", {"X", "axes"}, {"Y"});
  }
  SECTION("Unsqueeze axes [INT64_MIN]") {
    addInt64s(m, "axes", {INT64_MIN});
    addNode(m, "Unsqueeze", node = "unsq", {"X", "axes"}, {"Y"});
  }
  SECTION("Flatten axis 65535") {
    setInt(addNode(m, "Flatten", node = "flat", {"X"}, {"Y"}), "axis", 65535);
  }
  const std::string model = writeModel(ws, m).string();
  const Expectation e{kInvalid, {model, "node '" + node + "'", "out of range"}};
  checkCommandFails(ws, {"run", model, "--random-inputs", "0", "--output-dir", ws.out().string()},
                    e);
  checkConvertFails(ws, model, e);
}

TEST_CASE("a zero stride never reaches ONNX's own shape inference", "[hostile]") {
  Workspace ws;
  const fs::path good = writeModel(ws, convModel({1, 1}), "good.onnx");
  const fs::path bad = writeModel(ws, convModel({0, 0}), "bad.onnx");
  const Expectation e{kInvalid, {bad.string(), "node 'c' (Conv)", "'strides'"}};
  SECTION("convert") {
    checkConvertFails(ws, bad, e);
  }
  SECTION("optimize") {
    const fs::path out = ws.out() / "out.onnx";
    checkFailingRun(ws, {"optimize", bad.string(), "-o", out.string()}, out, e);
  }
  SECTION("fromir, the stride edited into a valid IR pair") {
    const std::string prefix = (ws.in() / "ir").string();
    REQUIRE(runNnport(ws, {"toir", "-sf", "onnx", "-iw", good.string(), "-o", prefix}).exitCode ==
            0);
    std::string json = readFile(prefix + ".json");
    const std::string one =
        "\"name\": \"strides\",\n      \"kind\": \"ints\",\n      \"ints\": [1, 1]";
    const size_t at = json.find(one);
    REQUIRE(at != std::string::npos);
    json.replace(at, one.size(), "\"name\": \"strides\", \"kind\": \"ints\", \"ints\": [0, 0]");
    writeFile(prefix + ".json", json);
    const fs::path out = ws.out() / "out.onnx";
    checkFailingRun(ws,
                    {"fromir", "-in", prefix + ".json", "-iw", prefix + ".bin", "-df", "onnx",
                     "-om", out.string()},
                    out, {kInvalid, {prefix + ".json", "node 'c' (Conv)", "'strides'"}});
  }
}

TEST_CASE("random inputs for a huge declared shape are refused by the memory budget", "[hostile]") {
  Workspace ws;
  auto model = [&](std::vector<int64_t> dims, const std::string& name) {
    onnx::ModelProto m = emptyModel(dims);
    addNode(m, "Relu", "r", {"X"}, {"Y"});
    setTensorType(m.mutable_graph()->mutable_output(0), "Y", dims);
    return writeModel(ws, m, name).string();
  };
  const std::string huge = model({1, 2, int64_t{1} << 31, 3}, "huge.onnx");
  const std::string small = model({1, 1024, 1024, 2}, "small.onnx");  // 8 MiB
  const std::vector<std::string> run = {"--random-inputs", "0", "--output-dir", ws.out().string()};
  auto args = [&](const std::string& m, std::vector<std::string> extra) {
    std::vector<std::string> a = {"run", m};
    a.insert(a.end(), run.begin(), run.end());
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  };
  checkCommandFails(ws, args(huge, {}), {kOverBudget, {huge, "'X'", "48.0 GiB", "--max-memory"}});
  checkCommandFails(ws, args(small, {"--max-memory", "1M"}),
                    {kOverBudget, {small, "'X'", "--max-memory"}});
  const RunResult ok = runNnport(ws, args(small, {}));
  INFO("stderr: " << ok.err);
  CHECK(ok.exitCode == 0);
  CHECK(filesIn(ws.out()) == std::vector<std::string>{"Y.npy"});
}

TEST_CASE("a float operand read as an integer is not undefined behaviour", "[hostile]") {
  // Found by fuzz_onnx_reader: a NaN zero point of QuantizeLinear was cast to
  // int64 (UBSan: NaN is outside the range of representable values).
  Workspace ws;
  onnx::ModelProto m = emptyModel({1, 3});
  auto* scale = m.mutable_graph()->add_initializer();
  scale->set_name("scale");
  scale->set_data_type(onnx::TensorProto::FLOAT);
  scale->add_float_data(0.5f);
  auto* zero = m.mutable_graph()->add_initializer();
  zero->set_name("zero");
  zero->set_data_type(onnx::TensorProto::FLOAT);
  zero->add_float_data(std::numeric_limits<float>::quiet_NaN());
  addNode(m, "QuantizeLinear", "q", {"X", "scale", "zero"}, {"Y"});
  const fs::path model = writeModel(ws, m);
  checkCommandFails(ws, {"run", model.string(), "--random-inputs", "0"},
                    {kInvalid, {model.string(), "node 'q' (QuantizeLinear)"}});
}

TEST_CASE("a node with more outputs than its op defines is invalid input", "[hostile]") {
  Workspace ws;
  onnx::ModelProto m = emptyModel();
  addNode(m, "Relu", "r", {"X"}, {"Y", "Z"});
  const fs::path model = writeModel(ws, m);
  checkConvertFails(ws, model, {kInvalid, {model.string(), "node 'r' (Relu)", "2 outputs"}});
}

TEST_CASE("a node without its required output is invalid input", "[hostile]") {
  // fuzz_run_model: a Conv with no output at all reached Conv's inference,
  // which reads output 0 (undefined behaviour).
  Workspace ws;
  onnx::ModelProto m = convModel({1, 1});
  m.mutable_graph()->mutable_node(0)->clear_output();
  addNode(m, "Relu", "r", {"X"}, {"Y"});
  const fs::path model = writeModel(ws, m);
  checkConvertFails(ws, model,
                    {kInvalid, {model.string(), "node 'c' (Conv)", "required output 'Y'"}});
}

TEST_CASE("names that are not UTF-8 or hold control bytes", "[hostile]") {
  Workspace ws;
  SECTION("inspect --json prints valid JSON for a name that is not UTF-8") {
    onnx::ModelProto m = emptyModel();
    addNode(m, "Relu", std::string("r\xff\xfe", 3), {"X"}, {"Y"});
    setTensorType(m.mutable_graph()->mutable_output(0), "Y", {1, 3, 8, 8});
    const RunResult r = runNnport(ws, {"inspect", writeModel(ws, m).string(), "--json"});
    INFO("stderr: " << r.err);
    REQUIRE(r.exitCode == 0);
    CHECK_NOTHROW(nlohmann::json::parse(r.out));
  }
  SECTION("an error line escapes a node name's control bytes") {
    onnx::ModelProto m = emptyModel();
    addNode(m, "Add", "evil\x1b[2J\x07", {"X", ""}, {"Y"});
    const std::string model = writeModel(ws, m).string();
    const RunResult r = runNnport(ws, {"run", model, "--random-inputs", "0"});
    checkFailure(r, {kInvalid, {"node 'evil\\x1b[2J\\x07' (Add)"}});
    for (size_t i = 0; i + 1 < r.err.size(); ++i)
      CHECK(static_cast<unsigned char>(r.err[i]) >= 0x20);
  }
}

TEST_CASE("a conversion killed at any moment leaves no temporary file", "[hostile]") {
  // 16 MiB of weights, so the write takes long enough to be interrupted.
  Workspace ws;
  onnx::ModelProto m = emptyModel({1, 1024});
  auto* w = m.mutable_graph()->add_initializer();
  w->set_name("W");
  w->set_data_type(onnx::TensorProto::FLOAT);
  w->add_dims(1024);
  w->add_dims(4096);
  w->set_raw_data(std::string(size_t{4} * 1024 * 4096, '\x01'));
  addNode(m, "MatMul", "mm", {"X", "W"}, {"Y"});
  setTensorType(m.mutable_graph()->mutable_output(0), "Y", {1, 4096});
  const std::string model = writeModel(ws, m).string();
  const std::string binary = NNPORT_BINARY_DIR "/nnport";
  for (const char* delay : {"0.02", "0.05", "0.1", "0.2", "0.4"}) {
    const fs::path out = ws.out() / "out.onnx";
    const std::string cmd = "timeout -s KILL " + std::string(delay) + " " + quoted(binary) +
                            " convert " + quoted(model) + " " + quoted(out.string()) +
                            " >/dev/null 2>&1";
    (void)std::system(cmd.c_str());
    INFO("killed after " << delay << " s");
    CHECK_FALSE(hasLeftoverTemporary(ws.out()));
    const auto left = filesIn(ws.out());
    CHECK((left.empty() || left == std::vector<std::string>{"out.onnx"}));
    if (!left.empty()) {
      const RunResult r = runNnport(ws, {"inspect", out.string()});
      CHECK(r.exitCode == 0);  // an output that exists is whole
      fs::remove(out);
    }
  }
}
