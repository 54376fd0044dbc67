// Reading and writing the fused-activation attributes.
#include "ir/fused_activation.h"

#include <map>
#include <vector>

namespace nnport {

namespace {

// Activation -> how many of (alpha, beta) it reads.
const std::map<std::string, int>& table() {
  static const std::map<std::string, int> t{
      {"Relu", 0},      {"Sigmoid", 0}, {"Tanh", 0}, {"HardSwish", 0},   {"Swish", 0},
      {"LeakyRelu", 1}, {"Elu", 1},     {"Clip", 2}, {"HardSigmoid", 2},
  };
  return t;
}

}  // namespace

bool isFusableActivation(const std::string& op) {
  return table().count(op) != 0;
}

int fusedActivationParams(const std::string& op) {
  auto it = table().find(op);
  return it == table().end() ? 0 : it->second;
}

bool hasFusedActivation(const Node& n) {
  return n.attrs.find(kFusedActivationAttr) != nullptr;
}

Expected<std::optional<FusedActivation>> fusedActivation(const Node& n) {
  if (!hasFusedActivation(n)) return std::optional<FusedActivation>();
  auto op = n.attrs.getString(kFusedActivationAttr);
  if (!op || !isFusableActivation(*op))
    return Status::invalid("{}: '{}' is not a fusable activation", n.describe(),
                           op ? *op : std::string("(not a string)"));
  const std::vector<float> params =
      n.attrs.getFloats(kFusedActivationParamsAttr).value_or(std::vector<float>{});
  const size_t want = static_cast<size_t>(fusedActivationParams(*op));
  if (params.size() != want)
    return Status::invalid("{}: fused {} takes {} parameters in '{}', found {}", n.describe(), *op,
                           want, kFusedActivationParamsAttr, params.size());
  FusedActivation a{*op};
  if (want > 0) a.alpha = params[0];
  if (want > 1) a.beta = params[1];
  return std::optional<FusedActivation>(a);
}

void setFusedActivation(Node& n, const FusedActivation& a) {
  n.attrs.set(Attribute::ofString(kFusedActivationAttr, a.op));
  const int want = fusedActivationParams(a.op);
  if (want == 0) {
    n.attrs.erase(kFusedActivationParamsAttr);
    return;
  }
  std::vector<float> params{a.alpha};
  if (want > 1) params.push_back(a.beta);
  n.attrs.set(Attribute::ofFloats(kFusedActivationParamsAttr, params));
}

}  // namespace nnport
