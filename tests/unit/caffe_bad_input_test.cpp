// The Caffe parser's CLI errors (see bad_input_harness.h for the checks of
// every failing run) and the --custom-layer opaque path.
#include "tests/unit/caffe_test_util.h"

using namespace caffetest;

namespace {

const char* kConvNet =
    "name: \"small\"\ninput: \"data\"\ninput_shape { dim: 1 dim: 1 dim: 4 dim: 4 }\n"
    "layer { name: \"conv\" type: \"Convolution\" bottom: \"data\" top: \"conv\"\n"
    "  param { lr_mult: 1 } convolution_param { num_output: 2 kernel_size: 3 weight_filler { type: "
    "\"xavier\" } } }\n"
    "layer { name: \"relu\" type: \"ReLU\" bottom: \"conv\" top: \"conv\" }\n";

std::string convWeights() {
  nnport::caffepb::NetParameter net;
  auto* l = net.add_layer();
  l->set_name("conv");
  auto* w = l->add_blobs();
  for (int64_t d : {2, 1, 3, 3}) w->mutable_shape()->add_dim(d);
  for (int i = 0; i < 18; ++i) w->add_data(0.1f * static_cast<float>(i));
  // Fields the schema leaves out (here LayerParameter.param, 6) are kept as unknown.
  l->GetReflection()->MutableUnknownFields(l)->AddLengthDelimited(6, "\x1d\x00\x00\x80\x3f");
  auto* b = l->add_blobs();
  b->mutable_shape()->add_dim(2);
  b->add_data(1.f), b->add_data(-1.f);
  for (int i = 0; i < 40; ++i) {  // padding: an unrelated layer the prototxt lacks
    auto* extra = net.add_layer();
    extra->set_name("not_in_prototxt");
    extra->add_blobs()->add_data(1.f);
  }
  return net.SerializeAsString();
}

std::vector<std::string> convertArgs(const badinput::Workspace& ws, const Files& f) {
  return {"convert",
          "-sf",
          "caffe",
          "-in",
          f.prototxt.string(),
          "-iw",
          f.caffemodel.string(),
          (ws.out() / "out.onnx").string()};
}

void checkCaffeFails(const badinput::Workspace& ws, const Files& f,
                     const badinput::Expectation& e) {
  std::vector<std::string> args = convertArgs(ws, f);
  if (f.caffemodel.empty()) args.erase(args.begin() + 5, args.begin() + 7);  // no -iw
  badinput::checkFailingRun(ws, args, ws.out() / "out.onnx", e);
}

}  // namespace

TEST_CASE("caffe: a valid pair converts (control for the error cases)", "[caffe][bad-input]") {
  badinput::Workspace ws;
  const Files f = writePair(ws, kConvNet, convWeights());
  const auto r = badinput::runNnport(ws, convertArgs(ws, f));
  INFO("stderr: " << r.err);
  CHECK(r.exitCode == 0);
  CHECK(badinput::filesIn(ws.out()) == std::vector<std::string>{"out.onnx"});
}

TEST_CASE("caffe: -in alone finds the caffemodel beside it", "[caffe][bad-input]") {
  badinput::Workspace ws;
  const Files f = writePair(ws, kConvNet, convWeights());
  const auto r = badinput::runNnport(ws, {"convert", "-sf", "caffe", "-in", f.prototxt.string(),
                                          (ws.out() / "out.onnx").string()});
  INFO("stderr: " << r.err);
  CHECK(r.exitCode == 0);
  badinput::fs::remove(ws.out() / "out.onnx");
  badinput::fs::remove(f.caffemodel);  // now the convolution has no blobs
  checkCaffeFails(ws, {f.prototxt, {}},
                  {kInvalid, {"layer 'conv' (Convolution)", "no trained blob 0"}});
}

TEST_CASE("caffe: malformed prototxt names the file and line", "[caffe][bad-input]") {
  badinput::Workspace ws;
  const Files f = writePair(
      ws, std::string(kConvNet) + "layer { name: \"x\" type: \"ReLU\"\n  bottom: conv }\n",
      convWeights());
  checkCaffeFails(ws, f, {kInvalid, {f.prototxt.string() + ":8:11:", "Expected string"}});
}

TEST_CASE("caffe: truncated caffemodel", "[caffe][bad-input]") {
  badinput::Workspace ws;
  const std::string w = convWeights();
  const Files f = writePair(ws, kConvNet, w.substr(0, w.size() / 2 + 3));
  checkCaffeFails(ws, f, {kInvalid, {f.caffemodel.string(), "truncated"}});
}

TEST_CASE("caffe: a layer without its blobs", "[caffe][bad-input]") {
  badinput::Workspace ws;
  const Files f = writePair(ws, kConvNet, nnport::caffepb::NetParameter().SerializeAsString());
  checkCaffeFails(ws, f, {kInvalid, {f.prototxt.string(), "layer 'conv' (Convolution)", "blob 0"}});
}

TEST_CASE("caffe: unknown layer type, and --custom-layer opaque", "[caffe][bad-input]") {
  badinput::Workspace ws;
  const std::string net =
      std::string(kConvNet) +
      "layer { name: \"mystery\" type: \"Frobnicate\" bottom: \"conv\" top: \"fro\" }\n";
  const Files f = writePair(ws, net, convWeights());
  checkCaffeFails(ws, f, {kUnsupported, {f.prototxt.string(), "layer 'mystery'", "'Frobnicate'"}});

  auto args = convertArgs(ws, f);
  // The opaque top is a graph output of unknown shape, which the ONNX
  // checker rejects: --no-verify (see docs/parsers/caffe.md).
  args.insert(args.end(), {"--custom-layer", "Frobnicate=opaque", "--no-verify"});
  const auto r = badinput::runNnport(ws, args);
  INFO("stderr: " << r.err);
  REQUIRE(r.exitCode == 0);
  onnx::ModelProto m;
  REQUIRE(m.ParseFromString(badinput::readFile(ws.out() / "out.onnx")));
  const auto& nodes = m.graph().node();
  REQUIRE(nodes.size() > 0);
  const auto& last = nodes[nodes.size() - 1];
  CHECK(last.op_type() == "Frobnicate");
  CHECK(last.domain() == "caffe");
  CHECK(last.name() == "mystery");
  CHECK(m.graph().output(0).name() == "fro");
  bool imported = false;
  for (const auto& o : m.opset_import()) imported |= o.domain() == "caffe";
  CHECK(imported);
}

TEST_CASE("caffe: a fork layer option nnport cannot convert", "[caffe][bad-input]") {
  badinput::Workspace ws;
  const std::string net = std::string(kConvNet) +
                          "layer { name: \"up\" type: \"Upsample\" bottom: \"conv\" top: \"up\" "
                          "upsample_param { upsample_h: 5 upsample_w: 5 } }\n";
  const Files f = writePair(ws, net, convWeights());
  checkCaffeFails(ws, f,
                  {kUnsupported, {f.prototxt.string(), "layer 'up' (Upsample)", "mask bottom"}});
}
