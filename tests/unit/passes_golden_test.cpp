// The golden pass tests: every tests/passes/*.nnir file is a model in the
// text IR (it loads as it is: `nnport inspect tests/passes/x.nnir`) whose
// comment lines carry the test:
//
//   # RUN: merge-transposes,dce          the pipeline (as --passes takes it)
//   # NOTE: not pushed below             a note the run must give (repeatable)
//   # TOLERANCE: 1e-5                    outputs may differ by this fraction
//                                        of the largest (default: exactly equal)
//   # INTERPRETER: off (why)             no before/after run (default: on)
//   # EXPECT:                            the graph after the pipeline follows,
//   # graph g (%x: f32[2,3]) -> ...      each line behind "# "
//
// Each file's graph runs the pipeline with --verify-each and must print as
// the expected graph does (structure, attributes, types, names; constants
// over 8 elements print as their type). Unless turned off, the model runs
// through the interpreter before and after on inputs 0, 1, 2, ... (f32
// inputs with static dims), so an index off by one shows. Adding a case is
// adding a file: no rebuild.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/unit/pass_test_util.h"

using namespace nnport;
using namespace nnport::testing;
namespace fs = std::filesystem;

namespace {

struct GoldenCase {
  std::string text, pipeline, expected;
  std::vector<std::string> notes;
  double tolerance = 0;
  bool interpreter = true;
};

std::string after(const std::string& line, const std::string& directive) {
  std::string rest = line.substr(directive.size());
  rest.erase(0, rest.find_first_not_of(' '));
  return rest;
}

GoldenCase readCase(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream all;
  all << in.rdbuf();
  GoldenCase c;
  c.text = all.str();
  std::istringstream lines(c.text);
  bool expecting = false;
  for (std::string line; std::getline(lines, line);) {
    if (expecting) {
      if (line.rfind("#", 0) != 0) FAIL(path.string() << ": a non-comment line after # EXPECT:");
      c.expected += (line.size() > 2 ? line.substr(2) : "") + "\n";
    } else if (line.rfind("# RUN:", 0) == 0) {
      c.pipeline = after(line, "# RUN:");
    } else if (line.rfind("# NOTE:", 0) == 0) {
      c.notes.push_back(after(line, "# NOTE:"));
    } else if (line.rfind("# TOLERANCE:", 0) == 0) {
      c.tolerance = std::stod(after(line, "# TOLERANCE:"));
    } else if (line.rfind("# INTERPRETER: off", 0) == 0) {
      c.interpreter = false;
    } else if (line.rfind("# EXPECT:", 0) == 0) {
      expecting = true;
    }
  }
  if (c.pipeline.empty()) FAIL(path.string() << ": no # RUN: line");
  if (c.expected.empty()) FAIL(path.string() << ": no # EXPECT: section");
  return c;
}

// Every output of `m` on inputs 0, 1, 2, ...
exec::NamedTensors runOnRamps(const Model& m) {
  std::map<std::string, exec::RtTensor> feed;
  for (const Value* v : m.graph.inputs()) {
    INFO("input '" << v->name() << "' needs f32 and static dims, or # INTERPRETER: off");
    REQUIRE(v->type.dtype == DType::Float32);
    const auto sizes = v->type.shape.sizes();
    REQUIRE(sizes);
    exec::RtTensor x = exec::RtTensor::allocate(DType::Float32, *sizes);
    for (int64_t i = 0; i < x.numElements(); ++i) x.data<float>()[i] = static_cast<float>(i);
    feed[v->name()] = x;
  }
  auto e = exec::Executor::create(m, {exec::KernelSet::Reference, 1});
  if (!e) FAIL(e.status().message());
  auto r = (*e)->run(feed);
  if (!r) FAIL(r.status().message());
  return *r;
}

void requireClose(const exec::NamedTensors& before, const exec::NamedTensors& after,
                  double tolerance) {
  REQUIRE(after.size() == before.size());
  for (size_t k = 0; k < before.size(); ++k) {
    const exec::RtTensor& b = before[k].second;
    const exec::RtTensor& a = after[k].second;
    INFO("output " << before[k].first);
    REQUIRE(a.dims() == b.dims());
    double largest = 0, worst = 0;
    for (int64_t i = 0; i < b.numElements(); ++i) {
      largest = std::max(largest, std::abs(b.floatAt(i)));
      worst = std::max(worst, std::abs(a.floatAt(i) - b.floatAt(i)));
    }
    INFO("largest output magnitude " << largest);
    CHECK(worst <= tolerance * largest);
  }
}

void runCase(const fs::path& path) {
  const GoldenCase c = readCase(path);
  auto m = parseModelText(c.text);
  if (!m) FAIL(m.status().message());
  auto want = parseModelText(c.expected);
  if (!want) FAIL("# EXPECT: " << want.status().message());
  exec::NamedTensors before;
  if (c.interpreter) before = runOnRamps(**m);
  const PassReport report = runPasses(**m, c.pipeline);
  CHECK(printGraph((*m)->graph) == printGraph((*want)->graph));
  std::string notes;
  for (const PassStat& p : report.passes)
    for (const std::string& n : p.notes) notes += n + "\n";
  for (const std::string& n : c.notes) {
    INFO("notes given:\n" << notes);
    CHECK(notes.find(n) != std::string::npos);
  }
  if (c.interpreter) requireClose(before, runOnRamps(**m), c.tolerance);
}

}  // namespace

TEST_CASE("golden pass tests: tests/passes/*.nnir", "[passes][golden]") {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(fs::path(NNPORT_SOURCE_DIR) / "tests" / "passes"))
    if (e.path().extension() == ".nnir") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 30);
  for (const fs::path& f : files) {
    INFO(f.filename().string());
    runCase(f);
  }
}
