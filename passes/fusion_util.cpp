// Shared steps of the fusion passes.
#include "passes/fusion_util.h"

#include <cmath>
#include <cstring>

#include "ir/fused_activation.h"
#include "passes/rewire.h"

namespace nnport {

bool isFloatConstant(const Value* v) {
  if (!v || !v->isConstant()) return false;
  const DType d = v->initializer()->dtype();
  return d == DType::Float32 || d == DType::Float64;
}

std::vector<double> constantValues(const Value& v) {
  const TensorPtr& t = v.initializer();
  const size_t n = static_cast<size_t>(t->numElements());
  if (t->dtype() == DType::Float32)
    return std::vector<double>(t->data<float>(), t->data<float>() + n);
  if (t->dtype() == DType::Float64)
    return std::vector<double>(t->data<double>(), t->data<double>() + n);
  std::vector<double> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = t->floatAt(static_cast<int64_t>(i));
  return out;
}

std::string fusedActivationRefusal(const Node& producer) {
  if (!hasFusedActivation(producer)) return "";
  auto a = fusedActivation(producer);
  return fmt::format("{} has the fused activation {}", producer.opType(),
                     a && *a ? (*a)->op : "(invalid)");
}

bool hasSoleReader(const Value& v) {
  return v.uses().size() == 1 && !v.isGraphOutput();
}

namespace {
// `src` may be unaligned (weights borrowed from a mapped file): elements are
// loaded with memcpy, which compiles to plain loads.
template <typename T>
void scaleRows(const uint8_t* src, T* out, size_t n, const std::vector<double>& scale) {
  const size_t rows = scale.size(), per = rows ? n / rows : 0;
  for (size_t r = 0; r < rows; ++r)
    for (size_t k = 0; k < per; ++k) {
      T x;
      std::memcpy(&x, src + (r * per + k) * sizeof(T), sizeof(T));
      out[r * per + k] = static_cast<T>(x * scale[r]);
    }
}

template <typename T>
TensorPtr scaledRowsOf(const Tensor& t, const std::vector<double>& scale) {
  const size_t n = static_cast<size_t>(t.numElements());
  auto bytes = std::make_shared<WritableBuffer>(n * sizeof(T));  // every byte written below
  scaleRows(t.rawBytes(), reinterpret_cast<T*>(bytes->mutableData()), n, scale);
  return std::make_shared<Tensor>(t.dtype(), t.dims(), std::move(bytes));
}

// The bytes of `w`'s constant when nothing but `w`'s one reader can see them.
uint8_t* exclusiveBytes(const Value& w) {
  if (w.uses().size() != 1 || w.isGraphInput() || w.isGraphOutput()) return nullptr;
  const TensorPtr& t = w.initializer();
  if (!t || t.use_count() != 1) return nullptr;
  // The tensor was created mutable; TensorPtr only promises readers constness.
  return const_cast<Tensor&>(*t).exclusiveMutableData();
}
}  // namespace

TensorPtr scaledRows(const Tensor& t, const std::vector<double>& scale) {
  return t.dtype() == DType::Float64 ? scaledRowsOf<double>(t, scale)
                                     : scaledRowsOf<float>(t, scale);
}

Value* scaleConstantRows(Graph& g, Value* w, const std::vector<double>& scale,
                         const std::string& name) {
  uint8_t* bytes = exclusiveBytes(*w);
  if (!bytes) return g.addInitializer(g.uniqueName(name), scaledRows(*w->initializer(), scale));
  const size_t n = static_cast<size_t>(w->initializer()->numElements());
  if (w->initializer()->dtype() == DType::Float64) {
    scaleRows<double>(bytes, reinterpret_cast<double*>(bytes), n, scale);
  } else {
    scaleRows<float>(bytes, reinterpret_cast<float*>(bytes), n, scale);
  }
  g.renameValue(w, g.uniqueName(name));
  return w;
}

std::string bnRefusal(const Node& bn, int64_t channels) {
  if (bn.attrInt("training_mode") != 0) return "it is in training mode";
  for (size_t i = 1; i < bn.numOutputs(); ++i)
    if (bn.output(i) && (bn.output(i)->hasUses() || bn.output(i)->isGraphOutput()))
      return "its running statistics outputs are used";
  for (size_t i = 1; i < 5; ++i)
    if (!isFloatConstant(bn.input(i)))
      return "a BatchNormalization parameter is not a float constant";
  for (size_t i = 1; i < 5; ++i)
    if (bn.input(i)->initializer()->numElements() != channels)
      return fmt::format("BatchNormalization parameters do not have {} channels", channels);
  return "";
}

BnAffine bnAffine(const Node& bn) {
  const auto gamma = constantValues(*bn.input(1)), beta = constantValues(*bn.input(2));
  const auto mean = constantValues(*bn.input(3)), var = constantValues(*bn.input(4));
  const double eps = bn.attrFloat("epsilon");
  BnAffine a;
  for (size_t c = 0; c < gamma.size(); ++c) {
    a.scale.push_back(gamma[c] / std::sqrt(var[c] + eps));
    a.shift.push_back(beta[c] - mean[c] * a.scale.back());
  }
  return a;
}

std::string matMulNot2d(const Node& mm) {
  // With a 2-D B the output has A's rank, except that a 1-D A gives 1-D.
  std::optional<size_t> rank = knownRank(*mm.input(0));
  if (!rank && mm.output(0)) rank = knownRank(*mm.output(0));
  if (!rank) return "the rank of A is unknown (run shape inference or give input shapes)";
  if (*rank != 2) return fmt::format("A has rank {}, not 2", *rank);
  return "";
}

Node* replaceChain(Graph& g, const std::vector<Node*>& chain, const std::string& op,
                   const std::vector<Value*>& inputs) {
  const std::string name = chain.back()->output(0)->name();
  const std::string nodeName = chain.front()->name();
  // Bottom-up, so each node's output is unread when it goes; the last output
  // stays as a detached value that addNode adopts by name.
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) g.eraseNode(*it);
  return g.addNode(op, "", inputs, {name}, nodeName);
}

}  // namespace nnport
