// Layout-aware activations and broadcasting arithmetic, so the channel-
// blocked tensors of the fast convolutions flow through ResNet/MobileNet/
// EfficientNet blocks without converting back to plain:
// - a blocked tensor without padding channels (C % 8 == 0) holds exactly
//   the same elements as a plain one, only permuted, so any elementwise op
//   on same-shaped (or scalar) operands runs the reference kernel on the
//   bytes as they are;
// - a blocked [N, C, H, W] times a per-channel [N|1, C, 1, 1] operand (the
//   squeeze-and-excitation scale) gets a loop of its own.
// Anything else runs the reference kernel on plain copies. Add, Sub, Mul
// and Div also apply a fused activation (the ResNet Add -> Relu).
#include "exec/fast/dnnl_util.h"
#include "exec/fusion.h"
#include "exec/layout.h"

namespace nnport::exec::fast {
namespace {

bool unpadded(const RtTensor& t) {
  return t.blocked() && t.dim(1) % t.block() == 0;
}

// Same elements in any layout: a scalar, or a same-shaped tensor in the
// same (unpadded) layout or in one that coincides with it.
bool layoutFree(const RtTensor& t, const RtTensor& ref) {
  if (t.numElements() == 1) return true;
  if (t.dims() != ref.dims()) return false;
  return t.block() == ref.block() || layoutsCoincide(t.dims(), ref.block());
}

// Runs the reference kernel with every tensor read as plain bytes, then
// labels output 0 with the blocked layout again.
Status runOnRawBytes(KernelContext& ctx, int block) {
  std::vector<RtTensor> plainViews(ctx.numInputs());
  for (size_t i = 0; i < ctx.numInputs(); ++i)
    if (const RtTensor* t = ctx.input(i); t && t->blocked()) {
      plainViews[i] = t->withBlock(0);
      ctx.replaceInput(i, &plainViews[i]);
    }
  NNP_RETURN_IF_ERROR(runReference(ctx));
  ctx.setOutput(0, ctx.output(0).withBlock(block));
  return Status::ok();
}

// [N|1, C, 1, 1], [C, 1, 1] or [C] broadcast against a 4-D [N, C, H, W].
bool perChannel(const RtTensor& p, const RtTensor& x) {
  std::vector<int64_t> d = p.dims();
  if (d.size() > 4) return false;
  d.insert(d.begin(), 4 - d.size(), 1);
  return (d[0] == 1 || d[0] == x.dim(0)) && d[1] == x.dim(1) && d[2] == 1 && d[3] == 1;
}

template <typename Op>
void channelLoop(const RtTensor& x, const RtTensor& p, bool xFirst, RtTensor& y, Op op) {
  const int64_t n = x.dim(0), c = x.dim(1), hw = x.dim(2) * x.dim(3), b = x.block();
  const bool perBatch = p.numElements() == n * c && n > 1;
  const float* xs = x.data<float>();
  const float* ps = p.data<float>();
  float* ys = y.data<float>();
  for (int64_t i = 0; i < n; ++i)
    for (int64_t cb = 0; cb < c / b; ++cb) {
      const float* pv = ps + (perBatch ? i * c : 0) + cb * b;
      const int64_t base = (i * (c / b) + cb) * hw * b;
      for (int64_t s = 0; s < hw; ++s)
        for (int64_t k = 0; k < b; ++k) {
          const int64_t at = base + s * b + k;
          ys[at] = xFirst ? op(xs[at], pv[k]) : op(pv[k], xs[at]);
        }
    }
}

Status perChannelKernel(KernelContext& ctx, const RtTensor& x, const RtTensor& p, bool xFirst) {
  RtTensor& y = ctx.allocateBlockedOutput(0, DType::Float32, x.dims(), x.block(), false);
  const std::string& op = ctx.node().opType();
  if (op == "Add")
    channelLoop(x, p, xFirst, y, [](float a, float b) { return a + b; });
  else if (op == "Sub")
    channelLoop(x, p, xFirst, y, [](float a, float b) { return a - b; });
  else if (op == "Mul")
    channelLoop(x, p, xFirst, y, [](float a, float b) { return a * b; });
  else
    channelLoop(x, p, xFirst, y, [](float a, float b) { return a / b; });
  if (const FusedActivation* act = ctx.fused())
    applyActivation(*act, y.data<float>(), y.numElements());
  return Status::ok();
}

Status unaryKernel(KernelContext& ctx) {
  const RtTensor* x = ctx.input(0);
  if (x && unpadded(*x)) return runOnRawBytes(ctx, x->block());
  return runReference(ctx);
}

Status binaryKernel(KernelContext& ctx) {
  const RtTensor* a = ctx.input(0);
  const RtTensor* b = ctx.input(1);
  if (!a || !b || (!a->blocked() && !b->blocked())) return runReference(ctx);
  // x: the blocked operand with the most elements; other: the rest.
  const bool aIsX = a->blocked() && (!b->blocked() || a->numElements() >= b->numElements());
  const RtTensor& x = aIsX ? *a : *b;
  const RtTensor& other = aIsX ? *b : *a;
  const bool floats = a->dtype() == DType::Float32 && b->dtype() == DType::Float32;
  if (floats && unpadded(x) && layoutFree(other, x)) return runOnRawBytes(ctx, x.block());
  const bool otherPlainBytes = !other.blocked() || layoutsCoincide(other.dims(), other.block());
  if (floats && unpadded(x) && otherPlainBytes && perChannel(other, x))
    return perChannelKernel(ctx, x, other, aIsX);
  return runReference(ctx);
}

}  // namespace

void registerFastEltwiseKernels(KernelRegistry& r) {
  for (const char* op : {"Relu", "Sigmoid", "Tanh", "Clip", "LeakyRelu", "HardSigmoid", "HardSwish",
                         "Elu", "Identity"})
    r.add(op, unaryKernel, KernelSet::Fast, "", {true, false});
  for (const char* op : {"Add", "Sub", "Mul", "Div"})
    r.add(op, binaryKernel, KernelSet::Fast, "", {true, true});
}

}  // namespace nnport::exec::fast
