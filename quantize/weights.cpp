#include "quantize/weights.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace nnport::quant {
namespace {

struct Layout {
  int64_t outer = 1, channels = 1, inner = 1;
};

Layout layoutOf(const std::vector<int64_t>& dims, int64_t axis) {
  Layout l;
  if (axis < 0) {
    for (int64_t d : dims) l.inner *= d;
    return l;
  }
  for (int64_t i = 0; i < axis; ++i) l.outer *= dims[static_cast<size_t>(i)];
  l.channels = dims[static_cast<size_t>(axis)];
  for (size_t i = static_cast<size_t>(axis) + 1; i < dims.size(); ++i) l.inner *= dims[i];
  return l;
}

template <typename T>
std::vector<T> quantizeChannels(const float* x, const Layout& l, const std::vector<Affine>& a,
                                const GridRange& g) {
  std::vector<T> out(static_cast<size_t>(l.outer * l.channels * l.inner));
  size_t k = 0;
  for (int64_t o = 0; o < l.outer; ++o)
    for (int64_t c = 0; c < l.channels; ++c)
      for (int64_t i = 0; i < l.inner; ++i, ++k)
        out[k] = static_cast<T>(quantizeValue(x[k], a[static_cast<size_t>(c)], g));
  return out;
}

}  // namespace

QuantizedTensor quantizeWeight(const Tensor& w, int64_t axis, const TensorScheme& s) {
  const Layout l = layoutOf(w.dims(), axis);
  const float* x = w.data<float>();
  std::vector<double> lo(static_cast<size_t>(l.channels), 0.0), hi(lo);
  size_t k = 0;
  for (int64_t o = 0; o < l.outer; ++o)
    for (int64_t c = 0; c < l.channels; ++c)
      for (int64_t i = 0; i < l.inner; ++i, ++k) {
        if (!std::isfinite(x[k])) continue;
        lo[static_cast<size_t>(c)] = std::min<double>(lo[static_cast<size_t>(c)], x[k]);
        hi[static_cast<size_t>(c)] = std::max<double>(hi[static_cast<size_t>(c)], x[k]);
      }
  QuantizedTensor q;
  q.axis = axis;
  std::vector<Affine> affine;
  for (size_t c = 0; c < lo.size(); ++c) {
    affine.push_back(affineFor(lo[c], hi[c], s));
    q.scales.push_back(affine.back().scale);
    q.zeroPoints.push_back(affine.back().zeroPoint);
  }
  const GridRange g = gridOf(s);
  if (s.type == QType::Int8) {
    q.data = std::make_shared<Tensor>(
        Tensor::fromVector(DType::Int8, w.dims(), quantizeChannels<int8_t>(x, l, affine, g)));
  } else {
    q.data = std::make_shared<Tensor>(
        Tensor::fromVector(DType::UInt8, w.dims(), quantizeChannels<uint8_t>(x, l, affine, g)));
  }
  return q;
}

TensorPtr quantizeBias(const Tensor& b, float inputScale, const std::vector<float>& weightScales) {
  const float* x = b.data<float>();
  std::vector<int32_t> out(static_cast<size_t>(b.numElements()));
  for (size_t i = 0; i < out.size(); ++i) {
    const double s = static_cast<double>(inputScale) *
                     weightScales[weightScales.size() == 1 ? 0 : i % weightScales.size()];
    const double q = s > 0 ? std::nearbyint(static_cast<double>(x[i]) / s) : 0.0;
    out[i] = static_cast<int32_t>(std::clamp(
        std::isnan(q) ? 0.0 : q, static_cast<double>(std::numeric_limits<int32_t>::min()),
        static_cast<double>(std::numeric_limits<int32_t>::max())));
  }
  return std::make_shared<Tensor>(Tensor::fromVector(DType::Int32, b.dims(), out));
}

TensorPtr integerTensor(DType dtype, const std::vector<int64_t>& v, bool scalar) {
  std::vector<int64_t> dims;
  if (!scalar) dims.push_back(static_cast<int64_t>(v.size()));
  if (dtype == DType::Int8)
    return std::make_shared<Tensor>(
        Tensor::fromVector(dtype, dims, std::vector<int8_t>(v.begin(), v.end())));
  if (dtype == DType::UInt8)
    return std::make_shared<Tensor>(
        Tensor::fromVector(dtype, dims, std::vector<uint8_t>(v.begin(), v.end())));
  return std::make_shared<Tensor>(
      Tensor::fromVector(dtype, dims, std::vector<int32_t>(v.begin(), v.end())));
}

}  // namespace nnport::quant
