// Writing the on-disk IR pair: the JSON document, and the .bin that receives
// every byte blob at a 64-byte aligned offset in the order the JSON refers to
// them. The layout is a pure function of the model, so writing a model that
// was read back reproduces both files byte for byte. The .bin appender,
// the float encoding and the JSON layout are in ir_json_write_encoding.cpp.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "ir/serialize/ir_json.h"
#include "ir/serialize/ir_json_write_encoding.h"
#include "support/atomic_file.h"
#include "support/utf8.h"

namespace nnport {
namespace {

using namespace irwrite;

bool isOpaqueKind(AttrKind k) {
  return k == AttrKind::Graph || k == AttrKind::Graphs || k == AttrKind::SparseTensor ||
         k == AttrKind::SparseTensors || k == AttrKind::TypeProto || k == AttrKind::TypeProtos;
}

class IrWriter {
 public:
  IrWriter(const Model& m, BinWriter& bin) : m_(m), g_(m.graph), bin_(bin) {}

  Expected<Json> run() {
    NNP_RETURN_IF_ERROR(collectValues());
    Json root;
    root["format"] = kIrFormatName;
    root["version"] = kIrFormatVersion;
    root["model"] = model();
    NNP_ASSIGN_OR_RETURN(root["graph"], graph());
    return root;
  }

 private:
  // A human-readable string: inline when valid UTF-8, else a .bin blob.
  Json text(const std::string& s) {
    if (isValidUtf8(s)) return s;
    return Json{{"bin", bin_.blob(s)}};
  }

  Json shape(const Shape& s) {
    if (!s.rankKnown()) return nullptr;
    Json out = Json::array();
    for (const Dim& d : s.dims()) {
      if (d.isStatic())
        out.push_back(d.value);
      else if (!d.symbol.empty())
        out.push_back(text(d.symbol));
      else
        out.push_back(nullptr);
    }
    return out;
  }

  // Every value reachable from the graph, in a fixed order: graph inputs,
  // initializers, then each node's inputs, outputs and captures, then graph
  // outputs. Names must identify values, since the JSON refers by name.
  Status collectValues() {
    std::unordered_map<std::string, const Value*> byName;
    auto visit = [&](const Value* v, const std::string& where) -> Status {
      if (!v || index_.count(v)) return Status::ok();
      if (v->name().empty()) return Status::invalid("{}: the value has no name", where);
      auto [it, fresh] = byName.emplace(v->name(), v);
      if (!fresh && it->second != v)
        return Status::invalid("two different values are named '{}'", v->name());
      if (v->producer() && (v->isGraphInput() || v->isConstant()))
        return Status::invalid("value '{}' is produced by {} and is also {}", v->name(),
                               v->producer()->describe(),
                               v->isGraphInput() ? "a graph input" : "a constant");
      index_.emplace(v, values_.size());
      values_.push_back(v);
      return Status::ok();
    };
    for (const Value* v : g_.inputs()) NNP_RETURN_IF_ERROR(visit(v, "graph input"));
    for (const Value* v : g_.initializers()) NNP_RETURN_IF_ERROR(visit(v, "initializer"));
    for (const Node* n : g_.nodes()) {
      for (size_t i = 0; i < n->numInputs(); ++i)
        NNP_RETURN_IF_ERROR(visit(n->input(i), fmt::format("{}: input {}", n->describe(), i)));
      for (size_t i = 0; i < n->numOutputs(); ++i)
        NNP_RETURN_IF_ERROR(visit(n->output(i), fmt::format("{}: output {}", n->describe(), i)));
      for (size_t i = 0; i < n->captures().size(); ++i)
        NNP_RETURN_IF_ERROR(
            visit(n->captures()[i], fmt::format("{}: capture {}", n->describe(), i)));
    }
    for (size_t i = 0; i < g_.outputs().size(); ++i) {
      if (!g_.outputs()[i]) return Status::invalid("graph output {} is null", i);
      NNP_RETURN_IF_ERROR(visit(g_.outputs()[i], fmt::format("graph output {}", i)));
    }
    // Listed initializers keep their order; constants that were never listed
    // (data attached by a pass) follow in traversal order.
    constants_ = g_.initializers();
    std::unordered_set<const Value*> listed(constants_.begin(), constants_.end());
    for (const Value* v : values_)
      if (v->isConstant() && !listed.count(v)) constants_.push_back(const_cast<Value*>(v));
    return Status::ok();
  }

  Json name(const Value* v) { return v ? text(v->name()) : Json(""); }

  Expected<Json> tensor(const Tensor& t, Json out, const std::string& what) {
    Status valid = t.validate();
    if (!valid) return valid.withContext(what);
    if (t.dtype() == DType::Undefined && t.numElements() != 0)
      return Status::invalid("{}: a tensor of {} elements has no element type", what,
                             t.numElements());
    out["dtype"] = std::string(dtypeName(t.dtype()));
    out["dims"] = t.dims();
    Json ref;
    if (t.dtype() == DType::String) {
      std::vector<BinWriter::Piece> pieces;
      Json sizes = Json::array();
      for (const std::string& s : t.strings()) {
        pieces.push_back({s.data(), s.size()});
        sizes.push_back(s.size());
      }
      ref = bin_.blob(pieces);
      out["offset"] = ref[0];
      out["nbytes"] = ref[1];
      out["string_sizes"] = std::move(sizes);
    } else {
      ref = bin_.blob({{t.rawData(), t.byteSize()}});
      out["offset"] = ref[0];
      out["nbytes"] = ref[1];
    }
    if (!t.docString.empty()) out["doc_string"] = text(t.docString);
    return out;
  }

  Json value(const Value* v) {
    Json j;
    j["name"] = text(v->name());
    j["dtype"] = std::string(dtypeName(v->type.dtype));
    j["shape"] = shape(v->type.shape);
    if (v->declaredType) {
      Json d;
      d["dtype"] = std::string(dtypeName(v->declaredType->dtype));
      d["shape"] = shape(v->declaredType->shape);
      j["declared_type"] = std::move(d);
    }
    if (v->quant) {
      Json q;
      q["scales"] = floatsJson(v->quant->scales);
      q["zero_points"] = v->quant->zeroPoints;
      q["axis"] = v->quant->axis;
      q["storage"] = std::string(dtypeName(v->quant->storage));
      j["quant"] = std::move(q);
    }
    if (!v->docString.empty()) j["doc_string"] = text(v->docString);
    if (!v->foreignType.empty()) j["foreign_type"] = bin_.blob(v->foreignType);
    return j;
  }

  // The field of the attribute's kind is always written; any other field is
  // written only when set, so nothing the struct holds is lost.
  Expected<Json> attribute(const Attribute& a, const std::string& where) {
    const AttrKind k = a.kind;
    const std::string what = fmt::format("{}: attribute '{}'", where, a.name);
    Json j;
    j["name"] = text(a.name);
    j["kind"] = attrKindName(k);
    if (k == AttrKind::Float || floatBits(a.f) != 0) j["f"] = floatJson(a.f);
    if (k == AttrKind::Int || a.i != 0) j["i"] = a.i;
    if (k == AttrKind::String || !a.s.empty()) j["s"] = text(a.s);
    if (k == AttrKind::Floats || !a.floats.empty()) j["floats"] = floatsJson(a.floats);
    if (k == AttrKind::Ints || !a.ints.empty()) j["ints"] = a.ints;
    if (k == AttrKind::Strings || !a.strings.empty()) {
      Json list = Json::array();
      for (const std::string& s : a.strings) list.push_back(text(s));
      j["strings"] = std::move(list);
    }
    if (k == AttrKind::Tensor || k == AttrKind::Tensors || !a.tensors.empty()) {
      Json list = Json::array();
      for (size_t i = 0; i < a.tensors.size(); ++i) {
        if (!a.tensors[i]) return Status::invalid("{}: tensor {} is null", what, i);
        NNP_ASSIGN_OR_RETURN(Json t, tensor(*a.tensors[i], Json::object(), what));
        list.push_back(std::move(t));
      }
      j["tensors"] = std::move(list);
    }
    if (isOpaqueKind(k) || !a.opaque.empty()) {
      Json list = Json::array();
      for (const std::string& bytes : a.opaque) list.push_back(bin_.blob(bytes));
      j["opaque"] = std::move(list);
    }
    if (!a.docString.empty()) j["doc_string"] = text(a.docString);
    if (!a.refAttrName.empty()) j["ref_attr_name"] = text(a.refAttrName);
    return j;
  }

  Expected<Json> node(const Node& n) {
    Json j;
    j["name"] = text(n.name());
    j["op"] = text(n.opType());
    if (!n.domain().empty()) j["domain"] = text(n.domain());
    Json ins = Json::array(), outs = Json::array();
    for (const Value* v : n.inputs()) ins.push_back(name(v));
    for (const Value* v : n.outputs()) outs.push_back(name(v));
    j["inputs"] = std::move(ins);
    j["outputs"] = std::move(outs);
    if (!n.captures().empty()) {
      Json caps = Json::array();
      for (const Value* v : n.captures()) caps.push_back(name(v));
      j["captures"] = std::move(caps);
    }
    if (!n.docString.empty()) j["doc_string"] = text(n.docString);
    if (!n.attrs.empty()) {
      Json attrs = Json::array();
      for (const Attribute& a : n.attrs.all()) {
        NNP_ASSIGN_OR_RETURN(Json aj, attribute(a, n.describe()));
        attrs.push_back(std::move(aj));
      }
      j["attributes"] = std::move(attrs);
    }
    return j;
  }

  Expected<Json> graph() {
    Json j;
    j["name"] = text(g_.name);
    if (!g_.docString.empty()) j["doc_string"] = text(g_.docString);
    Json ins = Json::array(), outs = Json::array();
    for (const Value* v : g_.inputs()) ins.push_back(name(v));
    for (const Value* v : g_.outputs()) outs.push_back(name(v));
    j["inputs"] = std::move(ins);
    j["outputs"] = std::move(outs);
    if (!g_.valueInfoOrder.empty()) {
      Json order = Json::array();
      for (const std::string& s : g_.valueInfoOrder) order.push_back(text(s));
      j["value_info_order"] = std::move(order);
    }
    Json values = Json::array();
    for (const Value* v : values_) values.push_back(value(v));
    j["values"] = std::move(values);
    Json inits = Json::array();
    for (const Value* v : constants_) {
      Json rec;
      rec["name"] = text(v->name());
      NNP_ASSIGN_OR_RETURN(Json t, tensor(*v->initializer(), std::move(rec),
                                          fmt::format("initializer '{}'", v->name())));
      inits.push_back(std::move(t));
    }
    j["initializers"] = std::move(inits);
    Json nodes = Json::array();
    for (const Node* n : g_.nodes()) {
      NNP_ASSIGN_OR_RETURN(Json nj, node(*n));
      nodes.push_back(std::move(nj));
    }
    j["nodes"] = std::move(nodes);
    return j;
  }

  Json blobs(const std::vector<std::string>& list) {
    Json out = Json::array();
    for (const std::string& b : list) out.push_back(bin_.blob(b));
    return out;
  }

  Json model() {
    Json j;
    j["ir_version"] = m_.irVersion;
    j["model_version"] = m_.modelVersion;
    j["producer_name"] = text(m_.producerName);
    j["producer_version"] = text(m_.producerVersion);
    j["domain"] = text(m_.domain);
    j["doc_string"] = text(m_.docString);
    Json opsets = Json::array();
    for (const OpsetImport& o : m_.opsets) {
      Json oj;
      oj["domain"] = text(o.domain);
      oj["version"] = o.version;
      opsets.push_back(std::move(oj));
    }
    j["opsets"] = std::move(opsets);
    Json meta = Json::array();
    for (const auto& [k, v] : m_.metadata) meta.push_back(Json::array({text(k), text(v)}));
    j["metadata"] = std::move(meta);
    Json opaque;
    opaque["functions"] = blobs(m_.opaqueFunctions);
    opaque["training_info"] = blobs(m_.opaqueTrainingInfo);
    opaque["quant_annotations"] = blobs(m_.opaqueQuantAnnotations);
    opaque["sparse_initializers"] = blobs(m_.opaqueSparseInitializers);
    opaque["value_info"] = blobs(m_.opaqueValueInfo);
    j["opaque"] = std::move(opaque);
    return j;
  }

  const Model& m_;
  const Graph& g_;
  BinWriter& bin_;
  std::vector<const Value*> values_;
  std::unordered_map<const Value*, size_t> index_;
  std::vector<Value*> constants_;
};

// Encodes the model, streaming blobs to `bin` and returning the JSON text.
Expected<std::string> encode(const Model& m, BinWriter& bin) {
  IrWriter writer(m, bin);
  NNP_ASSIGN_OR_RETURN(Json root, writer.run());
  try {
    std::string text;
    dumpCompact(root, 0, text);
    return text + "\n";
  } catch (const std::exception& e) {
    // Only reachable if a string escaped the UTF-8 check: a bug here.
    return Status::internal("cannot encode the IR as JSON: {}", e.what());
  }
}

}  // namespace

Status writeIrToStrings(const Model& m, std::string* json, std::string* bin) {
  bin->clear();
  BinWriter writer([bin](const void* p, size_t n) {
    bin->append(static_cast<const char*>(p), n);
    return true;
  });
  NNP_ASSIGN_OR_RETURN(*json, encode(m, writer));
  return Status::ok();
}

Status writeIr(const Model& m, const std::string& jsonPath, const std::string& binPath) {
  std::FILE* f = std::fopen(binPath.c_str(), "wb");
  if (!f) return Status::io("{}: cannot open for writing: {}", binPath, std::strerror(errno));
  BinWriter writer([f](const void* p, size_t n) { return std::fwrite(p, 1, n, f) == n; });
  Expected<std::string> json = encode(m, writer);
  const bool closed = std::fclose(f) == 0;
  if (!json) return json.status().withContext(jsonPath);
  if (writer.failed() || !closed) return Status::io("{}: write failed (disk full?)", binPath);
  return writeWholeFile(jsonPath, json.value());
}

}  // namespace nnport
