// Pipeline parsing and the pass manager loop.
#include "passes/pass_manager.h"

#include <chrono>
#include <iostream>

#include "ir/printer.h"
#include "ir/verifier.h"

namespace nnport {

namespace {

class PipelineParser {
 public:
  explicit PipelineParser(const std::string& text) : s_(text) {}

  Expected<Pipeline> parse() {
    NNP_ASSIGN_OR_RETURN(Pipeline p, list(0));
    skipSpace();
    if (pos_ != s_.size()) return error("unexpected '" + std::string(1, s_[pos_]) + "'");
    return p;
  }

 private:
  Expected<Pipeline> list(int depth) {
    Pipeline items;
    for (;;) {
      skipSpace();
      if (pos_ == s_.size() || s_[pos_] == '}') break;
      if (s_[pos_] == '{') {
        ++pos_;
        NNP_ASSIGN_OR_RETURN(Pipeline inner, list(depth + 1));
        if (pos_ == s_.size() || s_[pos_] != '}') return error("'{' without '}'");
        ++pos_;
        if (inner.empty()) return error("empty '{}' group");
        items.push_back({"", std::move(inner)});
      } else {
        NNP_ASSIGN_OR_RETURN(std::string name, passName());
        items.push_back({name, {}});
      }
      skipSpace();
      if (pos_ < s_.size() && s_[pos_] == ',')
        ++pos_;
      else
        break;
    }
    if (depth == 0 && pos_ < s_.size() && s_[pos_] == '}') return error("'}' without '{'");
    return items;
  }

  Expected<std::string> passName() {
    const size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) ||
                                s_[pos_] == '-' || s_[pos_] == '_'))
      ++pos_;
    std::string name = s_.substr(start, pos_ - start);
    if (name.empty()) return error("expected a pass name");
    if (!PassRegistry::instance().find(name))
      return Status::usage("--passes: unknown pass '{}'; valid passes: {}", name,
                           PassRegistry::instance().namesList());
    return name;
  }

  void skipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }

  Status error(const std::string& what) const {
    return Status::usage("--passes '{}': {} at position {}", s_, what, pos_ + 1);
  }

  const std::string& s_;
  size_t pos_ = 0;
};

class Runner {
 public:
  Runner(Model& m, const PassManagerOptions& o, PassReport& r) : m_(m), o_(o), r_(r) {}

  // Returns whether anything changed.
  Expected<bool> run(const Pipeline& p) {
    bool changed = false;
    for (const PipelineItem& item : p) {
      if (!r_.stoppedAfter.empty()) break;
      if (item.pass.empty()) {
        NNP_ASSIGN_OR_RETURN(bool c, fixedPoint(item.group));
        changed = changed || c;
      } else {
        NNP_ASSIGN_OR_RETURN(bool c, runPass(item.pass));
        changed = changed || c;
      }
    }
    return changed;
  }

 private:
  Expected<bool> fixedPoint(const Pipeline& group) {
    bool any = false;
    for (int round = 0; round < o_.maxIterations; ++round) {
      NNP_ASSIGN_OR_RETURN(bool c, run(group));
      if (!c || !r_.stoppedAfter.empty()) return any || c;
      any = true;
    }
    r_.notes.push_back(fmt::format("a fixed-point group still changed the graph after {} rounds",
                                   o_.maxIterations));
    return any;
  }

  Expected<bool> runPass(const std::string& name) {
    const PassInfo* info = PassRegistry::instance().find(name);
    const auto start = std::chrono::steady_clock::now();
    NNP_ASSIGN_OR_RETURN(PassResult res, info->run(m_));
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    PassStat& st = stat(name);
    ++st.runs;
    st.changes += res.changes;
    st.ms += ms;
    for (std::string& n : res.notes)
      if (std::find(st.notes.begin(), st.notes.end(), n) == st.notes.end())
        st.notes.push_back(std::move(n));
    if (o_.printAfter.count(name) || o_.printAfter.count("all"))
      *(o_.printTo ? o_.printTo : &std::cerr) << "// after " << name << "\n" << printModel(m_);
    if (o_.verifyEach)
      if (Status s = verifyModel(m_); !s)
        return Status::internal("--verify-each: after pass '{}': {}", name, s.message());
    if (name == o_.stopAfter) r_.stoppedAfter = name;
    return res.changes > 0;
  }

  PassStat& stat(const std::string& name) {
    for (PassStat& s : r_.passes)
      if (s.pass == name) return s;
    r_.passes.push_back(PassStat{name, 0, 0, 0.0, {}});
    return r_.passes.back();
  }

  Model& m_;
  const PassManagerOptions& o_;
  PassReport& r_;
};

}  // namespace

Expected<Pipeline> parsePipeline(const std::string& text) {
  return PipelineParser(text).parse();
}

bool pipelineHas(const Pipeline& p, const std::string& pass) {
  for (const PipelineItem& item : p)
    if (item.pass == pass || pipelineHas(item.group, pass)) return true;
  return false;
}

Expected<PassReport> runPipeline(Model& m, const Pipeline& p, const PassManagerOptions& opts) {
  if (!opts.stopAfter.empty() && !pipelineHas(p, opts.stopAfter))
    return Status::usage("--stop-after: pass '{}' is not in the pipeline", opts.stopAfter);
  PassReport report;
  report.nodesBefore = m.graph.numNodes();
  Runner runner(m, opts, report);
  NNP_RETURN_IF_ERROR(runner.run(p).status());
  report.nodesAfter = m.graph.numNodes();
  return report;
}

std::string PassReport::str() const {
  std::string out = fmt::format("{:<24} {:>5} {:>8} {:>10}\n", "pass", "runs", "changes", "ms");
  for (const PassStat& s : passes) {
    out += fmt::format("{:<24} {:>5} {:>8} {:>10.3f}\n", s.pass, s.runs, s.changes, s.ms);
    for (const std::string& n : s.notes) out += "    " + n + "\n";
  }
  for (const std::string& n : notes) out += n + "\n";
  if (!stoppedAfter.empty())
    out += fmt::format("stopped after pass {} (--stop-after)\n", stoppedAfter);
  out += fmt::format("nodes: {} -> {}\n", nodesBefore, nodesAfter);
  return out;
}

}  // namespace nnport
