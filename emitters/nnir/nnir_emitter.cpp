// The text form of the IR as an output format (.nnir): every constant's
// values and every list item are written (PrintOptions::complete), so the
// file reads back to the same model. What the text form cannot hold is
// refused, naming it, rather than written half: opaque model parts
// (functions, training info, ...), subgraph, sparse-tensor and type-proto
// attributes, values of foreign (non-tensor) types and constants of the
// types the reader does not take. Meant for small graphs, hand edits and
// tests; the .json + .bin pair is the lossless form for any model.
#include "emitters/registry.h"
#include "ir/printer.h"
#include "ir/text_parser.h"
#include "support/atomic_file.h"

namespace nnport {

namespace {

bool textableConstant(DType d) {
  switch (d) {
    case DType::Float32:
    case DType::Float64:
    case DType::Int64:
    case DType::Int32:
    case DType::Int8:
    case DType::UInt8:
    case DType::Bool:
      return true;
    default:
      return false;
  }
}

bool opaqueKind(AttrKind k) {
  return k == AttrKind::Graph || k == AttrKind::Graphs || k == AttrKind::SparseTensor ||
         k == AttrKind::SparseTensors || k == AttrKind::TypeProto || k == AttrKind::TypeProtos;
}

Status refuse(const std::string& path, const std::string& what) {
  return Status::unsupported("{}: the text IR cannot hold {}; write .onnx or .json instead", path,
                             what);
}

Status checkModelParts(const Model& m, const std::string& path) {
  for (const auto& [what, blobs] : m.opaqueParts())
    if (!blobs->empty())
      return refuse(path, fmt::format("the model's {} ({})", what, blobs->size()));
  return Status::ok();
}

Status checkValue(const Value& v, const std::string& path) {
  if (!v.foreignType.empty() && v.type.dtype == DType::Undefined)
    return refuse(path, fmt::format("value '{}' of a non-tensor type", v.name()));
  if (TensorPtr t = v.initializer(); t && !textableConstant(t->dtype()))
    return refuse(path, fmt::format("constant '{}' of type {}", v.name(), dtypeName(t->dtype())));
  return Status::ok();
}

Status checkTextable(const Model& m, const std::string& path) {
  NNP_RETURN_IF_ERROR(checkModelParts(m, path));
  const Graph& g = m.graph;
  for (const Value* v : g.inputs()) NNP_RETURN_IF_ERROR(checkValue(*v, path));
  for (const Value* v : g.initializers()) NNP_RETURN_IF_ERROR(checkValue(*v, path));
  for (const Node* n : g.nodes()) {
    for (const Attribute& a : n->attrs.all())
      if (opaqueKind(a.kind) || !a.refAttrName.empty())
        return refuse(path, fmt::format("{}'s attribute '{}'", n->describe(), a.name));
    for (const Value* v : n->inputs())
      if (v) NNP_RETURN_IF_ERROR(checkValue(*v, path));
    for (const Value* v : n->outputs())
      if (v) NNP_RETURN_IF_ERROR(checkValue(*v, path));
  }
  return Status::ok();
}

Status writeNnir(const Model& m, const std::string& path) {
  NNP_RETURN_IF_ERROR(checkTextable(m, path));
  PrintOptions complete;
  complete.complete = true;
  const std::string text = printModel(m, complete);
  // The text must read back to itself; anything else is a bug here.
  auto back = parseModelText(text);
  if (!back)
    return Status::internal("{}: the text IR written does not read back: {}", path,
                            back.status().message());
  if (printModel(**back, complete) != text)
    return Status::internal("{}: the text IR written reads back to a different model", path);
  AtomicFile out(path);
  NNP_RETURN_IF_ERROR(out.open());
  NNP_RETURN_IF_ERROR(writeWholeFile(out.tempPath(), text));
  return out.commit();
}

}  // namespace

void registerNnirEmitter(EmitterRegistry& r) {
  r.add({"nnir",
         {".nnir"},
         "nnport text IR (.nnir): every value written, reads back to the same model",
         [](const Model& m, const std::string& path, const EmitOptions&) {
           return writeNnir(m, path);
         }});
}

}  // namespace nnport
