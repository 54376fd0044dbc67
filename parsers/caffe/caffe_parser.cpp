// The Caffe parser: reads net.prototxt and net.caffemodel, keeps the layers
// of the TEST phase, and hands each to the builder its type maps to (the
// tables in layers_*.cpp). Registered as format "caffe".
#include <algorithm>
#include <filesystem>
#include <unordered_set>

#include "parsers/caffe/caffe_parser.h"

#include "parsers/caffe/caffe_builder.h"
#include "parsers/caffe/caffe_reader.h"
#include "parsers/registry.h"
#include "support/checked_math.h"

namespace nnport::caffe {
namespace {

const std::unordered_map<std::string, LayerKind>& layerKinds() {
  static const std::unordered_map<std::string, LayerKind> table = [] {
    std::unordered_map<std::string, LayerKind> t;
    for (auto kinds : {convLayerKinds(), poolLayerKinds(), activationLayerKinds(), normLayerKinds(),
                       shapeLayerKinds(), resizeLayerKinds()})
      for (const LayerKind& k : kinds) t.emplace(k.type, k);
    return t;
  }();
  return table;
}

// Training-only layers: they read labels and write losses or scores, which
// a deploy graph does not have. They are skipped, and a later layer that
// reads their tops fails as reading an unknown blob.
bool isTrainingOnly(const std::string& type) {
  auto endsWith = [&](const std::string& s) {
    return type.size() >= s.size() && type.compare(type.size() - s.size(), s.size(), s) == 0;
  };
  return endsWith("Loss") || type == "Accuracy" || type == "Silence";
}

bool isDataLayer(const std::string& type) {
  static const std::unordered_set<std::string> types = {
      "Data", "ImageData", "HDF5Data", "WindowData", "MemoryData", "DummyData", "AnnotatedData"};
  return types.count(type) > 0;
}

// Caffe's NetStateRule against the TEST phase at level 0 with no stages.
bool ruleMeets(const caffepb::NetStateRule& r) {
  if (r.has_phase() && r.phase() != caffepb::TEST) return false;
  if (r.has_min_level() && 0 < r.min_level()) return false;
  if (r.has_max_level() && 0 > r.max_level()) return false;
  return r.stage_size() == 0;
}

bool inTestPhase(const caffepb::LayerParameter& l) {
  if (l.has_phase() && l.phase() != caffepb::TEST) return false;
  if (l.include_size() > 0) return std::any_of(l.include().begin(), l.include().end(), ruleMeets);
  return std::none_of(l.exclude().begin(), l.exclude().end(), ruleMeets);
}

std::vector<int64_t> shapeDims(const caffepb::BlobShape& s) {
  return {s.dim().begin(), s.dim().end()};
}

class Walker {
 public:
  Walker(NetBuilder& net, const ParseRequest& req) : net_(net), req_(req) {}

  Status run(const caffepb::NetParameter& proto) {
    NNP_RETURN_IF_ERROR(netInputs(proto));
    std::vector<std::string> skipped;
    for (const auto& l : proto.layer()) {
      if (!inTestPhase(l) || isTrainingOnly(l.type())) {
        skipped.push_back(fmt::format("{} ({})", l.name(), l.type()));
        continue;
      }
      NNP_RETURN_IF_ERROR(buildLayer(l));
    }
    // Skipped layers are listed in the model, never dropped unannounced.
    if (!skipped.empty())
      net_.model().metadata.emplace_back("caffe:skipped_layers",
                                         fmt::format("{}", fmt::join(skipped, ", ")));
    return finish();
  }

 private:
  Status addInput(const std::string& name, const std::vector<int64_t>& dims,
                  const std::string& where) {
    if (name.empty()) return Status::invalid("{}: an input has an empty name", where);
    for (int64_t d : dims)
      if (d < 1) return Status::invalid("{}: input '{}' has a dimension {} < 1", where, name, d);
    if (static_cast<int64_t>(dims.size()) > kMaxRank)
      return Status::invalid("{}: input '{}' has rank {}", where, name, dims.size());
    const auto count = checkedElementCount(dims);
    if (!count || !checkedBytes(*count, 64))
      return Status::invalid("{}: input '{}' has shape [{}], more elements than nnport can address",
                             where, name, fmt::join(dims, ","));
    net_.setBlob(name, net_.graph().addInput(name, {DType::Float32, Shape::ofSizes(dims)}));
    return Status::ok();
  }

  // Net-level `input:` with `input_shape` or four `input_dim` per input.
  Status netInputs(const caffepb::NetParameter& p) {
    const std::string& file = net_.prototxt();
    for (int i = 0; i < p.input_size(); ++i) {
      std::vector<int64_t> dims;
      if (i < p.input_shape_size())
        dims = shapeDims(p.input_shape(i));
      else if (p.input_dim_size() >= 4 * (i + 1))
        dims.assign(p.input_dim().begin() + 4 * i, p.input_dim().begin() + 4 * (i + 1));
      else
        return Status::invalid("{}: input '{}' has no input_shape or input_dim", file, p.input(i));
      NNP_RETURN_IF_ERROR(addInput(p.input(i), dims, file));
    }
    return Status::ok();
  }

  Status inputLayer(const caffepb::LayerParameter& l) {
    const std::string where = fmt::format("{}: layer '{}' (Input)", net_.prototxt(), l.name());
    const auto& shapes = l.input_param().shape();
    for (int i = 0; i < l.top_size(); ++i) {
      if (shapes.empty()) return Status::invalid("{}: input_param has no shape", where);
      NNP_RETURN_IF_ERROR(
          addInput(l.top(i), shapeDims(shapes[std::min(i, shapes.size() - 1)]), where));
    }
    return Status::ok();
  }

  Status buildLayer(const caffepb::LayerParameter& l) {
    LayerContext ctx{net_, l, {}};
    for (const auto& name : l.top())
      if (name.empty()) return Status::invalid("{}: a top has an empty name", ctx.where());
    if (l.type() == "Input") return inputLayer(l);
    for (const auto& b : l.bottom()) {
      Value* v = net_.blob(b);
      if (!v)
        return Status::invalid(
            "{}: bottom '{}' is not the top of an earlier layer (in the "
            "TEST phase)",
            ctx.where(), b);
      ctx.bottoms.push_back(v);
    }
    auto it = layerKinds().find(l.type());
    if (it == layerKinds().end() && isDataLayer(l.type()) && !req_.customLayers.count(l.type()))
      return Status::unsupported(
          "{}: data layers read a database or files; give a deploy "
          "prototxt with an Input layer or `input:` + `input_shape`",
          ctx.where());
    if (it == layerKinds().end()) return opaqueLayer(ctx);
    const int want = it->second.bottoms;
    if (want >= 0 ? l.bottom_size() != want : l.bottom_size() < 1)
      return Status::invalid("{}: has {} bottoms, the layer reads {}", ctx.where(), l.bottom_size(),
                             want >= 0 ? std::to_string(want) : "one or more");
    if (l.top_size() < 1) return Status::invalid("{}: has no top", ctx.where());
    NNP_RETURN_IF_ERROR(it->second.build(ctx));
    for (const auto& top : l.top())
      if (!net_.blob(top))
        return Status::internal("{}: top '{}' was not written", ctx.where(), top);
    order_.insert(order_.end(), l.top().begin(), l.top().end());
    return Status::ok();
  }

  // A type nnport does not know: an error, or with --custom-layer TYPE=opaque
  // an op of that type in domain "caffe" (bottoms, then blobs as inputs).
  Status opaqueLayer(LayerContext& ctx) {
    const std::string& type = ctx.layer.type();
    auto custom = req_.customLayers.find(type);
    if (custom == req_.customLayers.end() || custom->second != "opaque")
      return Status::unsupported(
          "{}: unknown layer type '{}' (pass --custom-layer {}=opaque to "
          "carry it as an opaque op)",
          ctx.where(), type, type);
    std::vector<Value*> inputs = ctx.bottoms;
    for (size_t i = 0; i < ctx.numBlobs(); ++i) {
      NNP_ASSIGN_OR_RETURN(TensorPtr t, ctx.blob(i, "opaque blob"));
      inputs.push_back(net_.constant(ctx.name(fmt::format("blob{}", i)), t));
    }
    std::vector<std::string> names;
    for (const auto& top : ctx.layer.top())
      names.push_back(net_.topValueName(top, ctx.layer.name()));
    Node* n = net_.graph().addNode(type, "caffe", inputs, names, ctx.layer.name());
    for (int i = 0; i < ctx.layer.top_size(); ++i) {
      n->output(static_cast<size_t>(i))->type.dtype = DType::Float32;
      net_.setBlob(ctx.layer.top(i), n->output(static_cast<size_t>(i)));
    }
    usesOpaque_ = true;
    order_.insert(order_.end(), ctx.layer.top().begin(), ctx.layer.top().end());
    return Status::ok();
  }

  // Outputs: the final value of each top that no layer reads, in layer
  // order. A top rewritten in place ends under its own name; the earlier
  // versions become "<top>/<layer>".
  Status finish() {
    Graph& g = net_.graph();
    std::vector<Value*> outs;
    std::unordered_set<std::string> seen;
    for (const std::string& top : order_) {
      if (!seen.insert(top).second) continue;
      Value* v = net_.blob(top);
      Value* first = g.findValue(top);
      if (first && first != v && !first->isGraphInput() && first->producer()) {
        g.renameValue(first, net_.topValueName(top, first->producer()->name()));
        g.renameValue(v, top);
      }
      if (!v->hasUses() && !v->isGraphInput()) outs.push_back(v);
    }
    if (outs.empty())
      return Status::invalid("{}: the net has no layer that computes an output", net_.prototxt());
    for (Value* v : outs) v->declaredType = v->type;
    g.setOutputs(std::move(outs));
    if (usesOpaque_) net_.model().opsets.push_back({"caffe", 1});
    return Status::ok();
  }

  NetBuilder& net_;
  const ParseRequest& req_;
  std::vector<std::string> order_;
  bool usesOpaque_ = false;
};

// -in net.prototxt -iw net.caffemodel; either may be left out when the other
// names the pair, and a missing derived caffemodel means "no weights".
Expected<std::pair<std::string, std::string>> inputFiles(const ParseRequest& req) {
  std::string proto = req.network, weights = req.weights;
  if (proto.empty() && fileExtension(weights) == ".prototxt") std::swap(proto, weights);
  if (fileExtension(proto) == ".caffemodel" && weights.empty()) std::swap(proto, weights);
  auto stem = [](const std::string& p, const std::string& ext) {
    return fileExtension(p) == ext ? p.substr(0, p.size() - ext.size()) : p;
  };
  if (proto.empty() && !weights.empty()) proto = stem(weights, ".caffemodel") + ".prototxt";
  if (weights.empty() && !proto.empty()) {
    const std::string guess = stem(proto, ".prototxt") + ".caffemodel";
    if (std::filesystem::exists(guess)) weights = guess;
  }
  if (proto.empty())
    return Status::usage("caffe: give the net (-in net.prototxt) and weights (-iw net.caffemodel)");
  return std::make_pair(proto, weights);
}

std::string graphNameOf(const caffepb::NetParameter& net, const std::string& path) {
  if (!net.name().empty()) return net.name();
  return graphNameFromPath(path);
}

// The model of a read prototxt and caffemodel (null: no weights), named
// `protoPath` and `weightsPath` in errors.
Expected<std::unique_ptr<Model>> buildModel(const caffepb::NetParameter& proto,
                                            std::shared_ptr<const caffepb::NetParameter> weights,
                                            const std::string& protoPath,
                                            const std::string& weightsPath,
                                            const ParseRequest& req) {
  auto m = std::make_unique<Model>();
  m->opsets.push_back({"", 13});
  m->producerName = "nnport caffe parser";
  m->graph.name = graphNameOf(proto, protoPath);
  m->docString = fmt::format("Converted from Caffe {}{}", protoPath,
                             weights ? " + " + weightsPath : std::string(" (no weights)"));
  NetBuilder net(*m, protoPath, weights);
  Walker walker(net, req);
  NNP_RETURN_IF_ERROR(walker.run(proto));
  NNP_RETURN_IF_ERROR(checkConvertedShapes(*m, protoPath));
  return m;
}

}  // namespace

Expected<std::unique_ptr<Model>> parseCaffe(const ParseRequest& req) {
  NNP_ASSIGN_OR_RETURN(auto files, inputFiles(req));
  const auto& [protoPath, weightsPath] = files;
  NNP_ASSIGN_OR_RETURN(std::unique_ptr<caffepb::NetParameter> proto, readPrototxt(protoPath));
  std::shared_ptr<const caffepb::NetParameter> weights;
  if (!weightsPath.empty()) {
    NNP_ASSIGN_OR_RETURN(weights, readCaffemodel(weightsPath));
  }
  return buildModel(*proto, std::move(weights), protoPath, weightsPath, req);
}

Expected<std::unique_ptr<Model>> parseCaffeFromMemory(const std::string& prototxt,
                                                      const std::string& caffemodel,
                                                      const ParseRequest& req,
                                                      const std::string& prototxtName,
                                                      const std::string& caffemodelName) {
  NNP_ASSIGN_OR_RETURN(std::unique_ptr<caffepb::NetParameter> proto,
                       parsePrototxt(prototxt, prototxtName));
  std::shared_ptr<const caffepb::NetParameter> weights;
  if (!caffemodel.empty()) {
    NNP_ASSIGN_OR_RETURN(weights,
                         parseCaffemodel(reinterpret_cast<const uint8_t*>(caffemodel.data()),
                                         caffemodel.size(), caffemodelName));
  }
  return buildModel(*proto, std::move(weights), prototxtName, caffemodelName, req);
}

void registerCaffeParser(ParserRegistry& r) {
  r.add({"caffe",
         {".prototxt", ".caffemodel"},
         "Caffe net.prototxt (-in) + net.caffemodel (-iw)",
         parseCaffe,
         /*postImport=*/""});
}

}  // namespace nnport::caffe
