// Hostile Caffe prototxt + caffemodel pairs through the real CLI: sizes and
// layer parameters that once overflowed, divided by zero or asked for
// terabytes now end in one error line naming the file and the layer, exit 3
// (invalid), 4 (unsupported) or 7 (past the memory budget), and no output.
// One minimized input per class, and a valid control.
#include "tests/unit/caffe_test_util.h"

using namespace caffetest;

namespace {

constexpr int kOverBudget = 7;
constexpr int64_t k2p30 = int64_t{1} << 30, k2p33 = int64_t{1} << 33, k2p40 = int64_t{1} << 40;

// Runs convert on the pair; an empty caffemodel is a net without weights.
void checkCaffeFails(const std::string& prototxt, const std::string& caffemodel,
                     const badinput::Expectation& e) {
  badinput::Workspace ws;
  const Files f = writePair(ws, prototxt, caffemodel);
  const auto output = ws.out() / "out.onnx";
  const std::vector<std::string> args = {
      "convert",      "-sf", "caffe", "-in", f.prototxt.string(), "-iw", f.caffemodel.string(),
      output.string()};
  badinput::checkFailingRun(ws, args, output, e);
}

std::string layer(const std::string& name, const std::string& type, const std::string& bottom,
                  const std::string& top, const std::string& params) {
  return fmt::format("layer {{ name: \"{}\" type: \"{}\" bottom: \"{}\" top: \"{}\" {} }}\n", name,
                     type, bottom, top, params);
}

// data [1,1,6,6] -> Convolution "conv" (2 outputs, `params`) with weights
// [2,1,3,3] and bias [2].
std::string convNet(const std::string& params) {
  return input({1, 1, 6, 6}) + layer("conv", "Convolution", "data", "conv",
                                     "convolution_param { num_output: 2 " + params + " }");
}

std::string convWeights(size_t weightValues = 18) {
  return caffemodelBytes({{"conv", {{{2, 1, 3, 3}, wave(weightValues)}, {{2}, {0.5f, -0.5f}}}}});
}

std::string poolNet(const std::string& params) {
  return input({1, 1, 6, 6}) +
         layer("pool", "Pooling", "data", "pool", "pooling_param { pool: MAX " + params + " }");
}

}  // namespace

TEST_CASE("caffe hostile: a valid pair converts (control)", "[bad-input][caffe]") {
  badinput::Workspace ws;
  const Files f = writePair(ws, convNet("kernel_size: 3 stride: 2"), convWeights());
  const auto r =
      badinput::runNnport(ws, {"convert", "-sf", "caffe", "-in", f.prototxt.string(), "-iw",
                               f.caffemodel.string(), (ws.out() / "out.onnx").string()});
  INFO(r.err);
  CHECK(r.exitCode == 0);
  CHECK(badinput::filesIn(ws.out()) == std::vector<std::string>{"out.onnx"});
}

TEST_CASE("caffe hostile: SegNet unpooling from a huge input shape", "[bad-input][caffe]") {
  // The plane offsets are N * C int64s: 2^33 channels ask for 64 GiB.
  const std::string net =
      input({1, k2p33, 2, 2}) +
      "layer { name: \"pool\" type: \"Pooling\" bottom: \"data\" top: \"pool\" top: \"mask\"\n"
      "  pooling_param { pool: MAX kernel_size: 2 stride: 2 } }\n"
      "layer { name: \"unpool\" type: \"Upsample\" bottom: \"pool\" bottom: \"mask\" top: \"up\"\n"
      "  upsample_param { scale: 2 } }\n";
  checkCaffeFails(net, "",
                  {kOverBudget, {"net.prototxt", "layer 'unpool' (Upsample)", "plane offsets"}});
}

TEST_CASE("caffe hostile: upsampling past what int64 counts", "[bad-input][caffe]") {
  SECTION("nearest Upsample") {
    // 2^57 elements in, 2^65 out.
    const std::string net = input({1, 1, k2p30 / 4, k2p30 / 2}) +
                            layer("up", "Upsample", "data", "up", "upsample_param { scale: 16 }");
    checkCaffeFails(net, "",
                    {kInvalid, {"net.prototxt", "layer 'up' (Upsample)", "more elements"}});
  }
  SECTION("Interp zoom") {
    const std::string net =
        input({1, 1, k2p33, 2}) +
        layer("zoom", "Interp", "data", "zoom", "interp_param { zoom_factor: 2147483647 }");
    checkCaffeFails(net, "", {kInvalid, {"net.prototxt", "layer 'zoom' (Interp)", "overflows"}});
  }
}

TEST_CASE("caffe hostile: input shapes", "[bad-input][caffe]") {
  SECTION("zero and negative dims") {
    for (int64_t d : {int64_t{0}, int64_t{-3}})
      checkCaffeFails(input({1, 1, d, 6}) + layer("relu", "ReLU", "data", "relu", ""), "",
                      {kInvalid, {"net.prototxt", "input 'data'", "dimension"}});
  }
  SECTION("an element count past int64") {
    checkCaffeFails(
        input({k2p40, k2p40, 4}) + layer("relu", "ReLU", "data", "relu", ""), "",
        {kInvalid, {"net.prototxt", "input 'data'", "more elements than nnport can address"}});
  }
}

TEST_CASE("caffe hostile: blobs that do not match the layer", "[bad-input][caffe]") {
  const std::string net = convNet("kernel_size: 3");
  SECTION("an overflowing blob shape") {
    const std::string w =
        caffemodelBytes({{"conv", {{{int64_t{1} << 62, 8, 1, 1}, {1.f}}, {{2}, {0.f, 0.f}}}}});
    checkCaffeFails(net, w,
                    {kInvalid, {"net.prototxt", "layer 'conv' (Convolution)", "blob 0 (weights)"}});
  }
  SECTION("a negative blob dim") {
    const std::string w =
        caffemodelBytes({{"conv", {{{2, 1, -3, -3}, wave(18)}, {{2}, {0.f, 0.f}}}}});
    checkCaffeFails(net, w,
                    {kInvalid, {"net.prototxt", "layer 'conv' (Convolution)", "blob 0 (weights)"}});
  }
  SECTION("one value short") {
    checkCaffeFails(net, convWeights(17), {kInvalid, {"layer 'conv' (Convolution)", "17 float"}});
  }
  SECTION("a truncated caffemodel") {
    const std::string w = convWeights();
    checkCaffeFails(net, w.substr(0, w.size() - 5), {kInvalid, {"net.caffemodel", "truncated"}});
  }
}

TEST_CASE("caffe hostile: window parameters out of range", "[bad-input][caffe]") {
  SECTION("Convolution kernel 0") {
    checkCaffeFails(convNet("kernel_size: 0"), convWeights(),
                    {kInvalid, {"net.prototxt", "layer 'conv' (Convolution)", "kernel=0"}});
  }
  SECTION("Convolution stride 2^32 - 1") {
    checkCaffeFails(
        convNet("kernel_size: 3 stride: 4294967295"), convWeights(),
        {kInvalid, {"net.prototxt", "layer 'conv' (Convolution)", "stride=4294967295"}});
  }
  SECTION("Convolution kernel 2^40 does not fit the field") {
    checkCaffeFails(convNet("kernel_size: 1099511627776"), convWeights(),
                    {kInvalid, {"net.prototxt:3:", "Integer out of range"}});
  }
  SECTION("Convolution window larger than the input") {
    checkCaffeFails(convNet("kernel_size: 3 dilation: 3"), convWeights(),
                    {kInvalid, {"net.prototxt", "layer 'conv' (Convolution)", "does not fit"}});
  }
  SECTION("Convolution group 0") {
    checkCaffeFails(convNet("kernel_size: 3 group: 0"), convWeights(),
                    {kInvalid, {"net.prototxt", "layer 'conv' (Convolution)", "group=0"}});
  }
  SECTION("Pooling stride 0") {
    checkCaffeFails(poolNet("kernel_size: 2 stride: 0"), "",
                    {kInvalid, {"net.prototxt", "layer 'pool' (Pooling)", "stride_h=0"}});
  }
  SECTION("Pooling kernel 2^31") {
    checkCaffeFails(poolNet("kernel_h: 2147483648 kernel_w: 2"), "",
                    {kInvalid, {"net.prototxt", "layer 'pool' (Pooling)", "kernel_h=2147483648"}});
  }
  SECTION("LRN local_size 2^32 - 1") {
    checkCaffeFails(input({1, 3, 6, 6}) +
                        layer("lrn", "LRN", "data", "lrn", "lrn_param { local_size: 4294967295 }"),
                    "", {kInvalid, {"net.prototxt", "layer 'lrn' (LRN)", "local_size"}});
  }
  SECTION("Upsample scale 0") {
    checkCaffeFails(
        input({1, 3, 6, 6}) + layer("up", "Upsample", "data", "up", "upsample_param { scale: 0 }"),
        "", {kInvalid, {"net.prototxt", "layer 'up' (Upsample)", "scale_h=0"}});
  }
}

TEST_CASE("caffe hostile: a top with an empty name", "[bad-input][caffe]") {
  // Found by fuzz_caffe: the layer's output had no value to take its type.
  checkCaffeFails(input({1, 1, 6, 6}) + layer("relu", "ReLU", "data", "", ""), "",
                  {kInvalid, {"net.prototxt", "layer 'relu' (ReLU)", "empty name"}});
}
