// Hostile TensorFlow GraphDefs through the real CLI: sizes, counts and
// attributes that once overflowed, divided by zero, read out of bounds or
// asked for terabytes now end in one error line naming the file and the
// node, exit 3 (invalid), 4 (unsupported) or 7 (past the memory budget),
// and no output. One minimized input per class, and a valid control.
#include "tests/unit/tf_test_util.h"

using namespace tftest;

namespace {

constexpr int kInvalid = 3, kOverBudget = 7;
constexpr int64_t k2p31 = int64_t{1} << 31, k2p32 = int64_t{1} << 32, k2p40 = int64_t{1} << 40;

void checkTfFails(const GraphBuilder& gb, const badinput::Expectation& e,
                  std::vector<std::string> extra = {}) {
  badinput::Workspace ws;
  const auto pbPath = ws.in() / "frozen.pb";
  badinput::writeFile(pbPath, gb.bytes());
  const badinput::fs::path output = ws.out() / "out.onnx";
  std::vector<std::string> args = {"convert", "-sf",           "tensorflow",
                                   "-iw",     pbPath.string(), output.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  badinput::checkFailingRun(ws, args, output, e);
}

// x [1,8,8,3] -> Conv2D(w [3,3,3,2], strides, SAME) -> Relu "y".
GraphBuilder convGraph(const std::vector<int64_t>& strides) {
  GraphBuilder gb;
  gb.placeholder("x", {1, 8, 8, 3});
  gb.floats("w", {3, 3, 3, 2}, wave(54));
  pb::NodeDef* conv = gb.node("conv", "Conv2D", {"x", "w"});
  GraphBuilder::ints(conv, "strides", strides);
  GraphBuilder::str(conv, "padding", "SAME");
  gb.node("y", "Relu", {"conv"});
  return gb;
}

// x [1] + a float Const `big` of `dims` given by one value (TF's fill rule).
GraphBuilder splatGraph(const std::vector<int64_t>& dims) {
  GraphBuilder gb;
  gb.placeholder("x", {1});
  gb.constTensor("big", pb::DT_FLOAT, dims)->add_float_val(1.f);
  gb.node("y", "AddV2", {"x", "big"});
  return gb;
}

// x [1,8,8,3] -> `op` with const input 1 `operand` (int32 [n]).
GraphBuilder withOperand(const std::string& op, const std::vector<int32_t>& operand,
                         const std::vector<int64_t>& operandDims) {
  GraphBuilder gb;
  gb.placeholder("x", {1, 8, 8, 3});
  gb.int32s("operand", operandDims, operand);
  gb.node("n", op, {"x", "operand"});
  return gb;
}

}  // namespace

TEST_CASE("tensorflow hostile: a valid conv graph converts (control)", "[bad-input][tensorflow]") {
  badinput::Workspace ws;
  const auto pbPath = ws.in() / "frozen.pb";
  badinput::writeFile(pbPath, convGraph({1, 2, 2, 1}).bytes());
  const auto out = ws.out() / "out.onnx";
  const auto r = badinput::runNnport(ws, {"convert", "-sf", "tensorflow", "-iw", pbPath.string(),
                                          out.string(), "--inNodeName", "x", "--dstNodeName", "y"});
  INFO(r.err);
  CHECK(r.exitCode == 0);
  CHECK(badinput::filesIn(ws.out()) == std::vector<std::string>{"out.onnx"});
}

TEST_CASE("tensorflow hostile: a Const splat past the memory budget", "[bad-input][tensorflow]") {
  SECTION("[2^40]") {
    checkTfFails(splatGraph({k2p40}),
                 {kOverBudget, {"frozen.pb", "node 'big' (Const)", "--max-memory"}},
                 {"--inNodeName", "x", "--dstNodeName", "y"});
  }
  SECTION("[2^31, 4]") {
    checkTfFails(splatGraph({k2p31, 4}),
                 {kOverBudget, {"frozen.pb", "node 'big' (Const)", "[2147483648,4]"}});
  }
  SECTION("splats each under the budget count together") {
    GraphBuilder gb;
    gb.placeholder("x", {1});
    // 40 MiB each, 80 MiB together, against a 64 MiB budget.
    gb.constTensor("a", pb::DT_FLOAT, {10 << 20})->add_float_val(1.f);
    gb.constTensor("b", pb::DT_FLOAT, {10 << 20})->add_float_val(2.f);
    gb.node("s", "AddV2", {"a", "b"});
    gb.node("y", "AddV2", {"x", "s"});
    checkTfFails(gb, {kOverBudget, {"frozen.pb", "node 'b' (Const)", "64.0 MiB"}},
                 {"--max-memory", "64M"});
  }
}

TEST_CASE("tensorflow hostile: Const shapes and contents that do not add up",
          "[bad-input][tensorflow]") {
  SECTION("a negative dim") {
    checkTfFails(splatGraph({4, -1}), {kInvalid, {"frozen.pb", "node 'big' (Const)", "[4,?]"}});
  }
  SECTION("an element count past int64") {
    checkTfFails(splatGraph({k2p32, k2p32, k2p32}),
                 {kInvalid, {"frozen.pb", "node 'big' (Const)", "shape"}});
  }
  SECTION("tensor_content shorter and longer than the shape") {
    for (size_t floats : {5, 7}) {
      GraphBuilder gb;
      gb.placeholder("x", {6});
      gb.constTensor("c", pb::DT_FLOAT, {6})->set_tensor_content(std::string(floats * 4, '\0'));
      gb.node("y", "AddV2", {"x", "c"});
      checkTfFails(gb, {kInvalid, {"frozen.pb", "node 'c' (Const)", "expected 24"}});
    }
  }
  SECTION("more typed values than the shape holds") {
    GraphBuilder gb;
    gb.placeholder("x", {2});
    pb::TensorProto* t = gb.constTensor("c", pb::DT_INT32, {2});
    for (int i = 0; i < 3; ++i) t->add_int_val(i);
    gb.node("y", "AddV2", {"x", "c"});
    checkTfFails(gb, {kInvalid, {"frozen.pb", "node 'c' (Const)", "holds 3 values"}});
  }
}

TEST_CASE("tensorflow hostile: input shapes whose size overflows", "[bad-input][tensorflow]") {
  GraphBuilder gb;
  gb.placeholder("x", {1, k2p32, k2p32, k2p32});
  gb.node("y", "Relu", {"x"});
  checkTfFails(gb, {kInvalid, {"frozen.pb", "input 'x'", "more elements than nnport can address"}});
}

TEST_CASE("tensorflow hostile: window attributes out of range", "[bad-input][tensorflow]") {
  SECTION("Conv2D with a zero stride") {
    checkTfFails(convGraph({1, 0, 1, 1}),
                 {kInvalid, {"frozen.pb", "node 'conv' (Conv2D)", "strides h 0"}});
  }
  SECTION("Conv2D with a 2^40 stride") {
    checkTfFails(convGraph({1, 1, k2p40, 1}),
                 {kInvalid, {"frozen.pb", "node 'conv' (Conv2D)", "strides w"}});
  }
  SECTION("MaxPool with ksize 0 and 2^40") {
    for (int64_t k : {int64_t{0}, k2p40}) {
      GraphBuilder gb;
      gb.placeholder("x", {1, 8, 8, 3});
      pb::NodeDef* pool = gb.node("pool", "MaxPool", {"x"});
      GraphBuilder::ints(pool, "ksize", {1, k, 2, 1});
      GraphBuilder::ints(pool, "strides", {1, 1, 1, 1});
      GraphBuilder::str(pool, "padding", "VALID");
      checkTfFails(gb, {kInvalid, {"frozen.pb", "node 'pool' (MaxPool)", "kernel size"}});
    }
  }
  SECTION("a VALID window larger than the input") {
    GraphBuilder gb = convGraph({1, 1, 1, 1});
    GraphBuilder::str(gb.g.mutable_node(2), "padding", "VALID");
    gb.g.mutable_node(0)->mutable_attr()->at("shape").mutable_shape()->mutable_dim(1)->set_size(2);
    checkTfFails(gb, {kInvalid, {"frozen.pb", "node 'conv' (Conv2D)", "does not fit"}});
  }
  SECTION("explicit paddings below zero") {
    GraphBuilder gb = convGraph({1, 1, 1, 1});
    pb::NodeDef* conv = gb.g.mutable_node(2);
    GraphBuilder::str(conv, "padding", "EXPLICIT");
    GraphBuilder::ints(conv, "explicit_paddings", {0, 0, -5, 1, 1, 1, 0, 0});
    checkTfFails(gb, {kInvalid, {"frozen.pb", "node 'conv' (Conv2D)", "explicit_paddings"}});
  }
}

TEST_CASE("tensorflow hostile: operand lists out of range", "[bad-input][tensorflow]") {
  SECTION("Pad with a negative padding") {
    checkTfFails(withOperand("Pad", {0, 0, -1, 0, 0, 0, 0, 0}, {4, 2}),
                 {kInvalid, {"frozen.pb", "node 'n' (Pad)", "padding -1"}});
  }
  SECTION("Pad with an odd number of paddings") {
    checkTfFails(withOperand("Pad", {0, 0, 1}, {3}),
                 {kInvalid, {"frozen.pb", "node 'n' (Pad)", "[rank, 2]"}});
  }
  SECTION("Mean over an axis past the rank") {
    checkTfFails(withOperand("Mean", {1, 2, -7}, {3}),
                 {kInvalid, {"frozen.pb", "node 'n' (Mean)", "reduction axis -7"}});
  }
  SECTION("ResizeBilinear to 2^40 rows") {
    checkTfFails(withOperand("ResizeBilinear", {0, 4}, {2}),
                 {kInvalid, {"frozen.pb", "node 'n' (ResizeBilinear)", "output size 0"}});
    GraphBuilder gb;
    gb.placeholder("x", {1, 8, 8, 3});
    pb::TensorProto* size = gb.constTensor("operand", pb::DT_INT64, {2});
    size->add_int64_val(k2p40);
    size->add_int64_val(4);
    gb.node("n", "ResizeBilinear", {"x", "operand"});
    checkTfFails(
        gb, {kInvalid, {"frozen.pb", "node 'n' (ResizeBilinear)", "output size 1099511627776"}});
  }
  SECTION("a resize whose output size overflows") {
    GraphBuilder gb;
    gb.placeholder("x", {1, 8, 8, 1 << 20});
    pb::TensorProto* size = gb.constTensor("operand", pb::DT_INT64, {2});
    size->add_int64_val(k2p32);
    size->add_int64_val(k2p32);
    gb.node("n", "ResizeNearestNeighbor", {"x", "operand"});
    checkTfFails(gb,
                 {kInvalid, {"frozen.pb", "node 'n' (ResizeNearestNeighbor)", "more elements"}});
  }
  SECTION("a shape operand with a million values") {
    GraphBuilder gb;
    gb.placeholder("x", {1, 8, 8, 3});
    gb.constTensor("operand", pb::DT_INT32, {1 << 20})->add_int_val(1);
    gb.node("n", "Transpose", {"x", "operand"});
    checkTfFails(gb, {kInvalid, {"frozen.pb", "node 'n' (Transpose)", "perm"}});
  }
}

TEST_CASE("tensorflow hostile: node references", "[bad-input][tensorflow]") {
  SECTION("a node that reads itself") {
    GraphBuilder gb;
    gb.placeholder("x", {1, 4});
    gb.node("loop", "AddV2", {"x", "loop"});
    gb.node("y", "Relu", {"loop"});
    checkTfFails(gb, {kInvalid, {"frozen.pb", "node 'loop' (AddV2)", "its own output"}});
  }
  SECTION("a node that reads a missing node") {
    GraphBuilder gb;
    gb.placeholder("x", {1, 4});
    gb.node("y", "AddV2", {"x", "ghost"});
    checkTfFails(gb, {kInvalid, {"frozen.pb", "node 'y' (AddV2)", "'ghost'"}});
  }
  SECTION("a node name that reads as an output reference") {
    GraphBuilder gb;
    gb.placeholder("x", {1, 4});
    gb.node("y:1", "Relu", {"x"});
    checkTfFails(gb, {kInvalid, {"frozen.pb", "node 'y:1' (Relu)", "node name"}});
  }
  SECTION("an output index the node does not have") {
    GraphBuilder gb;
    gb.placeholder("x", {1, 4});
    gb.node("y", "Relu", {"x:7"});
    checkTfFails(gb, {kInvalid, {"frozen.pb", "node 'y' (Relu)", "'x:7'"}});
  }
}
