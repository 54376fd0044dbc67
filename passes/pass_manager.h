// Pipelines of passes. A pipeline is a string: pass names separated by
// commas; braces group passes that enable each other and run them again
// until a whole round changes nothing (at most `maxIterations` rounds):
//   "dce,{eliminate-identity,fuse-conv-bn},dce"
// The optimization levels are pipeline strings too (passes/levels.cpp).
#pragma once

#include <iosfwd>
#include <set>
#include <string>
#include <vector>

#include "passes/pass.h"

namespace nnport {

struct PipelineItem {
  std::string pass;                 // a pass name, or empty for a group
  std::vector<PipelineItem> group;  // a fixed-point group
};

using Pipeline = std::vector<PipelineItem>;

// Parses a pipeline; an unknown pass name is a usage error listing the
// valid ones.
Expected<Pipeline> parsePipeline(const std::string& text);
// The pipeline string of an optimization level ("O0", "O1", "O2").
Expected<std::string> levelPipeline(const std::string& level);
std::vector<std::string> levelNames();

struct PassManagerOptions {
  std::set<std::string> printAfter;  // pass names, or "all"
  bool verifyEach = false;
  int maxIterations = 8;  // rounds of a fixed-point group
  // Stop the whole pipeline after the first run of this pass (--stop-after);
  // the model is left as that pass made it. Must be in the pipeline.
  std::string stopAfter;
  std::ostream* printTo = nullptr;  // --print-after output (stderr by default)
};

struct PassStat {
  std::string pass;
  size_t runs = 0, changes = 0;
  double ms = 0;
  std::vector<std::string> notes;
};

struct PassReport {
  std::vector<PassStat> passes;  // in first-run order
  size_t nodesBefore = 0, nodesAfter = 0;
  std::vector<std::string> notes;  // e.g. a group that hit its round cap
  std::string stoppedAfter;        // the --stop-after pass, once it stopped the run
  std::string str() const;         // the --stats table
};

// Whether `pass` appears in `p`, at any depth.
bool pipelineHas(const Pipeline& p, const std::string& pass);

Expected<PassReport> runPipeline(Model& m, const Pipeline& p, const PassManagerOptions& opts = {});

}  // namespace nnport
