// IR -> ONNX ModelProto: nodes in stable topological order, names, metadata,
// declared types and unknown ops kept as they were read.
#include "emitters/onnx/onnx_emitter.h"

#include <unordered_set>

#include "emitters/onnx/onnx_activation.h"
#include "ir/onnx/onnx_proto.h"

namespace nnport::onnxproto {
namespace {

// Domains of IR-internal ops that have no ONNX spelling.
bool isIrOnlyDomain(const std::string& d) {
  return d == "nnport";
}

void exportValueInfo(const Value& v, onnx::ValueInfoProto* p) {
  p->set_name(v.name());
  if (!v.docString.empty()) p->set_doc_string(v.docString);
  if (!v.foreignType.empty()) {
    p->mutable_type()->ParseFromString(v.foreignType);
  } else if (v.declaredType) {
    exportType(*v.declaredType, p->mutable_type());
  } else if (v.type.dtype != DType::Undefined) {
    exportType(v.type, p->mutable_type());
  }
}

// The node, then its fused activation (if any) as standard nodes reading a
// fresh pre-activation value.
Status exportNode(const Node& n, int64_t opset, onnx::GraphProto* gp, ExportNames& names) {
  if (isIrOnlyDomain(n.domain()))
    return Status::unsupported("{}: this IR op has no ONNX form", n.describe());
  NNP_ASSIGN_OR_RETURN(std::optional<FusedActivation> act, fusedActivation(n));
  if (act && !n.output(0))
    return Status::invalid("{}: a fused activation on an omitted output", n.describe());
  onnx::NodeProto* p = gp->add_node();
  p->set_op_type(n.opType());
  if (!n.name().empty()) p->set_name(n.name());
  if (!n.domain().empty()) p->set_domain(n.domain());
  if (!n.docString.empty()) p->set_doc_string(n.docString);
  for (Value* in : n.inputs()) p->add_input(in ? in->name() : "");
  for (Value* out : n.outputs()) p->add_output(out ? out->name() : "");
  for (const Attribute& a : n.attrs.all())
    if (a.name != kFusedActivationAttr && a.name != kFusedActivationParamsAttr)
      exportAttribute(a, p->add_attribute());
  if (!act) return Status::ok();
  const std::string& out = n.output(0)->name();
  const std::string pre = names.fresh(out + "_preact");
  p->set_output(0, pre);
  exportActivation(*act, pre, out, (n.name().empty() ? out : n.name()) + "_" + act->op, opset, gp,
                   names);
  return Status::ok();
}

Status exportGraph(const Model& m, size_t rawDataLimit, onnx::GraphProto* gp) {
  const Graph& g = m.graph;
  gp->set_name(g.name);
  if (!g.docString.empty()) gp->set_doc_string(g.docString);
  NNP_ASSIGN_OR_RETURN(std::vector<Node*> order, g.topologicalOrder());
  ExportNames names(g);
  const int64_t opset = m.opsetFor("");
  for (Node* n : order) NNP_RETURN_IF_ERROR(exportNode(*n, opset, gp, names));
  for (Value* v : g.initializers()) {
    const Tensor& t = *v->initializer();
    auto* tp = gp->add_initializer();
    if (t.dtype() == DType::String || t.byteSize() < rawDataLimit) {
      exportTensor(t, v->name(), tp);
    } else {  // header only; the bytes go to external data
      Tensor header(t.dtype(), t.dims(), nullptr);
      header.docString = t.docString;
      exportTensor(header, v->name(), tp);
    }
  }
  for (const auto& s : m.opaqueSparseInitializers) gp->add_sparse_initializer()->ParseFromString(s);
  for (Value* v : g.inputs()) exportValueInfo(*v, gp->add_input());
  for (Value* v : g.outputs()) exportValueInfo(*v, gp->add_output());

  // value_info: source order first, then declared values added since.
  std::unordered_set<const Value*> written(g.inputs().begin(), g.inputs().end());
  written.insert(g.outputs().begin(), g.outputs().end());
  auto writeInfo = [&](const Value* v) {
    if (!v || written.count(v) || (!v->declaredType && v->foreignType.empty())) return;
    if (!v->producer() && !v->isConstant()) return;  // no longer in the graph
    written.insert(v);
    exportValueInfo(*v, gp->add_value_info());
  };
  for (const auto& name : g.valueInfoOrder) writeInfo(g.findValue(name));
  for (Node* n : order)
    for (Value* out : n->outputs()) writeInfo(out);
  for (const auto& vi : m.opaqueValueInfo) gp->add_value_info()->ParseFromString(vi);
  for (const auto& qa : m.opaqueQuantAnnotations)
    gp->add_quantization_annotation()->ParseFromString(qa);
  return Status::ok();
}

}  // namespace

Expected<std::unique_ptr<onnx::ModelProto>> exportModel(const Model& m, size_t rawDataLimit) {
  auto p = std::make_unique<onnx::ModelProto>();
  p->set_ir_version(m.irVersion);
  for (const auto& o : m.opsets) {
    auto* op = p->add_opset_import();
    op->set_domain(o.domain);
    op->set_version(o.version);
  }
  if (!m.producerName.empty()) p->set_producer_name(m.producerName);
  if (!m.producerVersion.empty()) p->set_producer_version(m.producerVersion);
  if (!m.domain.empty()) p->set_domain(m.domain);
  if (m.modelVersion) p->set_model_version(m.modelVersion);
  if (!m.docString.empty()) p->set_doc_string(m.docString);
  for (const auto& [k, v] : m.metadata) {
    auto* kv = p->add_metadata_props();
    kv->set_key(k);
    kv->set_value(v);
  }
  for (const auto& f : m.opaqueFunctions) p->add_functions()->ParseFromString(f);
  for (const auto& t : m.opaqueTrainingInfo) p->add_training_info()->ParseFromString(t);
  NNP_RETURN_IF_ERROR(exportGraph(m, rawDataLimit, p->mutable_graph()));
  return p;
}

}  // namespace nnport::onnxproto
