// The TensorFlow frozen-GraphDef parser: reads the .pb, picks the nodes the
// outputs need (--dstNodeName, else the nodes nobody reads), converts them
// in dependency order through the op tables (ops_*.cpp). Registered as
// format "tensorflow" (extension .pb) with a post-import pipeline: the layout
// passes lib/ runs to cancel the NHWC<->NCHW Transposes the converters put
// around layout-sensitive ops.
#include <algorithm>
#include <climits>
#include <set>
#include <unordered_map>

#include <google/protobuf/io/coded_stream.h>

#include "parsers/tensorflow/tf_parser.h"

#include "parsers/registry.h"
#include "parsers/tensorflow/tf_builder.h"
#include "parsers/tensorflow/tf_inputs.h"

namespace nnport::tf {
namespace {

// The layout clean-up lib/ runs after parsing (Parser::postImport).
constexpr const char* kLayoutPipeline =
    "{eliminate-identity,cse,fold-shapes,fold-constants,push-transposes,merge-transposes},dce";

const std::unordered_map<std::string, OpConverter>& opTable() {
  static const std::unordered_map<std::string, OpConverter> table = [] {
    std::unordered_map<std::string, OpConverter> t;
    for (auto kinds : {convOpKinds(), poolOpKinds(), normOpKinds(), elementwiseOpKinds(),
                       shapeOpKinds(), sliceOpKinds(), resizeOpKinds()})
      for (const OpKind& k : kinds) t.emplace(k.op, k.convert);
    return t;
  }();
  return table;
}

bool isAlias(const std::string& op) {
  return op == "Identity" || op == "StopGradient" || op == "Snapshot" ||
         op == "PlaceholderWithDefault";
}

Expected<std::unique_ptr<tfpb::GraphDef>> parseGraphDef(const uint8_t* data, size_t size,
                                                        const std::string& path) {
  if (size > INT_MAX) return Status::unsupported("{}: files above 2 GB are not supported", path);
  auto g = std::make_unique<tfpb::GraphDef>();
  google::protobuf::io::CodedInputStream in(data, static_cast<int>(size));
  in.SetTotalBytesLimit(INT_MAX);  // frozen graphs are often above protobuf's 64 MB default
  if (!g->ParseFromCodedStream(&in) || !in.ConsumedEntireMessage())
    return Status::invalid(
        "{}: not a TensorFlow GraphDef (the protobuf does not parse; truncated "
        "or another format?)",
        path);
  if (g->node_size() == 0) return Status::invalid("{}: the GraphDef has no nodes", path);
  for (const auto& n : g->node()) {
    if (n.name().empty() || n.op().empty())
      return Status::invalid("{}: not a TensorFlow GraphDef (a node without a name or op)", path);
    // Inputs name nodes as "x", "x:1" or "^x": a name with ':' or a leading
    // '^' (which TF never makes) could not be told from a reference.
    if (n.name().find(':') != std::string::npos || n.name()[0] == '^')
      return Status::invalid(
          "{}: node '{}' ({}): ':' and a leading '^' are not allowed in a "
          "node name",
          path, n.name(), n.op());
  }
  return g;
}

// "^x" -> empty (control edge); "x:k" -> node x.
std::string producerOf(const std::string& input) {
  if (!input.empty() && input[0] == '^') return "";
  const auto colon = input.rfind(':');
  return colon == std::string::npos ? input : input.substr(0, colon);
}

class Walker {
 public:
  Walker(Model& m, tfpb::GraphDef& gd, const ParseRequest& req, const std::string& file)
      : b_(m, file), gd_(gd), req_(req), file_(file) {}

  Status run() {
    NNP_RETURN_IF_ERROR(indexNodes());
    NNP_ASSIGN_OR_RETURN(std::vector<std::string> outs, outputNames());
    NNP_ASSIGN_OR_RETURN(std::vector<tfpb::NodeDef*> order, dependencyOrder(outs));
    NNP_ASSIGN_OR_RETURN(InputPlan plan, planInputs(order, req_, file_));
    for (tfpb::NodeDef* n : order) NNP_RETURN_IF_ERROR(convert(*n, plan));
    return setOutputs(outs);
  }

 private:
  Status indexNodes() {
    for (auto& n : *gd_.mutable_node())
      if (!byName_.emplace(n.name(), &n).second)
        return Status::invalid("{}: two nodes are named '{}'", file_, n.name());
    for (const std::string& in : req_.inputs)
      if (!byName_.count(in))
        return Status::usage("{}: --inNodeName '{}': the graph has no node of that name", file_,
                             in);
    return Status::ok();
  }

  Expected<std::vector<std::string>> outputNames() {
    if (!req_.outputs.empty()) {
      for (const std::string& o : req_.outputs)
        if (!byName_.count(producerOf(o)))
          return Status::usage("{}: --dstNodeName '{}': the graph has no node of that name", file_,
                               o);
      return req_.outputs;
    }
    std::set<std::string> read;
    for (const auto& n : gd_.node())
      for (const auto& in : n.input()) read.insert(producerOf(in));
    std::vector<std::string> outs;
    for (const auto& n : gd_.node())
      if (!read.count(n.name()) && n.op() != "Const" && n.op() != "NoOp" && n.op() != "Assert")
        outs.push_back(n.name());
    if (outs.empty())
      return Status::invalid("{}: every node is read by another: no outputs", file_);
    return outs;
  }

  // Post-order over data inputs from the outputs, stopping at --inNodeName.
  Expected<std::vector<tfpb::NodeDef*>> dependencyOrder(const std::vector<std::string>& outs) {
    std::vector<tfpb::NodeDef*> order;
    std::unordered_map<const tfpb::NodeDef*, int> state;  // 1: on the stack, 2: done
    const std::set<std::string> cut(req_.inputs.begin(), req_.inputs.end());
    for (const std::string& o : outs) {
      std::vector<std::pair<tfpb::NodeDef*, int>> stack = {{byName_.at(producerOf(o)), 0}};
      while (!stack.empty()) {
        auto& [n, next] = stack.back();
        if (next == 0 && state[n] == 2) {
          stack.pop_back();
          continue;
        }
        state[n] = 1;
        const bool stop = cut.count(n->name()) > 0;
        if (!stop && next < n->input_size()) {
          const std::string p = producerOf(n->input(next++));
          if (p.empty()) continue;
          auto it = byName_.find(p);
          if (it == byName_.end())
            return Status::invalid("{}: node '{}' ({}) reads '{}', which is not in the graph",
                                   file_, n->name(), n->op(), p);
          if (it->second == n)
            return Status::invalid("{}: node '{}' ({}) reads its own output", file_, n->name(),
                                   n->op());
          if (state[it->second] == 1)
            return Status::unsupported(
                "{}: node '{}' ({}) is in a cycle (control flow is not "
                "supported)",
                file_, n->name(), n->op());
          if (state[it->second] == 0) stack.push_back({it->second, 0});
          continue;
        }
        state[n] = 2;
        order.push_back(n);
        stack.pop_back();
      }
    }
    return order;
  }

  Status convert(tfpb::NodeDef& def, const InputPlan& plan) {
    Graph& g = b_.graph();
    if (auto it = plan.shapes.find(def.name()); it != plan.shapes.end()) {
      Value* v = g.addInput(def.name(), it->second);
      v->declaredType = v->type;
      b_.bind(def.name(), v);
      return Status::ok();
    }
    if (def.op() == "Const") return convertConst(def);
    NodeContext ctx{b_, def, {}};
    for (const std::string& in : def.input()) {
      if (in.empty() || in[0] == '^') continue;
      Value* v = b_.lookup(in);
      if (!v) return ctx.invalid("reads '{}', which that node does not produce", in);
      ctx.inputs.push_back(v);
    }
    if (isAlias(def.op())) {
      NNP_ASSIGN_OR_RETURN(Value * x, ctx.in(0));
      b_.bind(def.name(), x);
      return Status::ok();
    }
    auto it = opTable().find(def.op());
    if (it == opTable().end())
      return ctx.unsupported("op {} is not supported by the TensorFlow parser", def.op());
    b_.setConverting(ctx.where());
    auto converted = it->second(ctx);
    b_.setConverting("");
    if (!converted) return converted.status();
    const Outputs& outs = *converted;
    for (size_t k = 0; k < outs.size(); ++k) {
      if (!outs[k]) continue;
      const std::string name = k == 0 ? def.name() : fmt::format("{}:{}", def.name(), k);
      b_.bind(name, outs[k]);
      if (outs[k]->producer() && !named_.count(outs[k]) && g.renameValue(outs[k], name))
        named_.insert(outs[k]);
    }
    return Status::ok();
  }

  Status convertConst(tfpb::NodeDef& def) {
    auto it = def.mutable_attr()->find("value");
    if (it == def.mutable_attr()->end() || !it->second.has_tensor())
      return Status::invalid("{}: node '{}' (Const) has no tensor 'value'", file_, def.name());
    auto t = tensorFromProto(*it->second.mutable_tensor(), &expandedBytes_);
    if (!t) return t.status().withContext(fmt::format("{}: node '{}' (Const)", file_, def.name()));
    b_.bind(def.name(), b_.graph().addInitializer(def.name(), std::move(*t)));
    return Status::ok();
  }

  // A requested output that aliases another value (an Identity) takes the
  // requested name; a graph input or constant gets an Identity node.
  Status setOutputs(const std::vector<std::string>& outs) {
    Graph& g = b_.graph();
    std::vector<Value*> values;
    for (const std::string& o : outs) {
      Value* v = b_.lookup(o);
      if (!v)
        return Status::usage("{}: --dstNodeName '{}': node '{}' has no such output", file_, o,
                             producerOf(o));
      const std::string want =
          o.size() > 2 && o.compare(o.size() - 2, 2, ":0") == 0 ? producerOf(o) : o;
      const bool taken = std::find(values.begin(), values.end(), v) != values.end();
      if (v->name() != want && (taken || !v->producer() || !g.renameValue(v, want))) {
        NNP_ASSIGN_OR_RETURN(v, b_.op("Identity", {v}, want + "#output"));
        g.renameValue(v, want);
      }
      v->declaredType = v->type;
      values.push_back(v);
    }
    g.setOutputs(std::move(values));
    return Status::ok();
  }

  TfBuilder b_;
  tfpb::GraphDef& gd_;
  const ParseRequest& req_;
  std::string file_;
  std::unordered_map<std::string, tfpb::NodeDef*> byName_;
  std::set<const Value*> named_;
  uint64_t expandedBytes_ = 0;
};

// The model of a read GraphDef, named `file` in errors.
Expected<std::unique_ptr<Model>> buildModel(std::unique_ptr<tfpb::GraphDef> gd,
                                            const ParseRequest& req, const std::string& file) {
  auto m = std::make_unique<Model>();
  m->opsets.push_back({"", 13});
  m->producerName = "nnport tensorflow parser";
  m->graph.name = graphNameFromPath(file);
  m->docString = fmt::format("Converted from TensorFlow frozen graph {}", file);
  Walker walker(*m, *gd, req, file);
  NNP_RETURN_IF_ERROR(walker.run());
  gd.reset();
  NNP_RETURN_IF_ERROR(checkConvertedShapes(*m, file));
  return m;
}

}  // namespace

Expected<std::unique_ptr<Model>> parseTensorflow(const ParseRequest& req) {
  const std::string file = req.weights.empty() ? req.network : req.weights;
  if (file.empty()) return Status::usage("tensorflow: give the frozen graph (-iw frozen.pb)");
  NNP_ASSIGN_OR_RETURN(std::shared_ptr<MappedFile> mapped, MappedFile::open(file));
  NNP_ASSIGN_OR_RETURN(std::unique_ptr<tfpb::GraphDef> gd,
                       parseGraphDef(mapped->data(), mapped->size(), file));
  mapped.reset();
  return buildModel(std::move(gd), req, file);
}

Expected<std::unique_ptr<Model>> parseTensorflowFromMemory(const uint8_t* data, size_t size,
                                                           const ParseRequest& req,
                                                           const std::string& file) {
  NNP_ASSIGN_OR_RETURN(std::unique_ptr<tfpb::GraphDef> gd, parseGraphDef(data, size, file));
  return buildModel(std::move(gd), req, file);
}

void registerTensorflowParser(ParserRegistry& r) {
  r.add({"tensorflow",
         {".pb"},
         "TensorFlow frozen GraphDef (-iw frozen.pb)",
         parseTensorflow,
         kLayoutPipeline});
}

}  // namespace nnport::tf
