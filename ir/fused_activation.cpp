// Reading and writing the fused-activation attributes; which activations
// fuse, and with which parameters, is on their op records.
#include "ir/fused_activation.h"

#include <vector>

#include "ir/ops/registry.h"

namespace nnport {

namespace {

// The record of a fusable activation op, or nullptr (Swish is a pattern,
// not an op: it has no record).
const OpSchema* activationRecord(const std::string& op) {
  const OpSchema* s = OpRegistry::instance().find("", op);
  return s && s->fusedActivation ? s : nullptr;
}

}  // namespace

bool isFusableActivation(const std::string& op) {
  return op == kSwishActivation || activationRecord(op) != nullptr;
}

const std::vector<std::string>& fusedActivationParamNames(const std::string& op) {
  static const std::vector<std::string> none;
  const OpSchema* s = activationRecord(op);
  return s ? s->fusedActivation->params : none;
}

int fusedActivationParams(const std::string& op) {
  return static_cast<int>(fusedActivationParamNames(op).size());
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
