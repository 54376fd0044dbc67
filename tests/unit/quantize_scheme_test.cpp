// The quantizer's arithmetic: affine maps per scheme, the streaming
// histogram, and the calibration methods' ranges.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "quantize/range_methods.h"
#include "quantize/weights.h"

using namespace nnport;
using namespace nnport::quant;

TEST_CASE("affine maps: symmetric, asymmetric, reduced range", "[quantize]") {
  const Affine s8 = affineFor(-1.0, 2.0, {QType::Int8, true, false});
  CHECK(s8.zeroPoint == 0);
  CHECK(s8.scale == Approx(2.0 / 127));
  const Affine u8 = affineFor(-1.0, 3.0, {QType::UInt8, false, false});
  CHECK(u8.scale == Approx(4.0 / 255));
  CHECK(u8.zeroPoint == 64);  // round(1 / (4/255)) = round(63.75)
  const Affine u8sym = affineFor(-1.0, 3.0, {QType::UInt8, true, false});
  CHECK(u8sym.zeroPoint == 128);
  CHECK(u8sym.scale == Approx(3.0 / 127));
  // A range that excludes 0 is widened to hold it: 0 stays exact.
  const Affine pos = affineFor(2.0, 4.0, {QType::Int8, false, false});
  CHECK(pos.zeroPoint == -128);
  CHECK(dequantizeValue(quantizeValue(0.0, pos, gridOf({QType::Int8, false, false})), pos) == 0);
  const GridRange r7 = gridOf({QType::Int8, true, true});
  CHECK(r7.qmin == -63);
  CHECK(r7.qmax == 63);
  CHECK(gridOf({QType::UInt8, false, true}).qmax == 127);
  const Affine flat = affineFor(0.0, 0.0, {QType::UInt8, false, false});
  CHECK(flat.scale == 1.0f);
  CHECK(flat.zeroPoint == 0);
}

TEST_CASE("quantizeValue rounds half to even and saturates", "[quantize]") {
  const Affine a{0.5f, 0};
  const GridRange g{-128, 127};
  CHECK(quantizeValue(0.25, a, g) == 0);  // 0.5 -> 0
  CHECK(quantizeValue(0.75, a, g) == 2);  // 1.5 -> 2
  CHECK(quantizeValue(1000.0, a, g) == 127);
  CHECK(quantizeValue(-1000.0, a, g) == -128);
  CHECK(quantizeValue(std::nan(""), a, g) == 0);
}

TEST_CASE("deployment targets pick their schemes", "[quantize]") {
  auto trt = targetScheme("tensorrt");
  REQUIRE(trt);
  CHECK(trt->activation.symmetric);
  CHECK(trt->activation.type == QType::Int8);
  CHECK(trt->perChannel);
  auto kpu = targetScheme("k210");
  REQUIRE(kpu);
  CHECK(kpu->activation.type == QType::UInt8);
  CHECK_FALSE(kpu->activation.symmetric);
  CHECK_FALSE(kpu->perChannel);
  auto bad = targetScheme("tpu9000");
  REQUIRE_FALSE(bad);
  CHECK(bad.status().message().find("tensorrt") != std::string::npos);
}

TEST_CASE("the histogram merges exactly, whatever the batching", "[quantize]") {
  std::mt19937 gen(7);
  std::normal_distribution<float> d(0.5f, 2.0f);
  std::vector<float> v(20000);
  for (float& x : v) x = d(gen);
  v[123] = 40.0f;  // one outlier forces coarsening
  TensorStats whole, pieces;
  whole.add(v.data(), v.size(), true);
  for (size_t i = 0; i < v.size(); i += 1000) pieces.add(v.data() + i, 1000, true);
  CHECK(whole.hist.total() == v.size());
  CHECK(pieces.hist.total() == v.size());
  CHECK(pieces.hist.counts().size() <= static_cast<size_t>(Histogram::kMaxBins));
  CHECK(whole.min == pieces.min);
  CHECK(whole.max == 40.0f);
  CHECK(pieces.samples == 20);
  // Every value sits in the bin the grid assigns it.
  const Histogram& h = pieces.hist;
  const auto bin = static_cast<int64_t>(std::floor(40.0 / h.width())) - h.firstBin();
  REQUIRE(bin >= 0);
  REQUIRE(bin < static_cast<int64_t>(h.counts().size()));
  CHECK(h.counts()[static_cast<size_t>(bin)] >= 1);
}

TEST_CASE("non-finite values are counted, not binned", "[quantize]") {
  const float v[] = {1.0f, INFINITY, -2.0f, NAN};
  TensorStats st;
  st.add(v, 4, true);
  CHECK(st.nonFinite == 2);
  CHECK(st.min == -2.0f);
  CHECK(st.max == 1.0f);
  CHECK(st.hist.total() == 2);
}

TEST_CASE("the vectorized scan agrees with the careful one", "[quantize]") {
  // 37 values (two 16-lane blocks and a tail): NaN only (fast path), then
  // an infinity too (careful path); extremes in the tail and in lane 15.
  std::vector<float> v(37);
  for (size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i % 5) - 1.0f;
  v[15] = -7.5f, v[36] = 9.25f, v[20] = NAN;
  for (bool inf : {false, true}) {
    if (inf) v[3] = -INFINITY;
    TensorStats st;
    st.add(v.data(), v.size(), false);
    CHECK(st.min == -7.5f);
    CHECK(st.max == 9.25f);
    CHECK(st.nonFinite == (inf ? 2u : 1u));
    CHECK(st.zeros == 7u);  // i % 5 == 1 for eight i below 37; v[36] is overwritten
  }
  TensorStats empty;
  const float nan[] = {NAN, NAN};
  empty.add(nan, 2, true);
  CHECK(empty.samples == 0);
  CHECK(empty.nonFinite == 2);
}

TEST_CASE("calibration methods clip outliers that minmax keeps", "[quantize]") {
  std::mt19937 gen(11);
  std::normal_distribution<float> d(0.0f, 1.0f);
  std::vector<float> v(100000);
  for (float& x : v) x = d(gen);
  v[5] = 50.0f;
  TensorStats st;
  for (size_t i = 0; i < v.size(); i += 10000) st.add(v.data() + i, 10000, true);
  const TensorScheme sym{QType::Int8, true, false}, asym{QType::UInt8, false, false};
  const RealRange mm = chooseRange(st, CalibMethod::MinMax, 0, sym);
  CHECK(mm.max == 50.0);
  const RealRange pct = chooseRange(st, CalibMethod::Percentile, 99.9, sym);
  CHECK(pct.max == Approx(3.29).margin(0.15));  // |x| 99.9th percentile of N(0,1)
  CHECK(pct.min == -pct.max);
  const RealRange pa = chooseRange(st, CalibMethod::Percentile, 99.9, asym);
  CHECK(pa.max == Approx(3.29).margin(0.2));  // 0.05 % in each tail
  CHECK(pa.min == Approx(-3.29).margin(0.2));
  const RealRange ent = chooseRange(st, CalibMethod::Entropy, 0, sym);
  CHECK(ent.max < 10.0);
  CHECK(ent.max > 2.0);
  // One outlier in 100,000: clipping it costs more squared error than the
  // coarser grid its range needs, so MSE shrinks the range only part way.
  const RealRange mse = chooseRange(st, CalibMethod::Mse, 0, sym);
  CHECK(mse.max < 50.0);
  CHECK(mse.max > 3.0);
  const auto clipped = clippedFraction(st, pct);
  REQUIRE(clipped);
  CHECK(*clipped == Approx(0.001).margin(0.0005));
  CHECK(clippedFraction(st, mm) == Approx(0.0));
  TensorStats noHist;
  noHist.add(v.data(), v.size(), false);
  CHECK_FALSE(clippedFraction(noHist, mm));
}

TEST_CASE("the moving-average range follows per-sample ranges", "[quantize]") {
  TensorStats st;
  const float a[] = {-1.0f, 1.0f}, b[] = {-3.0f, 5.0f};
  st.add(a, 2, false);
  st.add(b, 2, false);
  CHECK(st.emaMax == Approx(1.0 + 0.01 * 4.0));
  CHECK(st.emaMin == Approx(-1.0 - 0.01 * 2.0));
  CHECK(st.max == 5.0f);
}

TEST_CASE("weights quantize per channel; biases to int32", "[quantize]") {
  // Two output channels of very different ranges.
  const std::vector<float> w{0.1f, -0.2f, 0.05f, 10.0f, -5.0f, 2.5f};
  const Tensor t = Tensor::fromVector(DType::Float32, {2, 3}, w);
  const QuantizedTensor q = quantizeWeight(t, 0, {QType::Int8, true, false});
  REQUIRE(q.scales.size() == 2);
  CHECK(q.scales[0] == Approx(0.2 / 127));
  CHECK(q.scales[1] == Approx(10.0 / 127));
  CHECK(q.data->dtype() == DType::Int8);
  CHECK(q.data->data<int8_t>()[1] == -127);
  CHECK(q.data->data<int8_t>()[3] == 127);
  const QuantizedTensor pt = quantizeWeight(t, -1, {QType::Int8, true, false});
  CHECK(pt.scales.size() == 1);
  CHECK(pt.data->data<int8_t>()[2] == 1);  // 0.05 / (10/127) = 0.635 -> 1
  const Tensor b = Tensor::fromVector(DType::Float32, {2}, std::vector<float>{0.5f, -1.0f});
  TensorPtr qb = quantizeBias(b, 0.1f, q.scales);
  CHECK(qb->dtype() == DType::Int32);
  CHECK(qb->data<int32_t>()[0] == static_cast<int32_t>(std::nearbyint(0.5 / (0.1 * 0.2 / 127))));
  const Tensor huge = Tensor::fromVector(DType::Float32, {1}, std::vector<float>{1e30f});
  CHECK(quantizeBias(huge, 1e-6f, {1e-6f})->data<int32_t>()[0] == INT32_MAX);
}
