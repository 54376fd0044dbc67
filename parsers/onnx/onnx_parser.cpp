// ONNX ModelProto -> IR. Every node, attribute, type, initializer and piece
// of metadata is kept; what the IR does not model is carried as bytes.
#include <unordered_set>

#include "ir/dtype_codes.h"
#include "ir/onnx/onnx_proto.h"
#include "parsers/onnx/onnx_lean_read.h"
#include "parsers/onnx/onnx_reader.h"
#include "parsers/registry.h"

namespace nnport::onnxproto {
namespace {

template <typename Msg>
std::string bytesOf(const Msg& m) {
  std::string s;
  m.SerializeToString(&s);
  return s;
}

std::string dirOf(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string nodeLabel(const onnx::NodeProto& n) {
  const std::string op = n.domain().empty() ? n.op_type() : n.domain() + "::" + n.op_type();
  return fmt::format("node '{}' ({})", n.name(), op);
}

Status importOpsets(const onnx::ModelProto& p, Model& m, const std::string& file) {
  if (p.ir_version() < 3)
    return Status::unsupported("{}: ONNX IR version {} is older than 3, the oldest supported", file,
                               p.ir_version());
  if (p.opset_import_size() == 0) return Status::invalid("{}: the model imports no opset", file);
  for (const auto& o : p.opset_import()) {
    const std::string domain = o.domain() == "ai.onnx" ? "" : o.domain();
    if (o.version() < 1)
      return Status::invalid("{}: opset version {} of domain '{}' is not valid", file, o.version(),
                             o.domain());
    if (domain.empty() && o.version() > kMaxOnnxOpset)
      return Status::unsupported(
          "{}: opset {} of domain ai.onnx is newer than the newest nnport "
          "knows ({})",
          file, o.version(), kMaxOnnxOpset);
    m.opsets.push_back({o.domain(), o.version()});
  }
  return Status::ok();
}

Status importValueInfo(const onnx::ValueInfoProto& vi, Value* v, const std::string& file) {
  NNP_ASSIGN_OR_RETURN(std::optional<TensorType> t,
                       importType(vi.type(), fmt::format("{}: value '{}'", file, vi.name())));
  if (t) {
    v->declaredType = *t;
    if (v->type.dtype == DType::Undefined) v->type.dtype = t->dtype;
    if (!v->type.shape.rankKnown()) v->type.shape = t->shape;
  } else if (vi.has_type()) {
    v->foreignType = bytesOf(vi.type());
  }
  v->docString = vi.doc_string();
  return Status::ok();
}

// Names a subgraph reads but does not define: the outer values it captures.
void collectFreeNames(const onnx::GraphProto& g, std::unordered_set<std::string>& free) {
  std::unordered_set<std::string> defined;
  for (const auto& i : g.input()) defined.insert(i.name());
  for (const auto& i : g.initializer()) defined.insert(i.name());
  for (const auto& i : g.sparse_initializer()) defined.insert(i.values().name());
  for (const auto& n : g.node())
    for (const auto& o : n.output()) defined.insert(o);
  auto use = [&](const std::string& name) {
    if (!name.empty() && !defined.count(name)) free.insert(name);
  };
  for (const auto& n : g.node()) {
    for (const auto& in : n.input()) use(in);
    for (const auto& a : n.attribute()) {
      std::unordered_set<std::string> inner;
      if (a.has_g()) collectFreeNames(a.g(), inner);
      for (const auto& sg : a.graphs()) collectFreeNames(sg, inner);
      for (const auto& name : inner) use(name);
    }
  }
  for (const auto& o : g.output()) use(o.name());
}

class GraphImporter {
 public:
  GraphImporter(Model& m, const std::string& path, const InitializerBytes* leftInFile)
      : m_(m), g_(m.graph), path_(path), leftInFile_(leftInFile) {
    src_.modelDir = dirOf(path);
    src_.fileName = path;
  }

  Status run(onnx::GraphProto& gp) {
    g_.name = gp.name();
    g_.docString = gp.doc_string();
    NNP_RETURN_IF_ERROR(importInputs(gp));
    NNP_RETURN_IF_ERROR(importInitializers(gp));
    NNP_RETURN_IF_ERROR(createNodes(gp));
    NNP_RETURN_IF_ERROR(wireNodes(gp));
    NNP_RETURN_IF_ERROR(importOutputs(gp));
    for (const auto& vi : gp.value_info()) {
      g_.valueInfoOrder.push_back(vi.name());
      Value* v = g_.findValue(vi.name());
      if (!v) {
        m_.opaqueValueInfo.push_back(bytesOf(vi));
        continue;
      }
      NNP_RETURN_IF_ERROR(importValueInfo(vi, v, path_));
    }
    for (const auto& qa : gp.quantization_annotation())
      m_.opaqueQuantAnnotations.push_back(bytesOf(qa));
    return g_.topologicalOrder().status().withContext(path_);
  }

 private:
  Status importInputs(const onnx::GraphProto& gp) {
    for (const auto& in : gp.input()) {
      if (g_.findValue(in.name()))
        return Status::invalid("{}: graph input '{}' is declared twice", path_, in.name());
      Value* v = g_.addInput(in.name(), {});
      NNP_RETURN_IF_ERROR(importValueInfo(in, v, path_));
    }
    return Status::ok();
  }

  Status importInitializers(onnx::GraphProto& gp) {
    for (int i = 0; i < gp.initializer_size(); ++i) {
      onnx::TensorProto& t = *gp.mutable_initializer(i);
      Value* existing = g_.findValue(t.name());
      if (existing && existing->isConstant())
        return Status::invalid("{}: initializer '{}' is defined twice", path_, t.name());
      std::shared_ptr<Buffer> raw = leftInFile_ ? leftInFile_->at(static_cast<size_t>(i)) : nullptr;
      NNP_ASSIGN_OR_RETURN(
          TensorPtr data,
          importTensor(t, src_, fmt::format("{}: initializer '{}'", path_, t.name()),
                       std::move(raw)));
      g_.addInitializer(t.name(), std::move(data));
    }
    for (const auto& s : gp.sparse_initializer()) {
      m_.opaqueSparseInitializers.push_back(bytesOf(s));
      if (!g_.findValue(s.values().name())) g_.addDetachedValue(s.values().name());
    }
    return Status::ok();
  }

  Status createNodes(onnx::GraphProto& gp) {
    for (auto& np : *gp.mutable_node()) {
      const std::string where = fmt::format("{}: {}", path_, nodeLabel(np));
      if (np.op_type().empty()) return Status::invalid("{}: node has no op_type", where);
      for (const auto& o : np.output()) {
        Value* v = o.empty() ? nullptr : g_.findValue(o);
        if (v && (v->producer() || v->isGraphInput() || v->isConstant()))
          return Status::invalid("{}: output '{}' is already defined elsewhere", where, o);
      }
      Node* n = g_.addNode(np.op_type(), np.domain(), {}, {np.output().begin(), np.output().end()},
                           np.name());
      n->docString = np.doc_string();
      for (auto& ap : *np.mutable_attribute()) {
        NNP_ASSIGN_OR_RETURN(Attribute a, importAttribute(ap, src_, where));
        n->attrs.set(std::move(a));
      }
      nodes_.push_back(n);
    }
    return Status::ok();
  }

  Status wireNodes(const onnx::GraphProto& gp) {
    for (int k = 0; k < gp.node_size(); ++k) {
      const auto& np = gp.node(k);
      Node* n = nodes_[static_cast<size_t>(k)];
      for (const auto& in : np.input()) {
        Value* v = in.empty() ? nullptr : g_.findValue(in);
        if (!in.empty() && !v)
          return Status::invalid(
              "{}: {}: input '{}' is not a graph input, an initializer or a "
              "node output",
              path_, nodeLabel(np), in);
        n->addInput(v);
      }
      std::unordered_set<std::string> free;
      for (const auto& a : np.attribute()) {
        if (a.has_g()) collectFreeNames(a.g(), free);
        for (const auto& sg : a.graphs()) collectFreeNames(sg, free);
      }
      std::vector<std::string> names(free.begin(), free.end());
      std::sort(names.begin(), names.end());
      for (const auto& name : names) {
        Value* v = g_.findValue(name);
        if (!v)
          return Status::invalid("{}: {}: a subgraph reads '{}', which is not defined", path_,
                                 nodeLabel(np), name);
        n->addCapture(v);
      }
    }
    return Status::ok();
  }

  Status importOutputs(const onnx::GraphProto& gp) {
    std::vector<Value*> outs;
    for (const auto& o : gp.output()) {
      Value* v = g_.findValue(o.name());
      if (!v)
        return Status::invalid(
            "{}: graph output '{}' is not produced by any node, input or "
            "initializer",
            path_, o.name());
      NNP_RETURN_IF_ERROR(importValueInfo(o, v, path_));
      outs.push_back(v);
    }
    g_.setOutputs(std::move(outs));
    return Status::ok();
  }

  Model& m_;
  Graph& g_;
  std::string path_;
  TensorSource src_;
  const InitializerBytes* leftInFile_;
  std::vector<Node*> nodes_;
};

// QuantizeLinear/DequantizeLinear with constant scale (and zero point) mark
// the quantized tensor between them with its QuantParams.
void annotateQuantParams(Graph& g) {
  for (Node* n : g.nodes()) {
    const bool q = n->opType() == "QuantizeLinear", dq = n->opType() == "DequantizeLinear";
    if (!n->domain().empty() || !(q || dq) || !n->input(1) || !n->input(1)->isConstant()) continue;
    Value* quantized = q ? n->output(0) : n->input(0);
    if (!quantized) continue;
    const TensorPtr& scale = n->input(1)->initializer();
    const TensorPtr zp = n->input(2) ? n->input(2)->initializer() : nullptr;
    if (n->input(2) && !zp) continue;
    QuantParams qp;
    for (int64_t i = 0; i < scale->numElements(); ++i)
      qp.scales.push_back(static_cast<float>(scale->floatAt(i)));
    if (zp) {
      qp.zeroPoints = zp->toInt64Vector();
      qp.storage = zp->dtype();
    } else {
      qp.zeroPoints.assign(qp.scales.size(), 0);
    }
    if (scale->dims().size() == 1 && scale->numElements() > 1) qp.axis = n->attrInt("axis");
    quantized->quant = std::move(qp);
  }
}

}  // namespace

Expected<std::unique_ptr<Model>> importModel(onnx::ModelProto& p, const std::string& path,
                                             const InitializerBytes* leftInFile) {
  auto m = std::make_unique<Model>();
  NNP_RETURN_IF_ERROR(importOpsets(p, *m, path));
  m->irVersion = p.ir_version();
  m->producerName = p.producer_name();
  m->producerVersion = p.producer_version();
  m->domain = p.domain();
  m->modelVersion = p.model_version();
  m->docString = p.doc_string();
  for (const auto& kv : p.metadata_props()) m->metadata.emplace_back(kv.key(), kv.value());
  for (const auto& f : p.functions()) m->opaqueFunctions.push_back(bytesOf(f));
  for (const auto& t : p.training_info()) m->opaqueTrainingInfo.push_back(bytesOf(t));
  GraphImporter importer(*m, path, leftInFile);
  NNP_RETURN_IF_ERROR(importer.run(*p.mutable_graph()));
  annotateQuantParams(m->graph);
  return m;
}

namespace {
// The raw_data left in the mapped file, as buffers; slices at addresses not
// aligned for their element type are copied when first read as elements.
InitializerBytes leanBytes(const LeanModelProto& lean) {
  InitializerBytes bytes;
  const auto& inits = lean.proto->graph().initializer();
  for (size_t i = 0; i < lean.rawData.size(); ++i) {
    const auto& slice = lean.rawData[i];
    if (!slice) {
      bytes.push_back(nullptr);
      continue;
    }
    const auto dtype = dtypeFromOnnx(inits[static_cast<int>(i)].data_type());
    const size_t align = dtype && dtypeSize(*dtype) > 0 ? dtypeSize(*dtype) : 8;
    bytes.push_back(makeMappedSlice(lean.file, slice->offset, slice->size, align));
  }
  return bytes;
}
}  // namespace

void registerOnnxParser(ParserRegistry& r) {
  r.add({"onnx",
         {".onnx"},
         "ONNX ModelProto (IR 3+, opsets 1-17, external data)",
         [](const ParseRequest& req) -> Expected<std::unique_ptr<Model>> {
           const std::string& path = req.weights.empty() ? req.network : req.weights;
           NNP_ASSIGN_OR_RETURN(LeanModelProto lean, readLeanModelProto(path));
           if (lean.rawData.empty()) return importModel(*lean.proto, path);
           const InitializerBytes bytes = leanBytes(lean);
           return importModel(*lean.proto, path, &bytes);
         },
         /*postImport=*/""});
}

}  // namespace nnport::onnxproto
