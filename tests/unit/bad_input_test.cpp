// [bad-input]: malformed ONNX files given to the real `nnport convert`. Each
// case starts from a small valid model built in code and breaks one thing;
// the run must fail with the documented exit code and one error line naming
// the file (and the node and op where there is one), write nothing and leave
// an existing output alone. See bad_input_harness.h for the checks.
#include <climits>
#include <random>

#include "tests/unit/bad_input_harness.h"

using namespace badinput;

namespace {

constexpr int kInvalid = 3, kUnsupported = 4;

onnx::TensorProto* initializerB(onnx::ModelProto& m) {
  return m.mutable_graph()->mutable_initializer(0);
}

// Moves B's bytes to external data at `location` (relative to the model).
void makeBExternal(onnx::ModelProto& m, const std::string& location) {
  auto* b = initializerB(m);
  b->clear_raw_data();
  b->set_data_location(onnx::TensorProto::EXTERNAL);
  auto* kv = b->add_external_data();
  kv->set_key("location");
  kv->set_value(location);
}

}  // namespace

TEST_CASE("a valid model converts (control for the bad-input cases)", "[bad-input]") {
  Workspace ws;
  const fs::path model = writeModel(ws, validModel());
  const fs::path output = ws.out() / "out.onnx";
  const RunResult r = runNnport(ws, {"convert", model.string(), output.string()});
  INFO("stderr: " << r.err);
  CHECK(r.exitCode == 0);
  CHECK(r.err.empty());
  CHECK(filesIn(ws.out()) == std::vector<std::string>{"out.onnx"});
  onnx::ModelProto back;
  CHECK(back.ParseFromString(readFile(output)));
  CHECK(back.graph().node_size() == 2);
}

TEST_CASE("files that are not ONNX models", "[bad-input]") {
  Workspace ws;
  const fs::path model = ws.in() / "model.onnx";
  const Expectation e{kInvalid, {model.string()}};
  SECTION("empty file") {
    writeFile(model, "");
    checkConvertFails(ws, model, e);
  }
  SECTION("truncated: the first half of a valid model") {
    const std::string good = serialized(validModel());
    writeFile(model, good.substr(0, good.size() / 2));
    checkConvertFails(ws, model, e);
  }
  SECTION("random bytes") {
    std::mt19937 rng(1234);
    std::string bytes(4096, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() & 0xff);
    writeFile(model, bytes);
    checkConvertFails(ws, model, e);
  }
  SECTION("a PNG header") {
    const unsigned char png[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0,
                                 0,    13,  'I', 'H', 'D',  'R',  0,    0,    0, 16,
                                 0,    0,   0,   16,  8,    6,    0,    0,    0};
    writeFile(model, std::string(reinterpret_cast<const char*>(png), sizeof png));
    checkConvertFails(ws, model, e);
  }
  SECTION("a text file") {
    writeFile(model, "This is not a model.\nIt is a text file with two lines.\n");
    checkConvertFails(ws, model, e);
  }
}

TEST_CASE("graphs whose wiring is broken", "[bad-input]") {
  Workspace ws;
  onnx::ModelProto m = validModel();
  auto* g = m.mutable_graph();
  SECTION("a cycle: two nodes feeding each other") {
    g->mutable_node(0)->set_input(0, "Y");  // add reads relu's output, relu reads add's
    const fs::path model = writeModel(ws, m);
    checkConvertFails(ws, model, {kInvalid, {model.string(), "cycle", "node '"}});
    const RunResult r = runNnport(ws, {"convert", model.string(), (ws.out() / "o.onnx").string()});
    CHECK((r.err.find("'add' (Add)") != std::string::npos ||
           r.err.find("'relu' (Relu)") != std::string::npos));
  }
  SECTION("a node input that names nothing (missing initializer)") {
    g->mutable_node(0)->set_input(1, "no_such_weight");
    const fs::path model = writeModel(ws, m);
    checkConvertFails(ws, model, {kInvalid, {model.string(), "'add'", "Add", "no_such_weight"}});
  }
  SECTION("an output name defined twice") {
    g->mutable_node(1)->set_output(0, "S");
    const fs::path model = writeModel(ws, m);
    checkConvertFails(ws, model, {kInvalid, {model.string(), "'relu'", "Relu", "'S'"}});
  }
  SECTION("a graph output nothing produces") {
    g->mutable_output(0)->set_name("not_produced");
    const fs::path model = writeModel(ws, m);
    checkConvertFails(ws, model, {kInvalid, {model.string(), "not_produced"}});
  }
}

TEST_CASE("initializers whose dims or bytes are wrong", "[bad-input]") {
  Workspace ws;
  onnx::ModelProto m = validModel();
  auto* b = initializerB(m);
  SECTION("dims whose product overflows int64") {
    b->clear_dims();
    for (int k = 0; k < 3; ++k) b->add_dims(int64_t{1} << 30);
    b->add_dims(int64_t{1} << 10);
  }
  SECTION("a negative dim") {
    b->set_dims(0, -4);
  }
  SECTION("raw_data shorter than the dims need") {
    b->set_dims(0, 5);
  }
  SECTION("raw_data longer than the dims need") {
    b->set_dims(0, 3);
  }
  SECTION("a byte count that overflows size_t while the element count does not") {
    // 2^61 doubles are 2^67 bits, which is 0 once wrapped to size_t.
    b->set_data_type(onnx::TensorProto::DOUBLE);
    b->set_dims(0, int64_t{1} << 61);
    b->set_raw_data("");
  }
  const fs::path model = writeModel(ws, m);
  checkConvertFails(ws, model, {kInvalid, {model.string(), "'B'"}});
  // The ONNX checker on the output must not be what catches these.
  checkConvertFails(ws, model, {kInvalid, {model.string(), "'B'"}}, {"--no-verify"});
}

TEST_CASE("a graph input declared with a negative dim", "[bad-input]") {
  Workspace ws;
  onnx::ModelProto m = validModel();
  m.mutable_graph()
      ->mutable_input(0)
      ->mutable_type()
      ->mutable_tensor_type()
      ->mutable_shape()
      ->mutable_dim(0)
      ->set_dim_value(-1);
  const fs::path model = writeModel(ws, m);
  checkConvertFails(ws, model, {kInvalid, {model.string(), "'X'"}});
}

// A declaration allocates nothing, so ONNX allows any non-negative dim, even
// when the product of the dims overflows int64: the converter must carry it
// through unchanged rather than crash or reject it.
TEST_CASE("a graph input declared with huge dims converts unchanged", "[bad-input]") {
  Workspace ws;
  onnx::ModelProto m = validModel();
  auto* g = m.mutable_graph();
  for (auto* vi : {g->mutable_input(0), g->mutable_output(0)})
    vi->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(0)->set_dim_value(
        INT64_MAX);
  const fs::path model = writeModel(ws, m);
  const fs::path output = ws.out() / "out.onnx";
  for (const char* command : {"convert", "inspect"}) {
    const RunResult r = command == std::string("convert")
                            ? runNnport(ws, {"convert", model.string(), output.string()})
                            : runNnport(ws, {"inspect", model.string(), "--json"});
    INFO(command << " stderr: " << r.err);
    CHECK(r.exitCode == 0);
    CHECK(r.err.empty());
  }
  onnx::ModelProto back;
  REQUIRE(back.ParseFromString(readFile(output)));
  CHECK(back.graph().input(0).type().tensor_type().shape().dim(0).dim_value() == INT64_MAX);
}

TEST_CASE("option --inputShape pinning dims whose product overflows int64", "[bad-input]") {
  Workspace ws;
  onnx::ModelProto m = validModel();
  auto* g = m.mutable_graph();
  for (auto* vi : {g->mutable_input(0), g->mutable_output(0)}) {
    auto* shape = vi->mutable_type()->mutable_tensor_type()->mutable_shape();
    shape->mutable_dim(0)->set_dim_param("N");
    shape->mutable_dim(1)->set_dim_param("C");
  }
  initializerB(m)->set_dims(0, 1);
  initializerB(m)->set_raw_data(std::string(4, '\0'));
  const fs::path model = writeModel(ws, m);
  const fs::path output = ws.out() / "out.onnx";
  const std::string big = std::to_string(int64_t{1} << 40);
  const RunResult r = runNnport(
      ws, {"convert", model.string(), output.string(), "--inputShape", "X:" + big + "," + big});
  INFO("stderr: " << r.err);
  CHECK(r.exitCode == 0);
}

TEST_CASE("opsets and IR versions nnport does not take", "[bad-input]") {
  Workspace ws;
  onnx::ModelProto m = validModel();
  SECTION("default-domain opset 99 is unsupported") {
    m.mutable_opset_import(0)->set_version(99);
    const fs::path model = writeModel(ws, m);
    checkConvertFails(ws, model, {kUnsupported, {model.string(), "99"}});
  }
  SECTION("opset 0 is invalid") {
    m.mutable_opset_import(0)->set_version(0);
    const fs::path model = writeModel(ws, m);
    checkConvertFails(ws, model, {kInvalid, {model.string(), "opset"}});
  }
  SECTION("no opset import at all is invalid") {
    m.clear_opset_import();
    const fs::path model = writeModel(ws, m);
    checkConvertFails(ws, model, {kInvalid, {model.string(), "opset"}});
  }
  SECTION("IR version 2 is unsupported") {
    m.set_ir_version(2);
    const fs::path model = writeModel(ws, m);
    checkConvertFails(ws, model, {kUnsupported, {model.string(), "IR version 2"}});
  }
}

TEST_CASE("valid external data converts (control for the cases below)", "[bad-input]") {
  Workspace ws;
  onnx::ModelProto m = validModel();
  const std::string bytes = initializerB(m)->raw_data();
  writeFile(ws.in() / "weights.bin", bytes);
  makeBExternal(m, "weights.bin");
  const fs::path model = writeModel(ws, m);
  const RunResult r = runNnport(ws, {"convert", model.string(), (ws.out() / "out.onnx").string()});
  INFO("stderr: " << r.err);
  CHECK(r.exitCode == 0);
  onnx::ModelProto back;
  REQUIRE(back.ParseFromString(readFile(ws.out() / "out.onnx")));
  CHECK(back.graph().initializer(0).raw_data() == bytes);
}

TEST_CASE("external data that is out of bounds, missing or short", "[bad-input]") {
  Workspace ws;
  onnx::ModelProto m = validModel();
  std::string mention = "'B'";
  SECTION("a location outside the model's directory") {
    writeFile(ws.in().parent_path() / "x", std::string(16, '\0'));  // exists, still refused
    makeBExternal(m, "../x");
    mention = "../x";
  }
  SECTION("an absolute location") {
    makeBExternal(m, (ws.in() / "weights.bin").string());
    writeFile(ws.in() / "weights.bin", std::string(16, '\0'));
  }
  SECTION("a missing file") {
    makeBExternal(m, "missing.bin");
    mention = "missing.bin";
  }
  SECTION("a file shorter than the tensor") {
    writeFile(ws.in() / "weights.bin", std::string(8, '\0'));
    makeBExternal(m, "weights.bin");
    mention = "weights.bin";
  }
  SECTION("an offset past the end of the file") {
    writeFile(ws.in() / "weights.bin", std::string(16, '\0'));
    makeBExternal(m, "weights.bin");
    auto* kv = initializerB(m)->add_external_data();
    kv->set_key("offset");
    kv->set_value("9223372036854775800");
  }
  SECTION("a tensor whose byte count wraps to 0 in size_t") {
    writeFile(ws.in() / "weights.bin", std::string(16, '\0'));
    makeBExternal(m, "weights.bin");
    initializerB(m)->set_dims(0, int64_t{1} << 61);  // 2^61 float32 = 2^66 bits
  }
  SECTION("an offset that is not a number") {
    writeFile(ws.in() / "weights.bin", std::string(16, '\0'));
    makeBExternal(m, "weights.bin");
    auto* kv = initializerB(m)->add_external_data();
    kv->set_key("offset");
    kv->set_value("lots");
  }
  const fs::path model = writeModel(ws, m);
  checkConvertFails(ws, model, {kInvalid, {model.string(), mention}}, {"--no-verify"});
}

TEST_CASE("a failing toir run writes neither IR file", "[bad-input]") {
  Workspace ws;
  onnx::ModelProto m = validModel();
  m.mutable_graph()->mutable_node(0)->set_input(1, "no_such_weight");
  const fs::path model = writeModel(ws, m);
  const fs::path prefix = ws.out() / "model_ir";
  const RunResult r =
      runNnport(ws, {"toir", "-sf", "onnx", "-iw", model.string(), "-o", prefix.string()});
  checkFailure(r, {kInvalid, {model.string(), "'add'", "Add"}});
  CHECK(filesIn(ws.out()).empty());
}
