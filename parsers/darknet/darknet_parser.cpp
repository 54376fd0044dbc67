// The Darknet parser: reads net.cfg and net.weights, walks the sections in
// order and hands each to the builder its section name maps to (the tables
// in layers_*.cpp). Registered as format "darknet" (extension .cfg).
#include <algorithm>
#include <unordered_map>

#include "ir/builder.h"
#include "parsers/darknet/darknet_builder.h"
#include "parsers/darknet/darknet_parser.h"
#include "parsers/registry.h"
#include "support/checked_math.h"
#include "support/memory_budget.h"

namespace nnport::darknet {

// ------------------------------------------------------------ NetBuilder

Value* NetBuilder::constant(const std::string& name, TensorPtr data) {
  return graph().addInitializer(name, std::move(data));
}

Value* NetBuilder::floats(const std::string& name, std::vector<int64_t> dims,
                          const std::vector<float>& v) {
  return constant(name, floatTensor(std::move(dims), v));
}

Value* NetBuilder::int64s(const std::string& name, const std::vector<int64_t>& v) {
  return constant(name, int64Vector(v));
}

Value* NetBuilder::node(const std::string& op, const std::vector<Value*>& inputs,
                        const std::string& name, const std::vector<int64_t>& dims,
                        std::vector<Attribute> attrs) {
  Node* n = addNodeWith(graph(), op, inputs, {name}, name, std::move(attrs));
  std::vector<Dim> shape = {Dim::symbolic("N")};
  shape.insert(shape.end(), dims.begin(), dims.end());
  n->output()->type = {DType::Float32, Shape(std::move(shape))};
  return n->output();
}

// Heap bytes a graph entry (a node or a value) costs with its share of names,
// shapes, attributes, use lists and the graph's maps: about 1.2 KB measured
// on graphs of many small layers (a MaxPool and its output), rounded up.
constexpr int64_t kGraphBytesPerEntry = 2048;

Status NetBuilder::checkGraphBudget(int64_t moreEntries, const std::string& where) const {
  const Graph& g = model_.graph;
  const int64_t entries = static_cast<int64_t>(g.numNodes() + g.numValues());
  const std::optional<int64_t> total = checkedAdd(entries, moreEntries);
  const std::optional<int64_t> bytes =
      total ? checkedMul(*total, kGraphBytesPerEntry) : std::nullopt;
  return MemoryBudget::check(bytes ? static_cast<uint64_t>(*bytes) : UINT64_MAX,
                             fmt::format("{}: the graph", where));
}

// ---------------------------------------------------------- LayerContext

std::string LayerContext::label() const {
  return fmt::format("layer {} [{}] ({} line {})", index, section.type, section.file, section.line);
}

Expected<const LayerResult*> LayerContext::layerAt(int64_t ref, const std::string& key) const {
  const int64_t target = ref < 0 ? index + ref : ref;
  if (target < 0 || target >= index)
    return Status::invalid("{}: {}={} refers to layer {}, which is not an earlier layer (0..{})",
                           section.where(), key, ref, target, index - 1);
  const LayerResult& r = net.layers()[static_cast<size_t>(target)];
  if (r.role != LayerRole::Tensor)
    return Status::unsupported(
        "{}: {}={} reads layer {}, a head or cost layer that nnport leaves outside the graph",
        section.where(), key, ref, target);
  return &r;
}

Status checkLayerSize(const CfgSection& s, const LayerResult& r) {
  const std::optional<int64_t> n = checkedProduct(std::vector<int64_t>{r.c, r.h, r.w});
  if (r.c >= 1 && r.h >= 1 && r.w >= 1 && n && *n <= kMaxLayerValues) return Status::ok();
  return Status::invalid(
      "{}: the layer's output of {} channels x {} x {} is empty or holds more than {} values, the "
      "most a Darknet layer holds",
      s.where(), r.c, r.h, r.w, kMaxLayerValues);
}

namespace {

// ---------------------------------------------------------------- walk

const std::unordered_map<std::string, LayerKind>& layerKinds() {
  static const std::unordered_map<std::string, LayerKind> table = [] {
    std::unordered_map<std::string, LayerKind> t;
    for (auto kinds : {convLayerKinds(), poolLayerKinds(), routeLayerKinds(), miscLayerKinds()})
      for (const LayerKind& k : kinds) t.emplace(k.section, k);
    return t;
  }();
  return table;
}

std::string knownSections() {
  std::vector<std::string> names;
  for (const auto& [name, kind] : layerKinds()) names.push_back(name);
  std::sort(names.begin(), names.end());
  std::string s;
  for (const auto& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

// The network input [N, channels, height, width] from [net].
Expected<LayerResult> networkInput(const CfgSection& net, Graph& g) {
  if (net.type != "net" && net.type != "network")
    return Status::invalid("{}: a Darknet cfg starts with [net], not [{}]", net.where(), net.type);
  LayerResult in;
  NNP_ASSIGN_OR_RETURN(in.c, net.getInt("channels", 0, 0, kMaxLayerValues));
  NNP_ASSIGN_OR_RETURN(in.h, net.getInt("height", 0, 0, kMaxLayerValues));
  NNP_ASSIGN_OR_RETURN(in.w, net.getInt("width", 0, 0, kMaxLayerValues));
  if (in.c == 0 || in.h == 0 || in.w == 0)
    return Status::unsupported(
        "{}: nnport needs an image input: positive width, height and channels", net.where());
  NNP_RETURN_IF_ERROR(checkLayerSize(net, in));
  in.value = g.addInput("input", {DType::Float32, Shape({Dim::symbolic("N"), in.c, in.h, in.w})});
  return in;
}

// The most graph entries a layer other than [route] adds (a batch-normed
// [connected] with mish: 7 nodes, their outputs and 6 constants); [route]
// asks for its own before it builds.
constexpr int64_t kMaxEntriesPerLayer = 24;

class Walker {
 public:
  Walker(Model& m, WeightsReader& w) : net_(m, w) {}

  Status run(const std::vector<CfgSection>& sections) {
    NNP_ASSIGN_OR_RETURN(LayerResult in, networkInput(sections[0], net_.graph()));
    if (sections.size() < 2) return Status::invalid("{}: the cfg has no layers", sections[0].file);
    for (size_t i = 1; i < sections.size(); ++i) {
      const LayerResult& prev = i == 1 ? in : net_.layers().back();
      NNP_ASSIGN_OR_RETURN(LayerResult r, buildLayer(sections[i], prev));
      net_.layers().push_back(r);
    }
    NNP_RETURN_IF_ERROR(net_.weights().finish(lastWeighted_));
    return setOutputs();
  }

 private:
  Expected<LayerResult> buildLayer(const CfgSection& s, const LayerResult& prev) {
    auto it = layerKinds().find(s.type);
    if (it == layerKinds().end())
      return Status::invalid("{}: unknown section type [{}] (known: {})", s.where(), s.type,
                             knownSections());
    const int index = s.index - 1;
    if (it->second.readsPrevious && prev.role != LayerRole::Tensor)
      return Status::unsupported(
          "{}: reads the output of the previous layer, a head or cost layer that nnport leaves "
          "outside the graph",
          s.where());
    NNP_RETURN_IF_ERROR(net_.checkGraphBudget(kMaxEntriesPerLayer, s.where()));
    LayerContext ctx{net_, s, index, fmt::format("{}_{}", it->second.shortName, index), prev};
    const size_t before = net_.weights().offset();
    NNP_ASSIGN_OR_RETURN(LayerResult r, it->second.build(ctx));
    NNP_RETURN_IF_ERROR(checkLayerSize(s, r));
    if (net_.weights().offset() != before) lastWeighted_ = ctx.label();
    // The layer's last value carries the layer's name ("conv_3").
    if (r.value != prev.value && r.value->name().rfind(ctx.base + "/", 0) == 0)
      net_.graph().renameValue(r.value, ctx.base);
    return r;
  }

  Status setOutputs() {
    Graph& g = net_.graph();
    std::vector<Value*> outs;
    auto add = [&outs](Value* v) {
      if (std::find(outs.begin(), outs.end(), v) == outs.end()) outs.push_back(v);
    };
    const LayerResult* last = nullptr;
    for (const LayerResult& r : net_.layers()) {
      if (r.role == LayerRole::Head) add(r.value);
      if (r.role != LayerRole::Cost) last = &r;
    }
    if (last && last->role == LayerRole::Tensor) add(last->value);
    if (outs.empty() || outs.front()->isGraphInput())
      return Status::invalid("the network has no layer that computes an output");
    for (Value* v : outs) v->declaredType = v->type;
    g.setOutputs(std::move(outs));
    return Status::ok();
  }

  NetBuilder net_;
  std::string lastWeighted_ = "no layer has weights";
};

// -in net.cfg -iw net.weights; either may be left out when the other names
// the pair ("yolo.cfg" <-> "yolo.weights").
Expected<std::pair<std::string, std::string>> inputFiles(const ParseRequest& req) {
  std::string cfg = req.network, weights = req.weights;
  if (cfg.empty() && fileExtension(weights) == ".cfg") std::swap(cfg, weights);
  auto stem = [](const std::string& p, const std::string& ext) {
    return fileExtension(p) == ext ? p.substr(0, p.size() - ext.size()) : p;
  };
  if (cfg.empty() && !weights.empty()) cfg = stem(weights, ".weights") + ".cfg";
  if (weights.empty() && !cfg.empty()) weights = stem(cfg, ".cfg") + ".weights";
  if (cfg.empty())
    return Status::usage("darknet: give the cfg (-in net.cfg) and weights (-iw net.weights)");
  return std::make_pair(cfg, weights);
}

Expected<std::unique_ptr<Model>> buildModel(const std::vector<CfgSection>& sections,
                                            WeightsReader& weights, const std::string& cfgPath) {
  auto m = std::make_unique<Model>();
  m->opsets.push_back({"", 13});
  m->producerName = "nnport darknet parser";
  m->graph.name = graphNameFromPath(cfgPath);
  m->docString =
      fmt::format("Converted from Darknet {} (weights version {}.{}.{})", cfgPath,
                  weights.header().major, weights.header().minor, weights.header().revision);
  Walker walker(*m, weights);
  NNP_RETURN_IF_ERROR(walker.run(sections));
  NNP_RETURN_IF_ERROR(checkConvertedShapes(*m, cfgPath));
  return m;
}

}  // namespace

Expected<std::unique_ptr<Model>> parseDarknet(const ParseRequest& req) {
  NNP_ASSIGN_OR_RETURN(auto files, inputFiles(req));
  const auto& [cfgPath, weightsPath] = files;
  NNP_ASSIGN_OR_RETURN(std::vector<CfgSection> sections, readCfg(cfgPath));
  NNP_ASSIGN_OR_RETURN(std::unique_ptr<WeightsReader> weights, WeightsReader::open(weightsPath));
  return buildModel(sections, *weights, cfgPath);
}

Expected<std::unique_ptr<Model>> parseDarknetBuffers(const std::string& cfgText,
                                                     const std::string& cfgName,
                                                     std::string weightsBytes,
                                                     const std::string& weightsName) {
  NNP_ASSIGN_OR_RETURN(std::vector<CfgSection> sections, parseCfg(cfgText, cfgName));
  NNP_ASSIGN_OR_RETURN(std::unique_ptr<WeightsReader> weights,
                       WeightsReader::fromBytes(std::move(weightsBytes), weightsName));
  return buildModel(sections, *weights, cfgName);
}

void registerDarknetParser(ParserRegistry& r) {
  r.add({"darknet",
         {".cfg"},
         "Darknet net.cfg (-in) + net.weights (-iw)",
         parseDarknet,
         /*postImport=*/""});
}

}  // namespace nnport::darknet
