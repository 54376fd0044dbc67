// Layers with weights: [convolutional], [connected] and [batchnorm].
// Weights file order: convolutional: biases, (scales, rolling mean, rolling
// variance if batch_normalize), kernels [filters][c/groups][size][size];
// connected: biases, weights [outputs][inputs], (scales, mean, variance);
// batchnorm: scales, mean, variance. With batch norm, "biases" is its beta.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "parsers/darknet/darknet_builder.h"
#include "support/memory_budget.h"

namespace nnport::darknet {
namespace {

struct BatchNormParams {
  TensorPtr scale, mean;
  std::vector<float> variance;
};

Expected<BatchNormParams> readBatchNorm(LayerContext& ctx, int64_t channels) {
  BatchNormParams p;
  WeightsReader& w = ctx.net.weights();
  NNP_ASSIGN_OR_RETURN(p.scale, w.take({channels}, ctx.label(), "batch-norm scales"));
  NNP_ASSIGN_OR_RETURN(p.mean, w.take({channels}, ctx.label(), "batch-norm rolling mean"));
  NNP_ASSIGN_OR_RETURN(p.variance,
                       w.takeCopy(channels, ctx.label(), "batch-norm rolling variance"));
  return p;
}

// Darknet normalizes with (x - mean) / (sqrt(var) + 1e-6); ONNX with
// (x - mean) / sqrt(var' + epsilon). epsilon = 0 and var' = (sqrt(var) + 1e-6)^2
// make the two equal.
Value* applyBatchNorm(LayerContext& ctx, Value* x, const LayerResult& shape,
                      const BatchNormParams& p, Value* bias) {
  std::vector<float> var(p.variance.size());
  for (size_t i = 0; i < var.size(); ++i) {
    const double s = std::sqrt(std::max(0.0, static_cast<double>(p.variance[i]))) + 1e-6;
    var[i] = static_cast<float>(s * s);
  }
  const int64_t c = static_cast<int64_t>(var.size());
  NetBuilder& net = ctx.net;
  return net.node4(
      "BatchNormalization",
      {x, net.constant(ctx.name("bn_scale"), p.scale), bias,
       net.constant(ctx.name("bn_mean"), p.mean), net.floats(ctx.name("bn_var"), {c}, var)},
      ctx.name("bn"), shape, {Attribute::ofFloat("epsilon", 0.f)});
}

Status rejectUnsupportedConvOptions(const CfgSection& s) {
  for (const char* key : {"binary", "xnor", "flipped", "antialiasing", "bin_output"})
    NNP_RETURN_IF_ERROR(s.requireDefault(key, 0));
  // A dilation Darknet could not run is invalid; one it could, unsupported.
  NNP_RETURN_IF_ERROR(s.getInt("dilation", 1, 1, kMaxWindow).status());
  NNP_RETURN_IF_ERROR(s.requireDefault("dilation", 1));
  for (const char* key : {"stride_x", "stride_y", "share_index", "deform", "sway", "rotate"})
    if (s.has(key)) return Status::unsupported("{}: option '{}' is not supported", s.where(), key);
  return Status::ok();
}

struct ConvOptions {
  int64_t filters, size, stride, padding, groups, batchNormalize;
  std::string activation;
};

Expected<ConvOptions> convOptions(const CfgSection& s, const LayerResult& in) {
  ConvOptions o;
  NNP_ASSIGN_OR_RETURN(o.filters, s.getInt("filters", 1, 1, kMaxLayerValues));
  NNP_ASSIGN_OR_RETURN(o.size, s.getInt("size", 1, 1, kMaxWindow));
  NNP_ASSIGN_OR_RETURN(o.stride, s.getInt("stride", 1, 1, kMaxWindow));
  NNP_ASSIGN_OR_RETURN(int64_t pad, s.getInt("pad", 0));
  NNP_ASSIGN_OR_RETURN(o.padding, s.getInt("padding", 0, 0, kMaxWindow));
  if (pad) o.padding = o.size / 2;  // `pad` overrides `padding`, as in Darknet
  NNP_ASSIGN_OR_RETURN(o.groups, s.getInt("groups", 1, 1, kMaxWindow));
  NNP_ASSIGN_OR_RETURN(o.batchNormalize, s.getInt("batch_normalize", 0));
  o.activation = s.getString("activation", "logistic");
  if (in.c % o.groups != 0 || o.filters % o.groups != 0)
    return Status::invalid("{}: groups={} divides neither the {} input channels nor filters={}",
                           s.where(), o.groups, in.c, o.filters);
  return o;
}

Expected<LayerResult> buildConvolutional(LayerContext& ctx) {
  const CfgSection& s = ctx.section;
  NNP_RETURN_IF_ERROR(rejectUnsupportedConvOptions(s));
  NNP_ASSIGN_OR_RETURN(ConvOptions o, convOptions(s, ctx.input));
  if (ctx.input.h + 2 * o.padding < o.size || ctx.input.w + 2 * o.padding < o.size)
    return Status::invalid("{}: a {}x{} kernel does not fit the {}x{} input", s.where(), o.size,
                           o.size, ctx.input.h, ctx.input.w);
  LayerResult out{nullptr, o.filters, (ctx.input.h + 2 * o.padding - o.size) / o.stride + 1,
                  (ctx.input.w + 2 * o.padding - o.size) / o.stride + 1};
  NNP_RETURN_IF_ERROR(checkLayerSize(s, out));
  WeightsReader& w = ctx.net.weights();
  NNP_ASSIGN_OR_RETURN(TensorPtr biases, w.take({o.filters}, ctx.label(), "biases"));
  std::optional<BatchNormParams> bn;
  if (o.batchNormalize) {
    NNP_ASSIGN_OR_RETURN(bn, readBatchNorm(ctx, o.filters));
  }
  NNP_ASSIGN_OR_RETURN(TensorPtr kernel, w.take({o.filters, ctx.input.c / o.groups, o.size, o.size},
                                                ctx.label(), "kernel weights"));
  NetBuilder& net = ctx.net;
  Value* bias = net.constant(ctx.name("biases"), biases);
  std::vector<Value*> inputs = {ctx.input.value, net.constant(ctx.name("weights"), kernel)};
  if (!bn) inputs.push_back(bias);
  std::vector<Attribute> attrs = {
      Attribute::ofInts("kernel_shape", {o.size, o.size}),
      Attribute::ofInts("strides", {o.stride, o.stride}),
      Attribute::ofInts("pads", {o.padding, o.padding, o.padding, o.padding})};
  if (o.groups > 1) attrs.push_back(Attribute::ofInt("group", o.groups));
  Value* y = net.node4("Conv", inputs, ctx.name("conv"), out, std::move(attrs));
  if (bn) y = applyBatchNorm(ctx, y, out, *bn, bias);
  NNP_ASSIGN_OR_RETURN(out.value, applyActivation(ctx, y, out, o.activation));
  return out;
}

// Connected weights are [outputs][inputs], or [inputs][outputs] in files
// whose header marks them transposed. The stored floats are checked against
// the file before the transposed copy, which the file does not hold, is
// asked of the memory budget.
Expected<TensorPtr> readConnectedWeights(LayerContext& ctx, int64_t inputs, int64_t outputs) {
  WeightsReader& w = ctx.net.weights();
  if (!w.header().transposed) return w.take({outputs, inputs}, ctx.label(), "weights");
  NNP_ASSIGN_OR_RETURN(TensorPtr stored, w.take({inputs, outputs}, ctx.label(), "weights"));
  const size_t count = static_cast<size_t>(stored->numElements());
  NNP_RETURN_IF_ERROR(
      MemoryBudget::check(stored->byteSize(), ctx.label() + ": the transposed connected weights"));
  std::vector<float> v(count);
  const uint8_t* t = stored->rawBytes();  // the file's bytes: not aligned for float
  const auto in = static_cast<size_t>(inputs), out = static_cast<size_t>(outputs);
  for (size_t i = 0; i < in; ++i)
    for (size_t o = 0; o < out; ++o)
      std::memcpy(&v[o * in + i], t + (i * out + o) * sizeof(float), sizeof(float));
  return std::make_shared<const Tensor>(Tensor::fromVector(DType::Float32, {outputs, inputs}, v));
}

Expected<LayerResult> buildConnected(LayerContext& ctx) {
  const CfgSection& s = ctx.section;
  NNP_ASSIGN_OR_RETURN(int64_t outputs, s.getInt("output", 1, 1, kMaxLayerValues));
  NNP_ASSIGN_OR_RETURN(int64_t batchNormalize, s.getInt("batch_normalize", 0));
  // At most kMaxLayerValues: the input layer's size was checked.
  const int64_t inputs = ctx.input.c * ctx.input.h * ctx.input.w;
  WeightsReader& w = ctx.net.weights();
  NNP_ASSIGN_OR_RETURN(TensorPtr biases, w.take({outputs}, ctx.label(), "biases"));
  NNP_ASSIGN_OR_RETURN(TensorPtr weights, readConnectedWeights(ctx, inputs, outputs));
  std::optional<BatchNormParams> bn;
  if (batchNormalize) {
    NNP_ASSIGN_OR_RETURN(bn, readBatchNorm(ctx, outputs));
  }

  NetBuilder& net = ctx.net;
  const LayerResult out{nullptr, outputs, 1, 1};
  Value* flat = net.node("Flatten", {ctx.input.value}, ctx.name("flatten"), {inputs},
                         {Attribute::ofInt("axis", 1)});
  Value* bias = net.constant(ctx.name("biases"), biases);
  std::vector<Value*> gemmInputs = {flat, net.constant(ctx.name("weights"), weights)};
  if (!bn) gemmInputs.push_back(bias);
  Value* y =
      net.node("Gemm", gemmInputs, ctx.name("gemm"), {outputs}, {Attribute::ofInt("transB", 1)});
  y = net.node4("Reshape", {y, net.int64s(ctx.name("shape"), {0, outputs, 1, 1})},
                ctx.name("reshape"), out);
  if (bn) y = applyBatchNorm(ctx, y, out, *bn, bias);
  LayerResult result = out;
  NNP_ASSIGN_OR_RETURN(result.value,
                       applyActivation(ctx, y, out, s.getString("activation", "logistic")));
  return result;
}

Expected<LayerResult> buildBatchnorm(LayerContext& ctx) {
  NNP_ASSIGN_OR_RETURN(BatchNormParams bn, readBatchNorm(ctx, ctx.input.c));
  Value* zeros = ctx.net.floats(ctx.name("biases"), {ctx.input.c},
                                std::vector<float>(static_cast<size_t>(ctx.input.c), 0.f));
  LayerResult out = ctx.input;
  out.value = applyBatchNorm(ctx, ctx.input.value, out, bn, zeros);
  return out;
}

}  // namespace

std::vector<LayerKind> convLayerKinds() {
  return {{"convolutional", "conv", buildConvolutional},
          {"conv", "conv", buildConvolutional},
          {"connected", "connected", buildConnected},
          {"conn", "connected", buildConnected},
          {"batchnorm", "batchnorm", buildBatchnorm}};
}

}  // namespace nnport::darknet
