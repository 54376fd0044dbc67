// Activation patterns after a producer, and their reference math.
#include "exec/fusion.h"

#include <algorithm>
#include <cmath>

#include "ir/constant.h"
#include "ir/ops/registry.h"

namespace nnport::exec {

namespace {

// The single non-capture user of v, or nullptr.
const Node* onlyUser(const Value& v) {
  if (v.uses().size() != 1 || v.uses()[0].capture) return nullptr;
  return v.uses()[0].user;
}

bool plainOnnx(const Node& n) {
  return n.domain().empty() || n.domain() == "ai.onnx";
}

// Parameter `name` of activation n: its constant scalar float input of that
// name when n has it (Clip-11's min and max), else the attribute (or the
// record's default); nullopt when the input is not such a constant.
std::optional<float> activationParam(const Node& n, const std::string& name) {
  const int index = n.schema()->inputIndex(name);
  const Value* v = index > 0 && static_cast<size_t>(index) < n.numInputs()
                       ? n.input(static_cast<size_t>(index))
                       : nullptr;
  if (!v) return n.attrFloat(name);
  TensorPtr t = constantTensor(v);  // an initializer, or a Constant node as torch writes them
  if (!t || t->numElements() != 1 || t->dtype() != DType::Float32) return std::nullopt;
  return t->data<float>()[0];
}

// n as a fused activation, when its op record says it fuses and its
// parameters are known.
std::optional<FusedActivation> singleActivation(const Node& n) {
  const std::vector<std::string>& names = fusedActivationParamNames(n.opType());
  if (!n.schema() || !n.schema()->fusedActivation) return std::nullopt;
  FusedActivation a{n.opType()};
  std::vector<float> v;
  for (const std::string& name : names) {
    auto p = activationParam(n, name);
    if (!p) return std::nullopt;
    v.push_back(*p);
  }
  if (!v.empty()) a.alpha = v[0];
  if (v.size() > 1) a.beta = v[1];
  // Clip with min > max gives max everywhere; oneDNN's clip would give min.
  if (a.op == "Clip" && a.alpha > a.beta) return std::nullopt;
  return a;
}

// x -> Sigmoid -> Mul(x, sigmoid(x)), x used by exactly those two.
std::optional<ActivationFusion> matchSwish(const Value& x) {
  if (x.uses().size() != 2) return std::nullopt;
  const Node* sig = nullptr;
  const Node* mul = nullptr;
  for (const Use& u : x.uses()) {
    if (u.capture || !plainOnnx(*u.user)) return std::nullopt;
    if (u.user->opType() == "Sigmoid")
      sig = u.user;
    else if (u.user->opType() == "Mul")
      mul = u.user;
  }
  if (!sig || !mul || !sig->output(0) || sig->output(0)->isGraphOutput()) return std::nullopt;
  if (onlyUser(*sig->output(0)) != mul || mul->numInputs() != 2 || !mul->output(0))
    return std::nullopt;
  const bool wired = (mul->input(0) == &x && mul->input(1) == sig->output(0)) ||
                     (mul->input(1) == &x && mul->input(0) == sig->output(0));
  if (!wired) return std::nullopt;
  FusedActivation swish{kSwishActivation};
  return ActivationFusion{swish, {sig, mul}, mul->output(0)};
}

}  // namespace

std::optional<ActivationFusion> matchActivation(const Node& producer) {
  const Value* out = producer.output(0);
  // Untyped values (no shape inference ran) are taken as float; kernels
  // check the real type.
  const DType t = out ? out->type.dtype : DType::Undefined;
  if (!out || out->isGraphOutput() || (t != DType::Float32 && t != DType::Undefined))
    return std::nullopt;
  if (auto swish = matchSwish(*out)) return swish;
  const Node* user = onlyUser(*out);
  if (!user || !plainOnnx(*user) || user->input(0) != out || !user->output(0)) return std::nullopt;
  auto act = singleActivation(*user);
  if (!act) return std::nullopt;
  return ActivationFusion{*act, {user}, user->output(0)};
}

template <typename T>
void applyActivation(const FusedActivation& a, T* x, int64_t n) {
  auto sigmoid = [](T v) { return T(1) / (T(1) + std::exp(-v)); };
  auto each = [&](auto f) { std::transform(x, x + n, x, f); };
  const T al = a.alpha, be = a.beta, zero = 0, one = 1;
  if (a.op == "Relu")
    each([&](T v) { return std::max(v, zero); });
  else if (a.op == "LeakyRelu")
    each([&](T v) { return v < 0 ? al * v : v; });
  else if (a.op == "Elu")
    each([&](T v) { return v < 0 ? al * (std::exp(v) - one) : v; });
  else if (a.op == "Clip")
    each([&](T v) { return std::min(std::max(v, al), be); });
  else if (a.op == "Sigmoid")
    each(sigmoid);
  else if (a.op == "Tanh")
    each([](T v) { return std::tanh(v); });
  else if (a.op == "HardSigmoid")
    each([&](T v) { return std::clamp(al * v + be, zero, one); });
  else if (a.op == "HardSwish")
    each([&](T v) { return v * std::clamp(v / T(6) + T(0.5), zero, one); });
  else if (a.op == "Swish")
    each([&](T v) { return v * sigmoid(v); });
}

template void applyActivation<float>(const FusedActivation&, float*, int64_t);
template void applyActivation<double>(const FusedActivation&, double*, int64_t);

}  // namespace nnport::exec
