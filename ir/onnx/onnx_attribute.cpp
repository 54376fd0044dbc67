// AttributeProto <-> Attribute. Subgraphs, sparse tensors and type protos are
// kept as serialized bytes so they re-export exactly.
#include "ir/onnx/onnx_proto.h"

namespace nnport::onnxproto {
namespace {

using AP = onnx::AttributeProto;

// Old models may leave `type` unset; deduce it from the populated field.
AP::AttributeType deduceType(const AP& a) {
  if (a.type() != AP::UNDEFINED) return a.type();
  if (a.has_f()) return AP::FLOAT;
  if (a.has_i()) return AP::INT;
  if (a.has_s()) return AP::STRING;
  if (a.has_t()) return AP::TENSOR;
  if (a.has_g()) return AP::GRAPH;
  if (a.floats_size()) return AP::FLOATS;
  if (a.ints_size()) return AP::INTS;
  if (a.strings_size()) return AP::STRINGS;
  if (a.tensors_size()) return AP::TENSORS;
  if (a.graphs_size()) return AP::GRAPHS;
  return AP::UNDEFINED;
}

template <typename Msg>
std::string bytesOf(const Msg& m) {
  std::string s;
  m.SerializeToString(&s);
  return s;
}

}  // namespace

Expected<Attribute> importAttribute(AP& a, const TensorSource& src, const std::string& where) {
  Attribute out;
  out.name = a.name();
  out.docString = a.doc_string();
  out.refAttrName = a.ref_attr_name();
  const std::string at = where + ": attribute '" + a.name() + "'";
  switch (deduceType(a)) {
    case AP::FLOAT:
      out.kind = AttrKind::Float;
      out.f = a.f();
      break;
    case AP::INT:
      out.kind = AttrKind::Int;
      out.i = a.i();
      break;
    case AP::STRING:
      out.kind = AttrKind::String;
      out.s = a.s();
      break;
    case AP::FLOATS:
      out.kind = AttrKind::Floats;
      out.floats.assign(a.floats().begin(), a.floats().end());
      break;
    case AP::INTS:
      out.kind = AttrKind::Ints;
      out.ints.assign(a.ints().begin(), a.ints().end());
      break;
    case AP::STRINGS:
      out.kind = AttrKind::Strings;
      out.strings.assign(a.strings().begin(), a.strings().end());
      break;
    case AP::TENSOR: {
      out.kind = AttrKind::Tensor;
      NNP_ASSIGN_OR_RETURN(TensorPtr t, importTensor(*a.mutable_t(), src, at));
      out.tensors.push_back(std::move(t));
      break;
    }
    case AP::TENSORS:
      out.kind = AttrKind::Tensors;
      for (auto& tp : *a.mutable_tensors()) {
        NNP_ASSIGN_OR_RETURN(TensorPtr t, importTensor(tp, src, at));
        out.tensors.push_back(std::move(t));
      }
      break;
    case AP::GRAPH:
      out.kind = AttrKind::Graph;
      out.opaque.push_back(bytesOf(a.g()));
      break;
    case AP::GRAPHS:
      out.kind = AttrKind::Graphs;
      for (const auto& g : a.graphs()) out.opaque.push_back(bytesOf(g));
      break;
    case AP::SPARSE_TENSOR:
      out.kind = AttrKind::SparseTensor;
      out.opaque.push_back(bytesOf(a.sparse_tensor()));
      break;
    case AP::SPARSE_TENSORS:
      out.kind = AttrKind::SparseTensors;
      for (const auto& s : a.sparse_tensors()) out.opaque.push_back(bytesOf(s));
      break;
    case AP::TYPE_PROTO:
      out.kind = AttrKind::TypeProto;
      out.opaque.push_back(bytesOf(a.tp()));
      break;
    case AP::TYPE_PROTOS:
      out.kind = AttrKind::TypeProtos;
      for (const auto& t : a.type_protos()) out.opaque.push_back(bytesOf(t));
      break;
    default:
      if (!out.refAttrName.empty()) break;  // a function attribute reference
      return Status::invalid("{}: attribute has no type and no value", at);
  }
  return out;
}

void exportAttribute(const Attribute& a, AP* p) {
  p->set_name(a.name);
  if (!a.docString.empty()) p->set_doc_string(a.docString);
  if (!a.refAttrName.empty()) p->set_ref_attr_name(a.refAttrName);
  switch (a.kind) {
    case AttrKind::Undefined:
      break;
    case AttrKind::Float:
      p->set_type(AP::FLOAT);
      p->set_f(a.f);
      break;
    case AttrKind::Int:
      p->set_type(AP::INT);
      p->set_i(a.i);
      break;
    case AttrKind::String:
      p->set_type(AP::STRING);
      p->set_s(a.s);
      break;
    case AttrKind::Floats:
      p->set_type(AP::FLOATS);
      for (float f : a.floats) p->add_floats(f);
      break;
    case AttrKind::Ints:
      p->set_type(AP::INTS);
      for (int64_t i : a.ints) p->add_ints(i);
      break;
    case AttrKind::Strings:
      p->set_type(AP::STRINGS);
      for (const auto& s : a.strings) p->add_strings(s);
      break;
    case AttrKind::Tensor:
      p->set_type(AP::TENSOR);
      if (!a.tensors.empty()) exportTensor(*a.tensors[0], "", p->mutable_t());
      break;
    case AttrKind::Tensors:
      p->set_type(AP::TENSORS);
      for (const auto& t : a.tensors) exportTensor(*t, "", p->add_tensors());
      break;
    case AttrKind::Graph:
      p->set_type(AP::GRAPH);
      if (!a.opaque.empty()) p->mutable_g()->ParseFromString(a.opaque[0]);
      break;
    case AttrKind::Graphs:
      p->set_type(AP::GRAPHS);
      for (const auto& g : a.opaque) p->add_graphs()->ParseFromString(g);
      break;
    case AttrKind::SparseTensor:
      p->set_type(AP::SPARSE_TENSOR);
      if (!a.opaque.empty()) p->mutable_sparse_tensor()->ParseFromString(a.opaque[0]);
      break;
    case AttrKind::SparseTensors:
      p->set_type(AP::SPARSE_TENSORS);
      for (const auto& s : a.opaque) p->add_sparse_tensors()->ParseFromString(s);
      break;
    case AttrKind::TypeProto:
      p->set_type(AP::TYPE_PROTO);
      if (!a.opaque.empty()) p->mutable_tp()->ParseFromString(a.opaque[0]);
      break;
    case AttrKind::TypeProtos:
      p->set_type(AP::TYPE_PROTOS);
      for (const auto& t : a.opaque) p->add_type_protos()->ParseFromString(t);
      break;
  }
}

}  // namespace nnport::onnxproto
