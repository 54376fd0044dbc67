// Reference kernels for quantization (Q/DQ, QLinearConv, QLinearMatMul),
// Resize/Upsample, Einsum and TopK on small hand-computed cases.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>

#include "exec/executor.h"
#include "tests/unit/exec_test_util.h"

using namespace nnport;
using namespace nnport::exec;
using namespace nnport::testing;

namespace {

RtTensor int64s(std::vector<int64_t> dims, std::vector<int64_t> v) {
  return tensor<int64_t>(DType::Int64, std::move(dims), std::move(v));
}

void checkValues(const RtTensor& t, std::vector<int64_t> dims, std::vector<double> want) {
  REQUIRE(t.dims() == dims);
  REQUIRE(t.numElements() == static_cast<int64_t>(want.size()));
  for (size_t i = 0; i < want.size(); ++i)
    CHECK(t.floatAt(static_cast<int64_t>(i)) == Approx(want[i]));
}

}  // namespace

TEST_CASE("DequantizeLinear per axis uses one scale and zero point per channel", "[exec]") {
  auto x = tensor<int8_t>(DType::Int8, {1, 2, 2}, {3, 1, -1, 5});
  auto scale = floats({2}, {0.5f, 2.f});
  auto zero = tensor<int8_t>(DType::Int8, {2}, {1, -1});
  auto out = runOp("DequantizeLinear", 13, {x, scale, zero}, {Attribute::ofInt("axis", -2)});
  REQUIRE(out[0].second.dtype() == DType::Float32);
  checkValues(out[0].second, {1, 2, 2}, {1, 0, 0, 12});
}

TEST_CASE("QuantizeLinear rounds half to even and saturates", "[exec]") {
  auto x = floats({7}, {0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 300.f, -300.f});
  auto out =
      runOp("QuantizeLinear", 13, {x, floats({}, {1.f}), tensor<int8_t>(DType::Int8, {}, {0})});
  REQUIRE(out[0].second.dtype() == DType::Int8);
  checkValues(out[0].second, {7}, {0, 2, 2, 0, -2, 127, -128});
  // No zero point: uint8 with zero point 0.
  auto u = runOp("QuantizeLinear", 13, {floats({3}, {-3.f, 5.f, 7.f}), floats({}, {2.f})});
  REQUIRE(u[0].second.dtype() == DType::UInt8);
  checkValues(u[0].second, {3}, {0, 2, 4});
}

TEST_CASE("QLinearConv matches a float conv of the dequantized operands", "[exec]") {
  // Power-of-two scales keep every float step exact, so the results must be
  // identical: per-channel w scales and zero points, a bias, stride 2, pad 1.
  const std::vector<uint8_t> xq{10, 20, 30, 40, 50, 60, 70, 80, 90};
  const std::vector<int8_t> wq{1, -2, 3, 4, -5, 6, 7, -8};
  const float xs = 0.5f, ys = 4.f;
  const uint8_t xz = 20, yz = 100;
  const std::vector<float> wsc{0.25f, 2.f};
  const std::vector<int8_t> wz{1, -1};
  const std::vector<int32_t> bias{8, -16};
  auto out =
      runOp("QLinearConv", 10,
            {tensor<uint8_t>(DType::UInt8, {1, 1, 3, 3}, xq), floats({}, {xs}),
             tensor<uint8_t>(DType::UInt8, {}, {xz}), tensor<int8_t>(DType::Int8, {2, 1, 2, 2}, wq),
             floats({2}, wsc), tensor<int8_t>(DType::Int8, {2}, wz), floats({}, {ys}),
             tensor<uint8_t>(DType::UInt8, {}, {yz}), tensor<int32_t>(DType::Int32, {2}, bias)},
            {Attribute::ofInts("strides", {2, 2}), Attribute::ofInts("pads", {1, 1, 1, 1})});
  std::vector<double> want;
  for (int m = 0; m < 2; ++m)
    for (int oy = 0; oy < 2; ++oy)
      for (int ox = 0; ox < 2; ++ox) {
        double acc = bias[m] * xs * wsc[m];
        for (int ky = 0; ky < 2; ++ky)
          for (int kx = 0; kx < 2; ++kx) {
            const int iy = oy * 2 + ky - 1, ix = ox * 2 + kx - 1;
            if (iy < 0 || iy >= 3 || ix < 0 || ix >= 3) continue;
            const double xv = (xq[iy * 3 + ix] - xz) * xs;
            const double wv = (wq[m * 4 + ky * 2 + kx] - wz[m]) * wsc[m];
            acc += xv * wv;
          }
        want.push_back(std::clamp(std::nearbyint(acc / ys) + yz, 0.0, 255.0));
      }
  REQUIRE(out[0].second.dtype() == DType::UInt8);
  checkValues(out[0].second, {1, 2, 2, 2}, want);
}

TEST_CASE("QLinearMatMul requantizes with a per-column b scale", "[exec]") {
  // a - 2 = [[1, 2]], b - 0 = [[1, 3], [2, 4]] -> [5, 11] in int32;
  // multipliers 1*1/2 and 1*2/2: 2.5 -> 2 (ties to even), 11.
  auto out = runOp(
      "QLinearMatMul", 10,
      {tensor<uint8_t>(DType::UInt8, {1, 2}, {3, 4}), floats({}, {1.f}),
       tensor<uint8_t>(DType::UInt8, {}, {2}), tensor<uint8_t>(DType::UInt8, {2, 2}, {1, 3, 2, 4}),
       floats({2}, {1.f, 2.f}), tensor<uint8_t>(DType::UInt8, {2}, {0, 0}), floats({}, {2.f}),
       tensor<uint8_t>(DType::UInt8, {}, {10})});
  checkValues(out[0].second, {1, 2}, {12, 21});
}

TEST_CASE("Resize linear with align_corners interpolates a 2x2 to 3x3", "[exec]") {
  auto out =
      runOp("Resize", 13,
            {floats({1, 1, 2, 2}, {1, 2, 3, 4}), RtTensor(), RtTensor(), int64s({4}, {1, 1, 3, 3})},
            {Attribute::ofString("mode", "linear"),
             Attribute::ofString("coordinate_transformation_mode", "align_corners")});
  checkValues(out[0].second, {1, 1, 3, 3}, {1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4});
}

TEST_CASE("Resize nearest modes and half_pixel downsampling", "[exec]") {
  const auto x = floats({4}, {10, 20, 30, 40});
  // half_pixel 4 -> 2: coordinates 0.5 and 2.5; floor-preferring rounding
  // picks 0 and 2, ceil-preferring 1 and 3.
  auto floorPref = runOp("Resize", 13, {x, RtTensor(), floats({1}, {0.5f})});
  checkValues(floorPref[0].second, {2}, {10, 30});
  auto ceilPref = runOp("Resize", 13, {x, RtTensor(), floats({1}, {0.5f})},
                        {Attribute::ofString("nearest_mode", "round_prefer_ceil")});
  checkValues(ceilPref[0].second, {2}, {20, 40});
  // Linear half_pixel 4 -> 2 averages pairs.
  auto linear = runOp("Resize", 13, {x, RtTensor(), floats({1}, {0.5f})},
                      {Attribute::ofString("mode", "linear")});
  checkValues(linear[0].second, {2}, {15, 35});
}

TEST_CASE("Resize tf_crop_and_resize fills outside the roi with the extrapolation value",
          "[exec]") {
  // roi [0.5, 1.5] of 3 positions: coordinates 1, 2 and 3 (outside).
  auto out =
      runOp("Resize", 13,
            {floats({3}, {1, 2, 3}), floats({2}, {0.5f, 1.5f}), RtTensor(), int64s({1}, {3})},
            {Attribute::ofString("mode", "linear"),
             Attribute::ofString("coordinate_transformation_mode", "tf_crop_and_resize"),
             Attribute::ofFloat("extrapolation_value", -7.f)});
  checkValues(out[0].second, {3}, {2, 3, -7});
}

TEST_CASE("Upsample-9 nearest repeats elements", "[exec]") {
  auto out = runOp("Upsample", 9, {floats({1, 2}, {1, 2}), floats({2}, {2.f, 1.5f})});
  checkValues(out[0].second, {2, 3}, {1, 1, 2, 1, 1, 2});
}

TEST_CASE("Einsum contracts, takes diagonals and broadcasts ellipsis dims", "[exec]") {
  const auto a = floats({2, 3}, {1, 2, 3, 4, 5, 6});
  const auto b = floats({3, 2}, {1, 0, 0, 1, 1, 1});
  auto mm = runOp("Einsum", 12, {a, b}, {Attribute::ofString("equation", "ij,jk->ik")});
  checkValues(mm[0].second, {2, 2}, {4, 5, 10, 11});
  const auto sq = floats({3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  auto diag = runOp("Einsum", 12, {sq}, {Attribute::ofString("equation", "ii->i")});
  checkValues(diag[0].second, {3}, {1, 5, 9});
  auto trace = runOp("Einsum", 12, {sq}, {Attribute::ofString("equation", "ii")});
  checkValues(trace[0].second, {}, {15});
  // Implicit output "ji" orders labels alphabetically: a transpose.
  auto t = runOp("Einsum", 12, {a}, {Attribute::ofString("equation", "ji")});
  checkValues(t[0].second, {3, 2}, {1, 4, 2, 5, 3, 6});
  // Ellipsis dims [2,1] broadcast against [3]: one product per batch pair.
  const auto x = floats({2, 1, 1, 2}, {1, 2, 3, 4});
  const auto y = tensor<float>(DType::Float32, {3, 2, 1}, {1, 1, 2, 0, 0, 3});
  auto bmm = runOp("Einsum", 12, {x, y}, {Attribute::ofString("equation", "...ij,...jk")});
  checkValues(bmm[0].second, {2, 3, 1, 1}, {3, 2, 6, 7, 6, 12});
  auto ints = runOp("Einsum", 12, {int64s({3}, {1, 2, 3}), int64s({3}, {4, 5, 6})},
                    {Attribute::ofString("equation", "i,i->")});
  checkValues(ints[0].second, {}, {32});
}

TEST_CASE("TopK breaks ties by the lower index", "[exec]") {
  const auto x = floats({2, 5}, {3, 1, 3, 2, 3, 0, 0, 1, 1, 0});
  auto largest = runOp("TopK", 11, {x, int64s({1}, {2})}, {}, 2);
  checkValues(largest[0].second, {2, 2}, {3, 3, 1, 1});
  checkValues(largest[1].second, {2, 2}, {0, 2, 2, 3});
  auto smallest = runOp("TopK", 11, {x, int64s({1}, {3})}, {Attribute::ofInt("largest", 0)}, 2);
  checkValues(smallest[0].second, {2, 3}, {1, 2, 3, 0, 0, 0});
  checkValues(smallest[1].second, {2, 3}, {1, 3, 0, 0, 1, 4});
  // Opset 1: k attribute; axis -2 runs down the columns.
  auto cols = runOp("TopK", 1, {x}, {Attribute::ofInt("k", 1), Attribute::ofInt("axis", -2)}, 2);
  checkValues(cols[0].second, {1, 5}, {3, 1, 3, 2, 3});
  checkValues(cols[1].second, {1, 5}, {0, 0, 0, 0, 0});
  auto tooMany = tryOp("TopK", 11, {x, int64s({1}, {6})}, {}, 2);
  CHECK_FALSE(tooMany.hasValue());
}
