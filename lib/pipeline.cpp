// load -> edit -> emit.
#include "lib/pipeline.h"

#include "ir/shape_inference.h"
#include "ir/verifier.h"
#include "support/atomic_file.h"

namespace nnport {
namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

}  // namespace

Expected<std::unique_ptr<Model>> loadModel(const std::string& format, const ParseRequest& req) {
  const std::string& probe = req.network.empty() ? req.weights : req.network;
  if (probe.empty()) return Status::usage("no input model given");
  const Parser* p = format.empty() ? ParserRegistry::instance().forPath(probe)
                                   : ParserRegistry::instance().find(format);
  if (!p) {
    if (format.empty())
      return Status::usage("{}: cannot tell the input format from the extension; give -sf ({})",
                           probe, joined(ParserRegistry::instance().names()));
    return Status::usage("unknown source format '{}' (known: {})", format,
                         joined(ParserRegistry::instance().names()));
  }
  NNP_ASSIGN_OR_RETURN(std::unique_ptr<Model> m, p->parse(req));
  NNP_RETURN_IF_ERROR(finishImport(*m, *p, probe));
  return m;
}

Status finishImport(Model& m, const Parser& parser, const std::string& file) {
  if (!parser.postImport.empty()) {
    NNP_ASSIGN_OR_RETURN(Pipeline p, parsePipeline(parser.postImport));
    auto r = runPipeline(m, p);
    if (!r) return r.status().withContext(fmt::format("{}: post-import passes", file));
    // The passes are part of the import: the outputs declare what they made.
    for (Value* v : m.graph.outputs()) v->declaredType = v->type;
  }
  // Nothing downstream (passes, the interpreter, ONNX's own checker) meets
  // a node its op record rejects.
  return validateModel(m).withContext(file);
}

Expected<std::unique_ptr<Model>> loadModelFile(const std::string& path, const std::string& format) {
  ParseRequest req;
  req.weights = path;
  return loadModel(format, req);
}

Status saveModel(const Model& m, const std::string& format, const std::string& path,
                 const EmitOptions& opts) {
  if (path.empty()) return Status::usage("no output file given");
  const Emitter* e = format.empty() ? EmitterRegistry::instance().forPath(path)
                                    : EmitterRegistry::instance().find(format);
  if (!e) {
    if (format.empty())
      return Status::usage("{}: cannot tell the output format from the extension; give -df ({})",
                           path, joined(EmitterRegistry::instance().names()));
    return Status::usage("unknown destination format '{}' (known: {})", format,
                         joined(EmitterRegistry::instance().names()));
  }
  return e->emit(m, path, opts);
}

Expected<ConvertReport> convertModel(const ConvertOptions& o) {
  ConvertReport r;
  const std::string& in = o.input.network.empty() ? o.input.weights : o.input.network;
  ParseRequest req = o.input;
  req.inputs = o.inNodes;
  req.outputs = o.outNodes;
  req.inputShapes = o.inputShapes;
  NNP_ASSIGN_OR_RETURN(std::unique_ptr<Model> m, loadModel(o.srcFormat, req));
  Graph& g = m->graph;
  r.srcFormat = o.srcFormat.empty() ? ParserRegistry::instance().forPath(in)->name : o.srcFormat;
  r.nodesIn = g.numNodes();
  r.steps.push_back(fmt::format("parsed {} ({}): {} nodes, {} initializers", in, r.srcFormat,
                                r.nodesIn, g.initializers().size()));
  if (!o.inNodes.empty()) {
    NNP_RETURN_IF_ERROR(cutAtInputs(*m, o.inNodes));
    r.steps.push_back(
        fmt::format("cut at inputs {}: {} nodes left", joined(o.inNodes), g.numNodes()));
  }
  if (!o.outNodes.empty()) {
    NNP_RETURN_IF_ERROR(cutAtOutputs(*m, o.outNodes));
    r.steps.push_back(
        fmt::format("cut at outputs {}: {} nodes left", joined(o.outNodes), g.numNodes()));
  }
  if (!o.inputShapes.empty()) {
    NNP_RETURN_IF_ERROR(pinInputShapes(*m, o.inputShapes));
    NNP_ASSIGN_OR_RETURN(InferReport ir, inferShapes(*m));
    r.steps.push_back(
        fmt::format("pinned input shapes; shapes inferred for {} nodes", ir.inferred));
  }
  if (!o.passes.empty()) {
    NNP_ASSIGN_OR_RETURN(Pipeline p, parsePipeline(o.passes));
    NNP_ASSIGN_OR_RETURN(PassReport pr, runPipeline(*m, p, o.passOptions));
    r.steps.push_back(
        fmt::format("passes {}: {} nodes -> {}{}", o.passes, pr.nodesBefore, pr.nodesAfter,
                    pr.stoppedAfter.empty() ? "" : ", stopped after " + pr.stoppedAfter));
    r.passes = std::move(pr);
  }
  if (o.quantize) {
    NNP_ASSIGN_OR_RETURN(QuantizeOutcome q, quantizeInPlace(*m, *o.quantize));
    r.steps.push_back(fmt::format(
        "quantized ({}): {} nodes, {} weights, {} nodes kept float; {} {} samples{}",
        o.quantize->format, q.result.nodes.size(), q.result.weights, q.result.kept.size(),
        q.fromCache ? "calibration of" : "calibrated on", q.samples,
        q.cacheFile.empty()
            ? ""
            : fmt::format(" ({} {})", q.fromCache ? "from" : "cached in", q.cacheFile)));
    r.quantization = std::move(q);
  }
  NNP_RETURN_IF_ERROR(saveModel(*m, o.dstFormat, o.output, o.emit));
  if (o.quantize && !o.quantize->reportPath.empty()) {
    NNP_RETURN_IF_ERROR(
        writeWholeFile(o.quantize->reportPath, quantizeReportJson(*r.quantization, *o.quantize)));
    r.steps.push_back(fmt::format("wrote the quantization report {}", o.quantize->reportPath));
  }
  const Emitter* e = o.dstFormat.empty() ? EmitterRegistry::instance().forPath(o.output)
                                         : EmitterRegistry::instance().find(o.dstFormat);
  r.dstFormat = e->name;
  r.output = o.output;
  r.nodesOut = g.numNodes();
  for (Node* n : g.nodes()) ++r.opsOut[n->opType()];
  r.steps.push_back(
      fmt::format("wrote {} ({}): {} nodes{}", o.output, r.dstFormat, r.nodesOut,
                  o.emit.verify && e->verifies ? ", verified with the target's checker" : ""));
  return r;
}

}  // namespace nnport
