// The Caffe parser: Caffe's pooling geometry, numerics through the
// interpreter against Caffe's definitions written out here (pooling with
// ceil rounding and the AVE divisor, Power, Eltwise coefficients, the
// BatchNorm scale factor, in-place layers, the V1 `layers` form, Scale with
// two bottoms), and the CLI errors for bad prototxts and caffemodels (see
// bad_input_harness.h for the checks of every failing run).
#include "parsers/caffe/caffe_builder.h"
#include "tests/unit/caffe_test_util.h"

using namespace nnport;
using namespace nnport::caffe;
using namespace caffetest;

TEST_CASE("caffe pooling geometry: ceil rounding and the clip rule", "[caffe]") {
  auto axis = [](int64_t in, int64_t k, int64_t s, int64_t p) {
    auto a = caffePoolAxis(in, k, s, p, true);
    REQUIRE(a.hasValue());
    return std::make_pair(a->out, a->extraEnd);
  };
  CHECK(axis(6, 3, 2, 0) ==
        std::make_pair(int64_t{3}, int64_t{1}));  // ceil(3/2)+1, one extra column
  CHECK(axis(7, 3, 2, 0) == std::make_pair(int64_t{3}, int64_t{0}));
  CHECK(axis(5, 2, 2, 1) ==
        std::make_pair(int64_t{3}, int64_t{0}));  // 4 clipped to 3: (4-1)*2 >= 5+1
  CHECK(axis(6, 3, 2, 1) == std::make_pair(int64_t{4}, int64_t{1}));
  CHECK_FALSE(caffePoolAxis(2, 3, 1, 0, true).hasValue());
  CHECK(caffePoolAxis(6, 3, 2, 0, false)->out == 2);  // round_mode FLOOR
}

// Caffe's pooling loop: windows from -pad, AVE divides by the window clipped
// to [-pad, in+pad) before clipping it to the input.
std::vector<float> caffePool(const std::vector<float>& x, int64_t h, int64_t w, int64_t k,
                             int64_t s, int64_t p, bool ave) {
  const int64_t oh = caffePoolAxis(h, k, s, p, true)->out,
                ow = caffePoolAxis(w, k, s, p, true)->out;
  std::vector<float> y;
  for (int64_t i = 0; i < oh; ++i)
    for (int64_t j = 0; j < ow; ++j) {
      int64_t hs = i * s - p, ws = j * s - p, he = std::min(hs + k, h + p),
              we = std::min(ws + k, w + p);
      const float size = static_cast<float>((he - hs) * (we - ws));
      hs = std::max<int64_t>(hs, 0), ws = std::max<int64_t>(ws, 0), he = std::min(he, h),
      we = std::min(we, w);
      float acc = ave ? 0.f : -INFINITY;
      for (int64_t a = hs; a < he; ++a)
        for (int64_t b = ws; b < we; ++b)
          acc = ave ? acc + x[a * w + b] : std::max(acc, x[a * w + b]);
      y.push_back(ave ? acc / size : acc);
    }
  return y;
}

TEST_CASE("caffe pooling values match Caffe's loop", "[caffe]") {
  const int64_t h = 5, w = 7;
  const std::vector<float> x = wave(h * w);
  for (const auto& [k, s, p] : {std::tuple<int64_t, int64_t, int64_t>{2, 2, 1},
                                {3, 2, 1},
                                {3, 2, 0},
                                {2, 3, 0},
                                {3, 1, 1},
                                {4, 3, 2}}) {
    for (bool ave : {false, true}) {
      INFO("k=" << k << " s=" << s << " p=" << p << (ave ? " AVE" : " MAX"));
      badinput::Workspace ws;
      const std::string net =
          input({1, 1, h, w}) +
          fmt::format(
              "layer {{ name: \"pool\" type: \"Pooling\" bottom: \"data\" top: \"pool\" "
              "pooling_param {{ pool: {} kernel_size: {} stride: {} pad: {} }} }}\n",
              ave ? "AVE" : "MAX", k, s, p);
      auto m = parse(writePair(ws, net, ""));
      REQUIRE(m.hasValue());
      checkClose(run(**m, {1, 1, h, w}, x, "pool"), caffePool(x, h, w, k, s, p, ave));
    }
  }
}

TEST_CASE("caffe Power, Eltwise coefficients and in-place layers", "[caffe]") {
  badinput::Workspace ws;
  const std::string net =
      input({1, 2, 2, 2}) +
      "layer { name: \"pw\" type: \"Power\" bottom: \"data\" top: \"pw\" power_param { power: 2 "
      "scale: -0.5 shift: 3 } }\n"
      "layer { name: \"relu\" type: \"ReLU\" bottom: \"pw\" top: \"pw\" relu_param { "
      "negative_slope: 0.25 } }\n"
      "layer { name: \"sum\" type: \"Eltwise\" bottom: \"pw\" bottom: \"data\" top: \"sum\" "
      "eltwise_param { coeff: 2 coeff: -3 } }\n"
      "layer { name: \"neg\" type: \"Power\" bottom: \"sum\" top: \"sum\" power_param { scale: -1 "
      "} }\n";
  auto m = parse(writePair(ws, net, ""));
  REQUIRE(m.hasValue());
  const Graph& g = (*m)->graph;
  REQUIRE(g.outputs().size() == 1);
  CHECK(g.outputs()[0]->name() == "sum");    // the last in-place version keeps the top's name
  CHECK(g.findValue("sum/sum") != nullptr);  // the earlier one: "<top>/<layer>"
  CHECK(g.findValue("pw/relu") == nullptr);  // pw's last version is "pw", its first "pw/pw"
  CHECK(g.findValue("pw/pw") != nullptr);
  CHECK(g.findNode("relu") != nullptr);
  const std::vector<float> x = wave(8);
  std::vector<float> want;
  for (float v : x) {
    float p = std::pow(3.f - 0.5f * v, 2.f);
    p = p > 0 ? p : 0.25f * p;
    want.push_back(-(2.f * p - 3.f * v));
  }
  checkClose(run(**m, {1, 2, 2, 2}, x, "sum"), want);
}

TEST_CASE("caffe BatchNorm divides its statistics by the scale factor blob", "[caffe]") {
  badinput::Workspace ws;
  const std::string net = input({1, 2, 1, 2}) +
                          "layer { name: \"bn\" type: \"BatchNorm\" bottom: \"data\" top: \"data\" "
                          "batch_norm_param { eps: 0.5 } }\n"
                          "layer { name: \"sc\" type: \"Scale\" bottom: \"data\" top: \"data\" "
                          "scale_param { bias_term: true } }\n";
  const std::string blobs =
      caffemodelBytes({{"bn", {{{2}, {2.f, -4.f}}, {{2}, {6.f, 2.f}}, {{1}, {2.f}}}},
                       {"sc", {{{2}, {3.f, 0.5f}}, {{2}, {1.f, -1.f}}}}});
  auto m = parse(writePair(ws, net, blobs));
  REQUIRE(m.hasValue());
  // In place on a graph input: the input keeps "data", the versions after it
  // are "<top>/<layer>".
  REQUIRE((*m)->graph.outputs().size() == 1);
  CHECK((*m)->graph.outputs()[0]->name() == "data/sc");
  const std::vector<float> x = {1.f, 2.f, 3.f, -4.f};
  // mean = {1, -2}, var = {3, 1} after dividing by 2; eps 0.5.
  const std::vector<float> want = {
      3.f * (1.f - 1.f) / std::sqrt(3.5f) + 1.f, 3.f * (2.f - 1.f) / std::sqrt(3.5f) + 1.f,
      0.5f * (3.f + 2.f) / std::sqrt(1.5f) - 1.f, 0.5f * (-4.f + 2.f) / std::sqrt(1.5f) - 1.f};
  checkClose(run(**m, {1, 2, 1, 2}, x, "data/sc"), want);
}

TEST_CASE("caffe V1 layers, legacy 4-D blob shapes and TEST-phase rules", "[caffe]") {
  badinput::Workspace ws;
  const std::string net =
      "input: \"data\"\ninput_dim: 1 input_dim: 1 input_dim: 1 input_dim: 3\n"
      "layers { name: \"fc\" type: INNER_PRODUCT bottom: \"data\" top: \"fc\" inner_product_param "
      "{ num_output: 2 } }\n"
      "layers { name: \"train_only\" type: RELU bottom: \"fc\" top: \"fc\" include { phase: TRAIN "
      "} }\n"
      "layers { name: \"loss\" type: SOFTMAX_LOSS bottom: \"fc\" bottom: \"label\" top: \"loss\" "
      "}\n";
  caffepb::NetParameter w;
  auto* l = w.add_layers();
  l->set_name("fc");
  l->set_type(caffepb::V1LayerParameter::INNER_PRODUCT);
  auto* wb = l->add_blobs();  // legacy num/channels/height/width
  wb->set_num(1), wb->set_channels(1), wb->set_height(2), wb->set_width(3);
  for (float v : {1.f, 2.f, 3.f, -1.f, 0.f, 1.f}) wb->add_data(v);
  auto* bb = l->add_blobs();
  bb->set_num(1), bb->set_channels(1), bb->set_height(1), bb->set_width(2);
  for (double v : {0.5, -0.5}) bb->add_double_data(v);
  auto m = parse(writePair(ws, net, w.SerializeAsString()));
  REQUIRE(m.hasValue());
  CHECK((*m)->graph.findNode("train_only") == nullptr);
  std::string skipped;
  for (const auto& [k, v] : (*m)->metadata)
    if (k == "caffe:skipped_layers") skipped = v;
  CHECK(skipped == "train_only (ReLU), loss (SoftmaxWithLoss)");
  checkClose(run(**m, {1, 1, 1, 3}, {1.f, -2.f, 4.f}, "fc"),
             {1.f - 4.f + 12.f + 0.5f, -1.f + 4.f - 0.5f});
}

TEST_CASE("caffe Scale with two bottoms and a bias blob", "[caffe]") {
  badinput::Workspace ws;
  const std::string net = input({1, 2, 1, 2}) +
                          "layer { name: \"g\" type: \"Pooling\" bottom: \"data\" top: \"g\" "
                          "pooling_param { pool: MAX global_pooling: true } }\n"
                          "layer { name: \"gf\" type: \"Flatten\" bottom: \"g\" top: \"gf\" }\n"
                          "layer { name: \"s\" type: \"Scale\" bottom: \"data\" bottom: \"gf\" "
                          "top: \"s\" scale_param { axis: 0 bias_term: true } }\n";
  auto m = parse(writePair(ws, net, caffemodelBytes({{"s", {{{1, 2}, {10.f, 20.f}}}}})));
  REQUIRE(m.hasValue());
  checkClose(run(**m, {1, 2, 1, 2}, {1.f, 2.f, -3.f, -1.f}, "s"),
             {2.f + 10.f, 4.f + 10.f, 3.f + 20.f, 1.f + 20.f});
}
