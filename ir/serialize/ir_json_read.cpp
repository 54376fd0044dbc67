// Reading the on-disk IR pair. The input is untrusted (and fuzzed): every
// JSON access checks the type first, every blob reference is checked against
// the .bin, and the graph is rebuilt only through the Graph API after the
// names have been checked, so use lists come out right and nothing the API
// assumes (one producer per value, unique names) can be violated. Tensor
// and attribute objects are decoded by ir_json_read_attrs.cpp.
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "ir/serialize/ir_json.h"
#include "ir/serialize/ir_json_fields.h"
#include "ir/serialize/ir_json_read_attrs.h"
#include "support/atomic_file.h"

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

class IrReader : private TensorAttrReader {
 public:
  explicit IrReader(const BinView& bin) : TensorAttrReader(bin) {}

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
