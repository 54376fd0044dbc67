// Reference kernels for matrix products, normalizations, softmax and
// reductions, on small hand-computed cases.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <map>

#include "exec/executor.h"
#include "tests/unit/exec_test_util.h"

using namespace nnport;
using namespace nnport::exec;
using namespace nnport::testing;

namespace {

void checkFloats(const RtTensor& t, std::vector<int64_t> dims, std::vector<double> want) {
  CHECK(t.dims() == dims);
  REQUIRE(t.numElements() == static_cast<int64_t>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) CHECK(t.floatAt(i) == Approx(want[i]).margin(1e-6));
}

}  // namespace

TEST_CASE("MatMul broadcasts batches and drops the dims of 1-D operands", "[exec]") {
  // [2,2,3] x [3] -> [2,2]: each row dotted with (1, 0, -1).
  auto out =
      runOp("MatMul", 17,
            {floats({2, 2, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2}), floats({3}, {1, 0, -1})});
  checkFloats(out[0].second, {2, 2}, {-2, -2, -2, -2});
  // [2,1,1,2] x [3,2,1]: batch dims [2,1] and [3] broadcast to [2,3].
  auto b = runOp("MatMul", 17,
                 {floats({2, 1, 1, 2}, {1, 2, 3, 4}), floats({3, 2, 1}, {1, 1, 0, 1, 1, 0})});
  checkFloats(b[0].second, {2, 3, 1, 1}, {3, 2, 1, 7, 4, 3});
}

TEST_CASE("Gemm applies transB, alpha, beta and a broadcast bias", "[exec]") {
  // A [2,2], B^T given as [3,2], C [3] per column.
  auto out = runOp(
      "Gemm", 13,
      {floats({2, 2}, {1, 2, 3, 4}), floats({3, 2}, {1, 0, 0, 1, 1, 1}), floats({3}, {10, 20, 30})},
      {Attribute::ofInt("transB", 1), Attribute::ofFloat("alpha", 2.f),
       Attribute::ofFloat("beta", 0.5f)});
  // A*B = [[1,2,3],[3,4,7]]
  checkFloats(out[0].second, {2, 3}, {7, 14, 21, 11, 18, 29});
}

TEST_CASE("MatMulInteger subtracts per-row and scalar zero points", "[exec]") {
  auto a = tensor<uint8_t>(DType::UInt8, {2, 2}, {11, 12, 23, 24});
  auto b = tensor<uint8_t>(DType::UInt8, {2, 1}, {5, 7});
  auto za = tensor<uint8_t>(DType::UInt8, {2}, {10, 20});
  auto zb = tensor<uint8_t>(DType::UInt8, {}, {4});
  auto out = runOp("MatMulInteger", 13, {a, b, za, zb});
  const RtTensor& y = out[0].second;
  REQUIRE(y.dtype() == DType::Int32);
  CHECK(y.dims() == std::vector<int64_t>{2, 1});
  CHECK(y.data<int32_t>()[0] == 1 * 1 + 2 * 3);
  CHECK(y.data<int32_t>()[1] == 3 * 1 + 4 * 3);
}

TEST_CASE("Softmax coerces to 2-D before opset 13 and runs along one axis after", "[exec]") {
  const auto x = floats({1, 2, 2}, {0, 0, 0, 0});
  checkFloats(runOp("Softmax", 11, {x})[0].second, {1, 2, 2}, {0.25, 0.25, 0.25, 0.25});
  checkFloats(runOp("Softmax", 13, {x})[0].second, {1, 2, 2}, {0.5, 0.5, 0.5, 0.5});
  // Large inputs stay finite.
  const auto big = floats({2}, {1000, 1000});
  checkFloats(runOp("LogSoftmax", 13, {big})[0].second, {2}, {-std::log(2.0), -std::log(2.0)});
  checkFloats(runOp("Hardmax", 13, {floats({3}, {1, 3, 3})})[0].second, {3}, {0, 1, 0});
}

TEST_CASE("BatchNormalization and LayerNormalization normalize as defined", "[exec]") {
  // Channel 0: (x - 1) / sqrt(4) * 2 + 1; channel 1: (x - 0) / 1 * 1 + 0.
  auto bn = runOp("BatchNormalization", 15,
                  {floats({1, 2, 2}, {1, 3, 5, -5}), floats({2}, {2, 1}), floats({2}, {1, 0}),
                   floats({2}, {1, 0}), floats({2}, {4, 1})},
                  {Attribute::ofFloat("epsilon", 0.f)});
  checkFloats(bn[0].second, {1, 2, 2}, {1, 3, 5, -5});
  // Rows (1, 3) and (2, 2): mean 2 and 2, variance 1 and 0.
  auto ln = runOp("LayerNormalization", 17,
                  {floats({2, 2}, {1, 3, 2, 2}), floats({2}, {1, 2}), floats({1}, {0.5f})},
                  {Attribute::ofFloat("epsilon", 0.f)}, 3);
  const double inf = std::numeric_limits<double>::infinity();
  checkFloats(ln[1].second, {2, 1}, {2, 2});
  CHECK(ln[2].second.floatAt(0) == Approx(1.0));
  CHECK(ln[2].second.floatAt(1) == inf);
  CHECK(ln[0].second.floatAt(0) == Approx(-0.5));
  CHECK(ln[0].second.floatAt(1) == Approx(2.5));
}

TEST_CASE("Reductions honour axes inputs, keepdims and noop_with_empty_axes", "[exec]") {
  const auto x = floats({2, 3}, {1, 2, 3, 4, 5, 6});
  auto sum = runOp("ReduceSum", 13, {x, tensor<int64_t>(DType::Int64, {1}, {-1})},
                   {Attribute::ofInt("keepdims", 0)});
  checkFloats(sum[0].second, {2}, {6, 15});
  auto noop = runOp("ReduceSum", 13, {x, tensor<int64_t>(DType::Int64, {0}, {})},
                    {Attribute::ofInt("noop_with_empty_axes", 1)});
  checkFloats(noop[0].second, {2, 3}, {1, 2, 3, 4, 5, 6});
  auto all = runOp("ReduceMax", 13, {x});
  checkFloats(all[0].second, {1, 1}, {6});
  auto mean = runOp("ReduceMean", 13, {x}, {Attribute::ofInts("axes", {0})});
  checkFloats(mean[0].second, {1, 3}, {2.5, 3.5, 4.5});
  auto lse = runOp("ReduceLogSumExp", 13, {floats({2}, {1000, 1000})});
  checkFloats(lse[0].second, {1}, {1000 + std::log(2.0)});
  const auto ties = floats({1, 4}, {3, 1, 3, 0});
  auto first = runOp("ArgMax", 13, {ties}, {Attribute::ofInt("axis", 1)});
  auto last = runOp("ArgMax", 13, {ties},
                    {Attribute::ofInt("axis", 1), Attribute::ofInt("select_last_index", 1),
                     Attribute::ofInt("keepdims", 0)});
  CHECK(first[0].second.dims() == std::vector<int64_t>{1, 1});
  CHECK(first[0].second.data<int64_t>()[0] == 0);
  CHECK(last[0].second.dims() == std::vector<int64_t>{1});
  CHECK(last[0].second.data<int64_t>()[0] == 2);
}
