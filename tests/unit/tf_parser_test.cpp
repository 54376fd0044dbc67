// The TensorFlow parser's numerics against naive NHWC loops written from
// TF's documented semantics: SAME padding with the odd cell at the end for
// Conv2D, DepthwiseConv2dNative (kernel [kh,kw,C,m], output channel c*m+j),
// MaxPool and AvgPool (which averages only cells inside the input),
// Conv2DBackpropInput, and StridedSlice with its masks. Also: no Transposes
// left between the ops of a converted conv chain.
#include <cmath>

#include "parsers/tensorflow/tf_builder.h"
#include "tests/unit/tf_test_util.h"

using namespace tftest;

namespace {

struct Geometry {
  int64_t n, h, w, c, k, s, d;
  int64_t oh() const { return (h + s - 1) / s; }
  int64_t ow() const { return (w + s - 1) / s; }
  int64_t at(int64_t y, int64_t x, int64_t ch) const { return (y * w + x) * c + ch; }
};

// y[oy,ox,co] = sum x[oy*s - pb + ky*d, ox*s - pb + kx*d, ci] * k[ky,kx,ci,co] (SAME)
std::vector<float> refConv(const Geometry& g, const std::vector<float>& x,
                           const std::vector<float>& k, int64_t co) {
  const int64_t pt = sameBegin(g.h, g.k, g.s, g.d), pl = sameBegin(g.w, g.k, g.s, g.d);
  std::vector<float> y(static_cast<size_t>(g.oh() * g.ow() * co), 0.f);
  for (int64_t oy = 0; oy < g.oh(); ++oy)
    for (int64_t ox = 0; ox < g.ow(); ++ox)
      for (int64_t o = 0; o < co; ++o) {
        double acc = 0;
        for (int64_t ky = 0; ky < g.k; ++ky)
          for (int64_t kx = 0; kx < g.k; ++kx) {
            const int64_t iy = oy * g.s - pt + ky * g.d, ix = ox * g.s - pl + kx * g.d;
            if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
            for (int64_t i = 0; i < g.c; ++i)
              acc += x[g.at(iy, ix, i)] * k[((ky * g.k + kx) * g.c + i) * co + o];
          }
        y[(oy * g.ow() + ox) * co + o] = static_cast<float>(acc);
      }
  return y;
}

void checkClose(const exec::RtTensor& got, const std::vector<float>& want) {
  REQUIRE(got.numElements() == static_cast<int64_t>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) {
    INFO("element " << i);
    CHECK(got.data<float>()[i] == Approx(want[i]).margin(1e-5).epsilon(1e-5));
  }
}

void stridedNode(pb::NodeDef* n, const std::vector<int64_t>& s) {
  GraphBuilder::ints(n, "strides", {1, s[0], s[1], 1});
  GraphBuilder::str(n, "padding", "SAME");
}

}  // namespace

TEST_CASE("tensorflow SAME pads put the odd cell at the end", "[tensorflow]") {
  CHECK(tf::samePads(7, 3, 2, 1).begin == 1);
  CHECK(tf::samePads(7, 3, 2, 1).end == 1);
  CHECK(tf::samePads(8, 3, 2, 1).begin == 0);  // total 1: all at the end
  CHECK(tf::samePads(8, 3, 2, 1).end == 1);
  CHECK(tf::samePads(6, 4, 1, 1).begin == 1);  // total 3
  CHECK(tf::samePads(6, 4, 1, 1).end == 2);
  CHECK(tf::samePads(9, 2, 1, 3).begin == 1);  // dilated: effective 4
  CHECK(tf::samePads(9, 2, 1, 3).end == 2);
  CHECK(tf::samePads(5, 1, 2, 1).end == 0);
}

TEST_CASE("tensorflow Conv2D SAME stride 2 chain: values, pads, no inner Transposes",
          "[tensorflow]") {
  badinput::Workspace ws;
  const Geometry g{1, 6, 7, 2, 3, 2, 1};
  const int64_t co = 3;
  const std::vector<float> k1 = wave(3 * 3 * 2 * co, 0.53f), k2 = wave(3 * 3 * co * 2, 0.29f);
  GraphBuilder gb;
  gb.placeholder("x", {-1, 6, 7, 2});
  gb.floats("k1", {3, 3, 2, co}, k1);
  gb.floats("k2", {3, 3, co, 2}, k2);
  stridedNode(gb.node("c1", "Conv2D", {"x", "k1"}), {2, 2});
  gb.node("r", "Relu", {"c1"});
  stridedNode(gb.node("c2", "Conv2D", {"r", "k2"}), {1, 1});
  auto m = parse(ws, gb);
  INFO((m.hasValue() ? "" : m.status().message()));
  REQUIRE(m.hasValue());
  CHECK(countOps(**m, "Transpose") == 2);  // at the input and the output only
  CHECK((*m)->graph.outputs().front()->name() == "c2");
  for (const Node* n : (*m)->graph.nodes())
    if (n->opType() == "Conv" && n->attrInts("strides") == std::vector<int64_t>{2, 2})
      CHECK(n->attrInts("pads") == std::vector<int64_t>{0, 1, 1, 1});  // H total 1, W total 2
  const std::vector<float> x = wave(6 * 7 * 2);
  std::vector<float> y1 = refConv(g, x, k1, co);
  for (float& v : y1) v = std::max(v, 0.f);
  const std::vector<float> y2 = refConv({1, 3, 4, co, 3, 1, 1}, y1, k2, 2);
  const exec::RtTensor out = run(**m, {1, 6, 7, 2}, x);
  CHECK(out.dims() == std::vector<int64_t>{1, 3, 4, 2});
  checkClose(out, y2);
}

TEST_CASE("tensorflow Conv2D -> Mean over H,W without keep_dims: one Transpose, at the input",
          "[tensorflow]") {
  badinput::Workspace ws;
  const std::vector<float> k = wave(3 * 3 * 2 * 4, 0.61f), x = wave(5 * 5 * 2);
  GraphBuilder gb;
  gb.placeholder("x", {1, 5, 5, 2});
  gb.floats("k", {3, 3, 2, 4}, k);
  gb.int32s("axes", {2}, {1, 2});
  stridedNode(gb.node("c", "Conv2D", {"x", "k"}), {1, 1});
  gb.node("mean", "Mean", {"c", "axes"});
  auto m = parse(ws, gb);
  REQUIRE(m.hasValue());
  CHECK(countOps(**m, "Transpose") == 1);
  const std::vector<float> y = refConv({1, 5, 5, 2, 3, 1, 1}, x, k, 4);
  std::vector<float> want(4, 0.f);
  for (size_t i = 0; i < y.size(); ++i) want[i % 4] += y[i] / 25.f;
  const exec::RtTensor out = run(**m, {1, 5, 5, 2}, x);
  CHECK(out.dims() == std::vector<int64_t>{1, 4});
  checkClose(out, want);
}

TEST_CASE("tensorflow DepthwiseConv2dNative: [kh,kw,C,m] kernels, channel c*m+j", "[tensorflow]") {
  badinput::Workspace ws;
  const int64_t h = 5, w = 4, c = 2, m = 3, k = 3, s = 2;
  const std::vector<float> kern = wave(k * k * c * m, 0.71f), x = wave(h * w * c, 0.23f);
  GraphBuilder gb;
  gb.placeholder("x", {1, h, w, c});
  gb.floats("k", {k, k, c, m}, kern);
  stridedNode(gb.node("dw", "DepthwiseConv2dNative", {"x", "k"}), {s, s});
  auto model = parse(ws, gb);
  REQUIRE(model.hasValue());
  // Each channel alone through a [k,k,1,m] conv.
  const Geometry g1{1, h, w, 1, k, s, 1};
  std::vector<float> want(static_cast<size_t>(g1.oh() * g1.ow() * c * m));
  for (int64_t ch = 0; ch < c; ++ch) {
    std::vector<float> xc, kc;
    for (int64_t i = 0; i < h * w; ++i) xc.push_back(x[i * c + ch]);
    for (int64_t i = 0; i < k * k; ++i)
      for (int64_t j = 0; j < m; ++j) kc.push_back(kern[(i * c + ch) * m + j]);
    const std::vector<float> yc = refConv(g1, xc, kc, m);
    for (int64_t p = 0; p < g1.oh() * g1.ow(); ++p)
      for (int64_t j = 0; j < m; ++j) want[p * c * m + ch * m + j] = yc[p * m + j];
  }
  checkClose(run(**model, {1, h, w, c}, x), want);
}

TEST_CASE("tensorflow MaxPool / AvgPool SAME: windows past the end, padded cells excluded",
          "[tensorflow]") {
  const int64_t h = 5, w = 6, k = 3, s = 2;
  const std::vector<float> x = wave(h * w, 0.91f);
  for (const std::string op : {"MaxPool", "AvgPool"}) {
    INFO(op);
    badinput::Workspace ws;
    GraphBuilder gb;
    gb.placeholder("x", {1, h, w, 1});
    pb::NodeDef* n = gb.node("p", op, {"x"});
    GraphBuilder::ints(n, "ksize", {1, k, k, 1});
    stridedNode(n, {s, s});
    auto m = parse(ws, gb);
    REQUIRE(m.hasValue());
    const Geometry g{1, h, w, 1, k, s, 1};
    const int64_t pt = sameBegin(h, k, s), pl = sameBegin(w, k, s);
    std::vector<float> want;
    for (int64_t oy = 0; oy < g.oh(); ++oy)
      for (int64_t ox = 0; ox < g.ow(); ++ox) {
        double best = -1e30, sum = 0;
        int cells = 0;
        for (int64_t iy = oy * s - pt; iy < oy * s - pt + k; ++iy)
          for (int64_t ix = ox * s - pl; ix < ox * s - pl + k; ++ix) {
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            best = std::max<double>(best, x[iy * w + ix]);
            sum += x[iy * w + ix];
            ++cells;
          }
        want.push_back(static_cast<float>(op == "MaxPool" ? best : sum / cells));
      }
    checkClose(run(**m, {1, h, w, 1}, x), want);
  }
}

TEST_CASE("tensorflow Conv2DBackpropInput: dy scattered through the forward windows",
          "[tensorflow]") {
  // Forward conv: x [1,5,5,2] -> dy [1,3,3,1] with k3 s2 SAME (pads 1,1).
  for (const std::string padding : {"SAME", "VALID"}) {
    INFO(padding);
    badinput::Workspace ws;
    const int64_t outH = padding == "SAME" ? 5 : 7, co = 2, k = 3, s = 2;
    const std::vector<float> kern = wave(k * k * co, 0.41f), dy = wave(9, 0.77f);
    GraphBuilder gb;
    gb.placeholder("dy", {1, 3, 3, 1});
    gb.int32s("sizes", {4}, {1, static_cast<int32_t>(outH), static_cast<int32_t>(outH), co});
    gb.floats("k", {k, k, co, 1}, kern);
    pb::NodeDef* n = gb.node("t", "Conv2DBackpropInput", {"sizes", "k", "dy"});
    GraphBuilder::ints(n, "strides", {1, s, s, 1});
    GraphBuilder::str(n, "padding", padding);
    auto m = parse(ws, gb);
    INFO((m.hasValue() ? "" : m.status().message()));
    REQUIRE(m.hasValue());
    const int64_t p = padding == "SAME" ? sameBegin(outH, k, s) : 0;
    std::vector<float> want(static_cast<size_t>(outH * outH * co), 0.f);
    for (int64_t oy = 0; oy < 3; ++oy)
      for (int64_t ox = 0; ox < 3; ++ox)
        for (int64_t ky = 0; ky < k; ++ky)
          for (int64_t kx = 0; kx < k; ++kx) {
            const int64_t iy = oy * s - p + ky, ix = ox * s - p + kx;
            if (iy < 0 || iy >= outH || ix < 0 || ix >= outH) continue;
            for (int64_t c = 0; c < co; ++c)
              want[(iy * outH + ix) * co + c] += dy[oy * 3 + ox] * kern[(ky * k + kx) * co + c];
          }
    const exec::RtTensor out = run(**m, {1, 3, 3, 1}, dy);
    CHECK(out.dims() == std::vector<int64_t>{1, outH, outH, co});
    checkClose(out, want);
  }
}

namespace {

struct SliceCase {
  std::vector<int32_t> begin, end, strides;
  int64_t beginMask, endMask, ellipsisMask, newAxisMask, shrinkMask;
  std::vector<int64_t> dims;  // expected output dims
  std::vector<float> values;  // expected values of iota(2*3*4)
};

}  // namespace

TEST_CASE("tensorflow StridedSlice: begin/end/shrink/ellipsis/new_axis masks", "[tensorflow]") {
  // x[i][j][k] = 12*i + 4*j + k, x: [2,3,4]
  const std::vector<SliceCase> cases = {
      // x[:, 1:, ::2]
      {{0, 1, 0},
       {0, 0, 0},
       {1, 1, 2},
       0b101,
       0b111,
       0,
       0,
       0,
       {2, 2, 2},
       {4, 6, 8, 10, 16, 18, 20, 22}},
      // x[1, :, -1]
      {{1, 0, -1}, {2, 0, 0}, {1, 1, 1}, 0b010, 0b010, 0, 0, 0b101, {3}, {15, 19, 23}},
      // x[..., None, 3:0:-2]
      {{0, 0, 3},
       {0, 0, 0},
       {1, 1, -2},
       0,
       0,
       0b001,
       0b010,
       0,
       {2, 3, 1, 2},
       {3, 1, 7, 5, 11, 9, 15, 13, 19, 17, 23, 21}},
      // x[-1, 2:0:-1, 1]
      {{-1, 2, 1}, {0, 0, 0}, {1, -1, 1}, 0, 0, 0, 0, 0b101, {2}, {21, 17}},
  };
  std::vector<float> x(24);
  for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i);
  for (size_t c = 0; c < cases.size(); ++c) {
    INFO("case " << c);
    const SliceCase& sc = cases[c];
    badinput::Workspace ws;
    GraphBuilder gb;
    gb.placeholder("x", {2, 3, 4});
    const int64_t n = static_cast<int64_t>(sc.begin.size());
    gb.int32s("b", {n}, sc.begin);
    gb.int32s("e", {n}, sc.end);
    gb.int32s("s", {n}, sc.strides);
    pb::NodeDef* node = gb.node("ss", "StridedSlice", {"x", "b", "e", "s"});
    GraphBuilder::integer(node, "begin_mask", sc.beginMask);
    GraphBuilder::integer(node, "end_mask", sc.endMask);
    GraphBuilder::integer(node, "ellipsis_mask", sc.ellipsisMask);
    GraphBuilder::integer(node, "new_axis_mask", sc.newAxisMask);
    GraphBuilder::integer(node, "shrink_axis_mask", sc.shrinkMask);
    auto m = parse(ws, gb);
    INFO((m.hasValue() ? "" : m.status().message()));
    REQUIRE(m.hasValue());
    const exec::RtTensor out = run(**m, {2, 3, 4}, x);
    CHECK(out.dims() == sc.dims);
    checkClose(out, sc.values);
  }
}
