// The Caffe fork layers (Interp, Upsample) and MAX pooling's mask top,
// through the reference interpreter against their definitions on inputs
// whose results are known in closed form, and their refusals.
#include "tests/unit/caffe_test_util.h"

using namespace nnport;
using namespace caffetest;

namespace {

// x[c][h][w] = 100c + 10h + w: bilinear interpolation of a linear ramp is
// the ramp at the sampled coordinates.
std::vector<float> ramp(int64_t c, int64_t h, int64_t w) {
  std::vector<float> v;
  for (int64_t a = 0; a < c; ++a)
    for (int64_t i = 0; i < h; ++i)
      for (int64_t j = 0; j < w; ++j) v.push_back(static_cast<float>(100 * a + 10 * i + j));
  return v;
}

// The ramp sampled at aligned-corner coordinates of an oh x ow output over
// the input window starting at (b, b) of size eh x ew.
std::vector<float> alignedRamp(int64_t c, int64_t eh, int64_t ew, int64_t oh, int64_t ow,
                               int64_t b) {
  std::vector<float> v;
  auto coord = [](int64_t o, int64_t in, int64_t out) {
    return out > 1
               ? static_cast<float>(o) * static_cast<float>(in - 1) / static_cast<float>(out - 1)
               : 0.f;
  };
  for (int64_t a = 0; a < c; ++a)
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j)
        v.push_back(100.f * static_cast<float>(a) +
                    10.f * (static_cast<float>(b) + coord(i, eh, oh)) + static_cast<float>(b) +
                    coord(j, ew, ow));
  return v;
}

Expected<std::unique_ptr<Model>> parseNet(const badinput::Workspace& ws,
                                          const std::vector<int64_t>& dims,
                                          const std::string& layers) {
  return parse(writePair(ws, input(dims) + layers, ""));
}

const Node* nodeNamed(const Model& m, const std::string& name) {
  return m.graph.findNode(name);
}

void checkRefused(const std::string& layers, ErrorCode code, const std::string& mention) {
  badinput::Workspace ws;
  auto m = parseNet(ws, {1, 2, 4, 6}, layers);
  REQUIRE_FALSE(m.hasValue());
  INFO(m.status().message());
  CHECK(m.status().code() == code);
  CHECK(m.status().message().find(mention) != std::string::npos);
  CHECK(m.status().message().find("net.prototxt: layer '") != std::string::npos);
}

}  // namespace

TEST_CASE("caffe Interp: each size rule samples with aligned corners", "[caffe]") {
  struct Case {
    std::string param;
    int64_t oh, ow, eh, ew, begin;
  };
  const int64_t h = 5, w = 7;
  for (const Case& c :
       {Case{"zoom_factor: 3", 13, 19, 5, 7, 0}, Case{"shrink_factor: 2", 3, 4, 5, 7, 0},
        Case{"height: 4 width: 11", 4, 11, 5, 7, 0},
        Case{"shrink_factor: 2 zoom_factor: 2 pad_beg: -1 pad_end: -1", 3, 5, 3, 5, 1},
        Case{"height: 1 width: 3", 1, 3, 5, 7, 0}}) {
    INFO(c.param);
    badinput::Workspace ws;
    auto m = parseNet(
        ws, {1, 2, h, w},
        "layer { name: \"i\" type: \"Interp\" bottom: \"data\" top: \"i\" interp_param { " +
            c.param + " } }\n");
    REQUIRE(m.hasValue());
    const Node* n = nodeNamed(**m, "i");
    REQUIRE(n);
    CHECK(n->opType() == "Resize");
    CHECK(n->attrString("coordinate_transformation_mode") == "align_corners");
    checkClose(run(**m, {1, 2, h, w}, ramp(2, h, w), "i"),
               alignedRamp(2, c.eh, c.ew, c.oh, c.ow, c.begin));
  }
}

TEST_CASE("caffe Upsample with one bottom is nearest neighbour", "[caffe]") {
  badinput::Workspace ws;
  auto m = parseNet(ws, {1, 2, 3, 4},
                    "layer { name: \"u\" type: \"Upsample\" bottom: \"data\" top: \"u\" "
                    "upsample_param { scale_h: 3 scale_w: 2 } }\n");
  REQUIRE(m.hasValue());
  const std::vector<float> x = wave(24);
  std::vector<float> want;
  for (int64_t c = 0; c < 2; ++c)
    for (int64_t i = 0; i < 9; ++i)
      for (int64_t j = 0; j < 8; ++j)
        want.push_back(x[static_cast<size_t>(c * 12 + (i / 3) * 4 + j / 2)]);
  CHECK(run(**m, {1, 2, 3, 4}, x, "u") == want);
}

TEST_CASE("caffe MAX pooling mask and SegNet unpooling put each maximum back", "[caffe]") {
  // 2 x 2 windows, stride 2, over 5 x 6 with Caffe's ceil rounding: 3 x 3
  // windows, the last row of windows one cell tall.
  const int64_t c = 2, h = 5, w = 6, oh = 3, ow = 3;
  badinput::Workspace ws;
  auto m = parseNet(
      ws, {1, c, h, w},
      "layer { name: \"p\" type: \"Pooling\" bottom: \"data\" top: \"p\" top: \"mask\" "
      "pooling_param { pool: MAX kernel_size: 2 stride: 2 } }\n"
      "layer { name: \"copy\" type: \"Power\" bottom: \"mask\" top: \"copy\" }\n"
      "layer { name: \"un\" type: \"Upsample\" bottom: \"p\" bottom: \"mask\" top: \"un\" "
      "upsample_param { scale: 2 pad_out_h: true } }\n"
      "layer { name: \"big\" type: \"Upsample\" bottom: \"p\" bottom: \"mask\" top: \"big\" "
      "upsample_param { upsample_h: 6 upsample_w: 8 } }\n");
  REQUIRE(m.hasValue());
  const std::vector<float> x = wave(static_cast<size_t>(c * h * w));
  std::vector<float> mask, pooled;
  for (int64_t a = 0; a < c; ++a)
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j) {
        float best = -INFINITY, at = -1;
        for (int64_t y = 2 * i; y < std::min(2 * i + 2, h); ++y)
          for (int64_t z = 2 * j; z < std::min(2 * j + 2, w); ++z)
            if (x[static_cast<size_t>(a * h * w + y * w + z)] > best)
              best = x[static_cast<size_t>(a * h * w + y * w + z)],
              at = static_cast<float>(y * w + z);
        mask.push_back(at);
        pooled.push_back(best);
      }
  CHECK(run(**m, {1, c, h, w}, x, "copy") == mask);
  // Unpooled into (2*3 - 1) x (2*3) and into 6 x 8: the mask indexes each plane.
  for (const auto& [top, uh, uw] :
       {std::tuple<std::string, int64_t, int64_t>{"un", 5, 6}, {"big", 6, 8}}) {
    INFO(top);
    std::vector<float> want(static_cast<size_t>(c * uh * uw), 0.f);
    for (size_t k = 0; k < mask.size(); ++k)
      want[(k / (oh * ow)) * static_cast<size_t>(uh * uw) + static_cast<size_t>(mask[k])] =
          pooled[k];
    CHECK(run(**m, {1, c, h, w}, x, top) == want);
  }
}

TEST_CASE("caffe fork layers refuse what they cannot convert", "[caffe]") {
  const std::string pool =
      "layer { name: \"p\" type: \"Pooling\" bottom: \"data\" top: \"p\" top: \"m\" "
      "pooling_param { pool: MAX kernel_size: 2 stride: 2 } }\n";
  checkRefused(
      "layer { name: \"i\" type: \"Interp\" bottom: \"data\" top: \"i\" interp_param { pad_beg: 1 "
      "zoom_factor: 2 } }\n",
      ErrorCode::InvalidInput, "pad_beg and pad_end crop");
  checkRefused("layer { name: \"i\" type: \"Interp\" bottom: \"data\" top: \"i\" }\n",
               ErrorCode::InvalidInput, "needs zoom_factor");
  checkRefused(
      "layer { name: \"i\" type: \"Interp\" bottom: \"data\" top: \"i\" interp_param { pad_beg: -3 "
      "pad_end: -2 zoom_factor: 2 } }\n",
      ErrorCode::InvalidInput, "crop away");
  checkRefused(
      "layer { name: \"u\" type: \"Upsample\" bottom: \"data\" top: \"u\" upsample_param { "
      "upsample_h: 8 upsample_w: 12 } }\n",
      ErrorCode::Unsupported, "need the mask bottom");
  checkRefused(pool +
                   "layer { name: \"u\" type: \"Upsample\" bottom: \"p\" bottom: \"m\" bottom: "
                   "\"m\" top: \"u\" }\n",
               ErrorCode::InvalidInput, "has 3 bottoms");
  checkRefused(
      pool + "layer { name: \"u\" type: \"Upsample\" bottom: \"data\" bottom: \"m\" top: \"u\" }\n",
      ErrorCode::InvalidInput, "mask bottom's shape");
  checkRefused(
      "layer { name: \"a\" type: \"Pooling\" bottom: \"data\" top: \"a\" top: \"b\" "
      "pooling_param { pool: AVE kernel_size: 2 stride: 2 } }\n",
      ErrorCode::InvalidInput, "AVE pooling has one top");
}
