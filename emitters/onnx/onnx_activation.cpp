// Fused activations as standard ONNX nodes.
#include "emitters/onnx/onnx_activation.h"

#include <cfloat>

#include "ir/onnx/onnx_proto.h"

namespace nnport::onnxproto {

std::string ExportNames::fresh(const std::string& base) {
  std::string name = base;
  for (int i = 1; g_.findValue(name) || used_.count(name); ++i)
    name = base + "_" + std::to_string(i);
  used_.insert(name);
  return name;
}

namespace {

onnx::NodeProto* addNode(onnx::GraphProto* gp, const char* op, std::vector<std::string> ins,
                         const std::string& out, const std::string& name) {
  onnx::NodeProto* p = gp->add_node();
  p->set_op_type(op);
  p->set_name(name);
  for (const auto& in : ins) p->add_input(in);
  p->add_output(out);
  return p;
}

void addFloat(onnx::NodeProto* p, const char* name, float v) {
  exportAttribute(Attribute::ofFloat(name, v), p->add_attribute());
}

// A scalar float32 initializer, or "" (input omitted) for an infinite bound.
std::string clipBound(float v, const std::string& base, onnx::GraphProto* gp, ExportNames& names) {
  if (v <= -FLT_MAX || v >= FLT_MAX) return "";
  const std::string name = names.fresh(base);
  exportTensor(Tensor::fromVector(DType::Float32, {}, std::vector<float>{v}), name,
               gp->add_initializer());
  return name;
}

void exportClip(const FusedActivation& a, const std::string& in, const std::string& out,
                const std::string& nodeName, int64_t opset, onnx::GraphProto* gp,
                ExportNames& names) {
  if (opset < 11) {
    onnx::NodeProto* p = addNode(gp, "Clip", {in}, out, nodeName);
    addFloat(p, "min", a.alpha);
    addFloat(p, "max", a.beta);
    return;
  }
  const std::string lo = clipBound(a.alpha, out + "_min", gp, names);
  const std::string hi = clipBound(a.beta, out + "_max", gp, names);
  std::vector<std::string> ins{in, lo};
  if (!hi.empty())
    ins.push_back(hi);
  else if (lo.empty())
    ins.pop_back();
  addNode(gp, "Clip", ins, out, nodeName);
}

}  // namespace

void exportActivation(const FusedActivation& a, const std::string& in, const std::string& out,
                      const std::string& nodeName, int64_t opset, onnx::GraphProto* gp,
                      ExportNames& names) {
  const std::string& op = a.op;
  if (op == "Clip") return exportClip(a, in, out, nodeName, opset, gp, names);
  if (op == kSwishActivation) {
    const std::string s = names.fresh(out + "_sigmoid");
    addNode(gp, "Sigmoid", {in}, s, nodeName + "_sigmoid");
    addNode(gp, "Mul", {in, s}, out, nodeName);
    return;
  }
  // Any other activation: one node, its parameters as the attributes its
  // record names.
  onnx::NodeProto* p = addNode(gp, op.c_str(), {in}, out, nodeName);
  const std::vector<std::string>& params = fusedActivationParamNames(op);
  for (size_t i = 0; i < params.size(); ++i)
    addFloat(p, params[i].c_str(), i == 0 ? a.alpha : a.beta);
}

}  // namespace nnport::onnxproto
