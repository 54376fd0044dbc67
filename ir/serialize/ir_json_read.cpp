// Reading the on-disk IR pair. The input is untrusted (and fuzzed): every
// JSON access checks the type first, every blob reference is checked against
// the .bin, and the graph is rebuilt only through the Graph API after the
// names have been checked, so use lists come out right and nothing the API
// assumes (one producer per value, unique names) can be violated.
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "ir/serialize/ir_json.h"
#include "ir/serialize/ir_json_fields.h"
#include "lib/atomic_file.h"

namespace nnport {
namespace {

using namespace irjson;

// A slice of an in-memory .bin (readIrFromMemory).
class SharedSlice final : public Buffer {
 public:
  SharedSlice(std::shared_ptr<Buffer> base, size_t offset, size_t size)
      : base_(std::move(base)), offset_(offset), size_(size) {}
  const uint8_t* data() const override { return base_->data() + offset_; }
  size_t size() const override { return size_; }
  bool materialized() const override { return base_->materialized(); }

 private:
  std::shared_ptr<Buffer> base_;
  size_t offset_, size_;
};

std::string describeNode(size_t index, const std::string& name, const std::string& domain,
                         const std::string& op) {
  const std::string full = domain.empty() ? op : domain + "::" + op;
  if (name.empty()) return fmt::format("node #{} ({})", index, full);
  return fmt::format("node '{}' ({})", name, full);
}

std::optional<AttrKind> attrKindFromName(const std::string& s) {
  for (int k = 0; k <= static_cast<int>(AttrKind::TypeProtos); ++k)
    if (s == attrKindName(static_cast<AttrKind>(k))) return static_cast<AttrKind>(k);
  return std::nullopt;
}

// What one entry of "values" says about a value, and what became of it.
struct ValueRecord {
  std::string name;
  TensorType type;
  std::optional<TensorType> declaredType;
  std::optional<QuantParams> quant;
  std::string docString, foreignType;
  Value* value = nullptr;
  std::string producer;  // "a graph input", "an initializer" or a node; empty if none
};

class IrReader : private JsonFields {
 public:
  explicit IrReader(const BinView& bin) : JsonFields(bin) {}

  Expected<std::unique_ptr<Model>> read(const Json& root) {
    if (!root.is_object()) return Status::invalid("the document is not a JSON object");
    std::string format;
    int64_t version = 0;
    NNP_RETURN_IF_ERROR(reqText(root, "format", "header", &format));
    if (format != kIrFormatName)
      return Status::invalid("not an nnport IR file (format is '{}')", format);
    NNP_RETURN_IF_ERROR(reqInt(root, "version", "header", &version));
    if (version != kIrFormatVersion)
      return Status::invalid("unsupported IR format version {} (this build reads {})", version,
                             kIrFormatVersion);
    auto model = std::make_unique<Model>();
    const Json* j = nullptr;
    NNP_RETURN_IF_ERROR(need(root, "model", "header", &j));
    NNP_RETURN_IF_ERROR(readModel(*j, *model));
    NNP_RETURN_IF_ERROR(need(root, "graph", "header", &j));
    NNP_RETURN_IF_ERROR(readGraph(*j, model->graph));
    return model;
  }

 private:
  // ------------------------------------------------------------ scalars
  // ------------------------------------------------------------ tensors

  Expected<TensorPtr> readTensor(const Json& j, const std::string& ctx) const {
    if (!j.is_object()) return Status::invalid("{}: expected an object", ctx);
    DType dtype = DType::Undefined;
    const Json* f = nullptr;
    NNP_RETURN_IF_ERROR(need(j, "dtype", ctx, &f));
    NNP_RETURN_IF_ERROR(asDType(*f, ctx + ": dtype", &dtype));
    NNP_RETURN_IF_ERROR(needList(j, "dims", ctx, &f));
    std::vector<int64_t> dims;
    for (size_t k = 0; k < f->size(); ++k) {
      uint64_t d = 0;
      NNP_RETURN_IF_ERROR(asSize((*f)[k], fmt::format("{}: dims[{}]", ctx, k), &d));
      dims.push_back(static_cast<int64_t>(d));
    }
    const auto count = checkedElementCount(dims);
    if (!count) return Status::invalid("{}: the element count of the dims overflows", ctx);
    uint64_t offset = 0, nbytes = 0;
    NNP_RETURN_IF_ERROR(need(j, "offset", ctx, &f));
    NNP_RETURN_IF_ERROR(asSize(*f, ctx + ": offset", &offset));
    NNP_RETURN_IF_ERROR(need(j, "nbytes", ctx, &f));
    NNP_RETURN_IF_ERROR(asSize(*f, ctx + ": nbytes", &nbytes));
    BlobRef blob;
    NNP_RETURN_IF_ERROR(checkRange(offset, nbytes, ctx, &blob));
    std::string doc;
    NNP_RETURN_IF_ERROR(optText(j, "doc_string", ctx, &doc));

    std::shared_ptr<Tensor> t;
    if (dtype == DType::String) {
      NNP_RETURN_IF_ERROR(needList(j, "string_sizes", ctx, &f));
      if (static_cast<uint64_t>(*count) != f->size())
        return Status::invalid("{}: {} string sizes for {} elements", ctx, f->size(), *count);
      std::vector<std::string> strings;
      strings.reserve(f->size());
      size_t pos = 0;
      for (size_t k = 0; k < f->size(); ++k) {
        uint64_t size = 0;
        NNP_RETURN_IF_ERROR(asSize((*f)[k], fmt::format("{}: string_sizes[{}]", ctx, k), &size));
        if (size > blob.size - pos)
          return Status::invalid("{}: the strings need more than its {} bytes", ctx, blob.size);
        strings.push_back(blobBytes({blob.offset + pos, static_cast<size_t>(size)}));
        pos += static_cast<size_t>(size);
      }
      if (pos != blob.size)
        return Status::invalid("{}: the strings use {} of its {} bytes", ctx, pos, blob.size);
      t = std::make_shared<Tensor>(Tensor::ofStrings(std::move(dims), std::move(strings)));
    } else {
      if (dtype == DType::Undefined && *count != 0)
        return Status::invalid("{}: a tensor of {} elements has no element type", ctx, *count);
      const auto bits = static_cast<uint64_t>(dtypeBits(dtype));
      if (bits != 0 && static_cast<uint64_t>(*count) > (SIZE_MAX - 7) / bits)
        return Status::invalid("{}: {} elements are too many", ctx, *count);
      const size_t need = dtypeStorageBytes(dtype, *count);
      if (need != blob.size)
        return Status::invalid("{}: holds {} bytes, {} {} elements need {}", ctx, blob.size, *count,
                               dtypeName(dtype), need);
      auto buffer = blob.size ? bin_.slice(blob.offset, blob.size) : makeOwnedBuffer({});
      t = std::make_shared<Tensor>(dtype, std::move(dims), std::move(buffer));
    }
    t->docString = std::move(doc);
    return TensorPtr(std::move(t));
  }

  // ------------------------------------------------------------ attributes

  Expected<Attribute> readAttribute(const Json& j, const std::string& where) const {
    Attribute a;
    NNP_RETURN_IF_ERROR(reqText(j, "name", where, &a.name));
    if (a.name.empty()) return Status::invalid("{}: an attribute has no name", where);
    const std::string ctx = fmt::format("{}: attribute '{}'", where, a.name);
    std::string kind;
    NNP_RETURN_IF_ERROR(reqText(j, "kind", ctx, &kind));
    auto k = attrKindFromName(kind);
    if (!k) return Status::invalid("{}: unknown attribute kind '{}'", ctx, kind);
    a.kind = *k;
    const Json* f = nullptr;
    // The field of the attribute's kind is required, the others optional.
    auto field = [&](const char* key, bool primary) -> Status {
      f = member(j, key);
      if (!f && primary) return Status::invalid("{}: missing key '{}'", ctx, key);
      return Status::ok();
    };
    const std::string at = ctx + ": ";
    NNP_RETURN_IF_ERROR(field("f", a.kind == AttrKind::Float));
    if (f) NNP_RETURN_IF_ERROR(asFloat(*f, at + "f", &a.f));
    NNP_RETURN_IF_ERROR(field("i", a.kind == AttrKind::Int));
    if (f) NNP_RETURN_IF_ERROR(asInt(*f, at + "i", &a.i));
    NNP_RETURN_IF_ERROR(field("s", a.kind == AttrKind::String));
    if (f) NNP_RETURN_IF_ERROR(asText(*f, at + "s", &a.s));
    const bool tensorKind = a.kind == AttrKind::Tensor || a.kind == AttrKind::Tensors;
    const bool opaqueKind = a.kind == AttrKind::Graph || a.kind == AttrKind::Graphs ||
                            a.kind == AttrKind::SparseTensor || a.kind == AttrKind::SparseTensors ||
                            a.kind == AttrKind::TypeProto || a.kind == AttrKind::TypeProtos;
    const struct {
      const char* key;
      bool primary;
    } lists[] = {{"floats", a.kind == AttrKind::Floats},
                 {"ints", a.kind == AttrKind::Ints},
                 {"strings", a.kind == AttrKind::Strings},
                 {"tensors", tensorKind},
                 {"opaque", opaqueKind}};
    for (const auto& l : lists) {
      NNP_RETURN_IF_ERROR(field(l.key, l.primary));
      if (!f) continue;
      const std::string what = at + l.key;
      if (!f->is_array()) return Status::invalid("{}: expected a list", what);
      const std::string key = l.key;
      if (key == "floats") NNP_RETURN_IF_ERROR(floatList(*f, what, &a.floats));
      if (key == "ints") NNP_RETURN_IF_ERROR(intList(*f, what, &a.ints));
      for (size_t n = 0; n < f->size(); ++n) {
        const std::string item = fmt::format("{}[{}]", what, n);
        if (key == "strings") {
          a.strings.emplace_back();
          NNP_RETURN_IF_ERROR(asText((*f)[n], item, &a.strings.back()));
        } else if (key == "tensors") {
          NNP_ASSIGN_OR_RETURN(TensorPtr t, readTensor((*f)[n], item));
          a.tensors.push_back(std::move(t));
        } else if (key == "opaque") {
          a.opaque.emplace_back();
          NNP_RETURN_IF_ERROR(asBlobBytes((*f)[n], item, &a.opaque.back()));
        }
      }
    }
    NNP_RETURN_IF_ERROR(optText(j, "doc_string", ctx, &a.docString));
    NNP_RETURN_IF_ERROR(optText(j, "ref_attr_name", ctx, &a.refAttrName));
    return a;
  }

  // ------------------------------------------------------------ model
  Status readModel(const Json& j, Model& m) const {
    const std::string ctx = "model";
    NNP_RETURN_IF_ERROR(reqInt(j, "ir_version", ctx, &m.irVersion));
    NNP_RETURN_IF_ERROR(reqInt(j, "model_version", ctx, &m.modelVersion));
    NNP_RETURN_IF_ERROR(reqText(j, "producer_name", ctx, &m.producerName));
    NNP_RETURN_IF_ERROR(reqText(j, "producer_version", ctx, &m.producerVersion));
    NNP_RETURN_IF_ERROR(reqText(j, "domain", ctx, &m.domain));
    NNP_RETURN_IF_ERROR(reqText(j, "doc_string", ctx, &m.docString));
    const Json* list = nullptr;
    NNP_RETURN_IF_ERROR(needList(j, "opsets", ctx, &list));
    for (size_t k = 0; k < list->size(); ++k) {
      const std::string at = fmt::format("model: opsets[{}]", k);
      OpsetImport o;
      NNP_RETURN_IF_ERROR(reqText((*list)[k], "domain", at, &o.domain));
      NNP_RETURN_IF_ERROR(reqInt((*list)[k], "version", at, &o.version));
      m.opsets.push_back(std::move(o));
    }
    NNP_RETURN_IF_ERROR(needList(j, "metadata", ctx, &list));
    for (size_t k = 0; k < list->size(); ++k) {
      const std::string at = fmt::format("model: metadata[{}]", k);
      const Json& entry = (*list)[k];
      if (!entry.is_array() || entry.size() != 2)
        return Status::invalid("{}: expected [key, value]", at);
      std::pair<std::string, std::string> kv;
      NNP_RETURN_IF_ERROR(asText(entry[0], at, &kv.first));
      NNP_RETURN_IF_ERROR(asText(entry[1], at, &kv.second));
      m.metadata.push_back(std::move(kv));
    }
    const Json* opaque = nullptr;
    NNP_RETURN_IF_ERROR(need(j, "opaque", ctx, &opaque));
    const std::string at = "model: opaque";
    NNP_RETURN_IF_ERROR(blobList(*opaque, "functions", at, &m.opaqueFunctions));
    NNP_RETURN_IF_ERROR(blobList(*opaque, "training_info", at, &m.opaqueTrainingInfo));
    NNP_RETURN_IF_ERROR(blobList(*opaque, "quant_annotations", at, &m.opaqueQuantAnnotations));
    NNP_RETURN_IF_ERROR(blobList(*opaque, "sparse_initializers", at, &m.opaqueSparseInitializers));
    NNP_RETURN_IF_ERROR(blobList(*opaque, "value_info", at, &m.opaqueValueInfo));
    return Status::ok();
  }

  // ------------------------------------------------------------ graph

  Status readValue(const Json& j, size_t index) {
    ValueRecord r;
    const std::string at = fmt::format("graph: values[{}]", index);
    NNP_RETURN_IF_ERROR(reqText(j, "name", at, &r.name));
    if (r.name.empty()) return Status::invalid("{}: the value has no name", at);
    if (byName_.count(r.name)) return Status::invalid("value '{}' is listed twice", r.name);
    const std::string ctx = fmt::format("value '{}'", r.name);
    NNP_RETURN_IF_ERROR(asType(j, ctx, &r.type));
    if (const Json* d = member(j, "declared_type")) {
      r.declaredType.emplace();
      NNP_RETURN_IF_ERROR(asType(*d, ctx + ": declared_type", &*r.declaredType));
    }
    if (const Json* q = member(j, "quant")) {
      const std::string qa = ctx + ": quant";
      QuantParams p;
      const Json* f = nullptr;
      NNP_RETURN_IF_ERROR(needList(*q, "scales", qa, &f));
      NNP_RETURN_IF_ERROR(floatList(*f, qa + ": scales", &p.scales));
      NNP_RETURN_IF_ERROR(needList(*q, "zero_points", qa, &f));
      NNP_RETURN_IF_ERROR(intList(*f, qa + ": zero_points", &p.zeroPoints));
      NNP_RETURN_IF_ERROR(reqInt(*q, "axis", qa, &p.axis));
      if (p.axis < -1) return Status::invalid("{}: axis {} is below -1", qa, p.axis);
      NNP_RETURN_IF_ERROR(need(*q, "storage", qa, &f));
      NNP_RETURN_IF_ERROR(asDType(*f, qa + ": storage", &p.storage));
      r.quant = std::move(p);
    }
    NNP_RETURN_IF_ERROR(optText(j, "doc_string", ctx, &r.docString));
    if (const Json* f = member(j, "foreign_type"))
      NNP_RETURN_IF_ERROR(asBlobBytes(*f, ctx + ": foreign_type", &r.foreignType));
    byName_.emplace(r.name, records_.size());
    records_.push_back(std::move(r));
    return Status::ok();
  }

  // The record of a referenced name; `what` says who refers to it.
  Expected<ValueRecord*> lookup(const std::string& name, const std::string& what) {
    auto it = byName_.find(name);
    if (it == byName_.end()) return Status::invalid("{} '{}' is not defined", what, name);
    return &records_[it->second];
  }

  // The value a node or graph output reads; values nobody produces are
  // created detached on first reference.
  Expected<Value*> resolve(Graph& g, const std::string& name, const std::string& what) {
    NNP_ASSIGN_OR_RETURN(ValueRecord * r, lookup(name, what));
    if (!r->value) r->value = g.addDetachedValue(name);
    return r->value;
  }
  Status readGraph(const Json& j, Graph& g) {
    const std::string ctx = "graph";
    NNP_RETURN_IF_ERROR(reqText(j, "name", ctx, &g.name));
    NNP_RETURN_IF_ERROR(optText(j, "doc_string", ctx, &g.docString));
    const Json* list = nullptr;
    NNP_RETURN_IF_ERROR(optList(j, "value_info_order", ctx, &list));
    if (list) NNP_RETURN_IF_ERROR(nameList(*list, "graph: value_info_order", &g.valueInfoOrder));

    NNP_RETURN_IF_ERROR(needList(j, "values", ctx, &list));
    for (size_t k = 0; k < list->size(); ++k) NNP_RETURN_IF_ERROR(readValue((*list)[k], k));

    NNP_RETURN_IF_ERROR(needList(j, "initializers", ctx, &list));
    for (size_t k = 0; k < list->size(); ++k) {
      std::string name;
      NNP_RETURN_IF_ERROR(
          reqText((*list)[k], "name", fmt::format("graph: initializers[{}]", k), &name));
      NNP_ASSIGN_OR_RETURN(ValueRecord * r, lookup(name, "initializer"));
      if (r->value) return Status::invalid("initializer '{}' is listed twice", name);
      NNP_ASSIGN_OR_RETURN(TensorPtr t,
                           readTensor((*list)[k], fmt::format("initializer '{}'", name)));
      r->value = g.addInitializer(name, std::move(t));
      r->producer = "an initializer";
    }

    std::vector<std::string> names;
    NNP_RETURN_IF_ERROR(needList(j, "inputs", ctx, &list));
    NNP_RETURN_IF_ERROR(nameList(*list, "graph: inputs", &names));
    std::unordered_set<std::string> seen;
    for (const std::string& name : names) {
      NNP_ASSIGN_OR_RETURN(ValueRecord * r, lookup(name, "graph input"));
      if (!seen.insert(name).second)
        return Status::invalid("graph input '{}' is listed twice", name);
      if (r->value)
        g.markGraphInput(r->value);
      else
        r->value = g.addInput(name, r->type);
      r->producer = "a graph input";
    }

    NNP_RETURN_IF_ERROR(needList(j, "nodes", ctx, &list));
    NNP_RETURN_IF_ERROR(readNodes(*list, g));

    names.clear();
    NNP_RETURN_IF_ERROR(needList(j, "outputs", ctx, &list));
    NNP_RETURN_IF_ERROR(nameList(*list, "graph: outputs", &names));
    std::vector<Value*> outputs;
    for (size_t k = 0; k < names.size(); ++k) {
      if (names[k].empty()) return Status::invalid("graph output {} has no name", k);
      NNP_ASSIGN_OR_RETURN(Value * v, resolve(g, names[k], "graph output"));
      outputs.push_back(v);
    }
    g.setOutputs(std::move(outputs));

    for (ValueRecord& r : records_) {
      if (!r.value)
        return Status::invalid("value '{}' is listed but nothing in the graph refers to it",
                               r.name);
      r.value->type = r.type;
      r.value->declaredType = r.declaredType;
      r.value->quant = r.quant;
      r.value->docString = r.docString;
      r.value->foreignType = r.foreignType;
    }
    return Status::ok();
  }

  // Nodes are created first (with their outputs), then wired, since a node
  // may read a value produced by a later one.
  Status readNodes(const Json& list, Graph& g) {
    std::vector<std::pair<Node*, std::string>> made;
    for (size_t k = 0; k < list.size(); ++k) {
      const Json& j = list[k];
      const std::string at = fmt::format("graph: nodes[{}]", k);
      if (!j.is_object()) return Status::invalid("{}: expected an object", at);
      std::string name, op, domain;
      NNP_RETURN_IF_ERROR(reqText(j, "name", at, &name));
      NNP_RETURN_IF_ERROR(reqText(j, "op", at, &op));
      NNP_RETURN_IF_ERROR(optText(j, "domain", at, &domain));
      if (op.empty()) return Status::invalid("{}: the node has no op type", at);
      const std::string desc = describeNode(k, name, domain, op);
      const Json* f = nullptr;
      std::vector<std::string> outs;
      NNP_RETURN_IF_ERROR(needList(j, "outputs", desc, &f));
      NNP_RETURN_IF_ERROR(nameList(*f, desc + ": outputs", &outs));
      std::vector<ValueRecord*> recs;
      for (const std::string& o : outs) {
        if (o.empty()) {
          recs.push_back(nullptr);
          continue;
        }
        NNP_ASSIGN_OR_RETURN(ValueRecord * r, lookup(o, desc + ": output"));
        if (!r->producer.empty())
          return Status::invalid("{}: output '{}' is already produced by {}", desc, o, r->producer);
        r->producer = desc;
        recs.push_back(r);
      }
      Node* n = g.addNode(op, domain, {}, outs, name);
      for (size_t i = 0; i < recs.size(); ++i)
        if (recs[i]) recs[i]->value = n->output(i);
      NNP_RETURN_IF_ERROR(optText(j, "doc_string", desc, &n->docString));
      NNP_RETURN_IF_ERROR(optList(j, "attributes", desc, &f));
      for (size_t a = 0; f && a < f->size(); ++a) {
        NNP_ASSIGN_OR_RETURN(Attribute attr, readAttribute((*f)[a], desc));
        if (n->attrs.find(attr.name))
          return Status::invalid("{}: attribute '{}' is given twice", desc, attr.name);
        n->attrs.set(std::move(attr));
      }
      made.emplace_back(n, desc);
    }
    for (size_t k = 0; k < made.size(); ++k) {
      auto& [n, desc] = made[k];
      const Json* f = nullptr;
      std::vector<std::string> names;
      NNP_RETURN_IF_ERROR(needList(list[k], "inputs", desc, &f));
      NNP_RETURN_IF_ERROR(nameList(*f, desc + ": inputs", &names));
      for (const std::string& name : names) {
        Value* v = nullptr;
        if (!name.empty()) {
          NNP_ASSIGN_OR_RETURN(v, resolve(g, name, desc + ": input"));
        }
        n->addInput(v);
      }
      names.clear();
      NNP_RETURN_IF_ERROR(optList(list[k], "captures", desc, &f));
      if (f) NNP_RETURN_IF_ERROR(nameList(*f, desc + ": captures", &names));
      for (const std::string& name : names) {
        if (name.empty()) return Status::invalid("{}: a capture has no name", desc);
        NNP_ASSIGN_OR_RETURN(Value * v, resolve(g, name, desc + ": capture"));
        n->addCapture(v);
      }
    }
    return Status::ok();
  }

  std::vector<ValueRecord> records_;
  std::unordered_map<std::string, size_t> byName_;
};

Expected<std::unique_ptr<Model>> readFrom(const char* begin, const char* end, const BinView& bin,
                                          const std::string& name) {
  try {
    Json root = Json::parse(begin, end);
    IrReader reader(bin);
    auto model = reader.read(root);
    if (!model) return model.status().withContext(name);
    return model;
  } catch (const Json::parse_error& e) {
    return Status::invalid("{}: not valid JSON: {}", name, e.what());
  } catch (const std::exception& e) {
    // The reader checks types before every access; this is a backstop.
    return Status::invalid("{}: {}", name, e.what());
  }
}

}  // namespace

Expected<std::unique_ptr<Model>> readIr(const std::string& jsonPath, const std::string& binPath) {
  NNP_ASSIGN_OR_RETURN(std::string json, readWholeFile(jsonPath));
  NNP_ASSIGN_OR_RETURN(std::shared_ptr<MappedFile> file, MappedFile::open(binPath));
  BinView bin;
  bin.data = file->data();
  bin.size = file->size();
  bin.slice = [file](size_t offset, size_t size) { return makeMappedSlice(file, offset, size); };
  return readFrom(json.data(), json.data() + json.size(), bin, jsonPath);
}

Expected<std::unique_ptr<Model>> readIrFromMemory(const std::string& json,
                                                  std::shared_ptr<Buffer> bin,
                                                  const std::string& nameForErrors) {
  BinView view;
  if (bin) {
    view.data = bin->data();
    view.size = bin->size();
    view.slice = [bin](size_t offset, size_t size) {
      return std::shared_ptr<Buffer>(std::make_shared<SharedSlice>(bin, offset, size));
    };
  }
  return readFrom(json.data(), json.data() + json.size(), view, nameForErrors);
}

}  // namespace nnport
