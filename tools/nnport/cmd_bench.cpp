// `nnport bench MODEL`: time loading, executor creation and repeated
// Executor::run calls, and report latency percentiles, throughput and the
// process's peak resident memory.
//
// Sequence: load, create, one first run (timed on its own: cold caches and
// first allocations), W warm-up runs (not timed), I timed runs. Percentiles
// use the nearest-rank method on the I sorted latencies: pP is the
// ceil(P/100 * I)-th smallest, so p50/p90/p99 are always measured values.
// peak_rss_mb is getrusage(RUSAGE_SELF).ru_maxrss (KiB on Linux) / 1024,
// i.e. mebibytes, for the whole process (model, weights, arena, binary);
// baseline_rss_mb is the same figure taken before the model is loaded.
#include <sys/resource.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>

#include "exec/executor.h"
#include "lib/pipeline.h"
#include "tools/nnport/cli.h"
#include "tools/nnport/run_inputs.h"

namespace nnport::cli {
namespace {

struct BenchArgs {
  std::string model, kernels = "fast";
  InputArgs in;
  int threads = 1, warmup = 5, iters = 50;
  bool json = false, profile = false;
};

// Kernel time per op type per run (with --profile); a producer that ran an
// activation fused in is listed as "Op+act".
struct OpTime {
  std::string op;
  double ms = 0;
  size_t nodes = 0;
};

struct BenchTimes {
  double baselineRssMiB = 0;  // peak RSS before loading: the binary and its libraries
  double loadMs = 0, createMs = 0, firstRunMs = 0;
  std::vector<double> latencyMs;          // one per timed iteration, in run order
  size_t arenaBytes = 0, fusedNodes = 0;  // as the executor reports after the runs
  std::vector<OpTime> profile;            // by time, largest first
};

struct LatencyStats {
  double min = 0, mean = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;
};

using Clock = std::chrono::steady_clock;
constexpr int kMaxRuns = 1000000000;

double msSince(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double peakRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

// Nearest rank on sorted values: the ceil(p/100 * n)-th smallest (1-based).
double nearestRank(const std::vector<double>& sorted, double p) {
  const auto n = static_cast<double>(sorted.size());
  const auto rank = static_cast<size_t>(std::max(1.0, std::ceil(p / 100.0 * n)));
  return sorted[std::min(rank, sorted.size()) - 1];
}

LatencyStats summarize(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  LatencyStats s;
  s.min = ms.front();
  s.max = ms.back();
  s.mean = std::accumulate(ms.begin(), ms.end(), 0.0) / static_cast<double>(ms.size());
  s.p50 = nearestRank(ms, 50);
  s.p90 = nearestRank(ms, 90);
  s.p99 = nearestRank(ms, 99);
  return s;
}

Status runOnce(exec::Executor& e, const std::map<std::string, exec::RtTensor>& inputs, double* ms) {
  const auto start = Clock::now();
  auto outs = e.run(inputs);
  if (ms) *ms = msSince(start);
  return outs.status();
}

std::vector<OpTime> opTimes(const exec::Executor& e, int runs) {
  std::map<std::string, OpTime> byOp;
  for (const exec::NodeProfile& p : e.profile()) {
    const std::string op = p.node->opType() + (p.fused ? "+act" : "");
    OpTime& t = byOp[op];
    t.op = op;
    t.ms += p.ms / runs;
    ++t.nodes;
  }
  std::vector<OpTime> out;
  for (auto& [op, t] : byOp) out.push_back(t);
  std::sort(out.begin(), out.end(), [](const OpTime& x, const OpTime& y) { return x.ms > y.ms; });
  return out;
}

Expected<BenchTimes> measure(const BenchArgs& a) {
  BenchTimes t;
  t.baselineRssMiB = peakRssMiB();
  auto start = Clock::now();
  auto model = loadModelFile(a.model);
  if (!model) return model.status();
  t.loadMs = msSince(start);
  exec::ExecOptions opts;
  opts.kernels = a.kernels == "reference" ? exec::KernelSet::Reference : exec::KernelSet::Fast;
  opts.threads = a.threads;
  opts.profile = a.profile;
  start = Clock::now();
  auto e = exec::Executor::create(**model, opts);
  if (!e) return e.status().withContext(a.model);
  t.createMs = msSince(start);
  InputArgs in = a.in;
  if (in.inputs.empty() && !in.seed) in.seed = 0;
  NNP_ASSIGN_OR_RETURN(auto inputs, gatherInputs(in, **e, a.model));
  if (Status s = runOnce(**e, inputs, &t.firstRunMs); !s) return s.withContext(a.model);
  for (int i = 0; i < a.warmup; ++i)
    if (Status s = runOnce(**e, inputs, nullptr); !s) return s.withContext(a.model);
  t.latencyMs.resize(static_cast<size_t>(a.iters));
  for (double& ms : t.latencyMs)
    if (Status s = runOnce(**e, inputs, &ms); !s) return s.withContext(a.model);
  t.arenaBytes = (*e)->arenaBytes();
  t.fusedNodes = (*e)->fusedNodes();
  if (a.profile) t.profile = opTimes(**e, 1 + a.warmup + a.iters);
  return t;
}

nlohmann::ordered_json toJson(const BenchArgs& a, const BenchTimes& t, const LatencyStats& s,
                              double rss) {
  nlohmann::ordered_json j = {{"model", a.model},
                              {"kernels", a.kernels},
                              {"threads", a.threads},
                              {"warmup", a.warmup},
                              {"iters", a.iters},
                              {"load_ms", t.loadMs},
                              {"create_ms", t.createMs},
                              {"first_run_ms", t.firstRunMs},
                              {"latency_ms",
                               {{"min", s.min},
                                {"mean", s.mean},
                                {"p50", s.p50},
                                {"p90", s.p90},
                                {"p99", s.p99},
                                {"max", s.max}}},
                              {"throughput_ips", 1000.0 / s.mean},
                              {"peak_rss_mb", rss},
                              {"baseline_rss_mb", t.baselineRssMiB},
                              {"arena_mb", static_cast<double>(t.arenaBytes) / (1024.0 * 1024.0)},
                              {"fused_nodes", t.fusedNodes}};
  if (a.profile) {
    j["profile"] = nlohmann::ordered_json::array();
    for (const OpTime& o : t.profile)
      j["profile"].push_back({{"op", o.op}, {"ms", o.ms}, {"nodes", o.nodes}});
  }
  return j;
}

void printHuman(const BenchArgs& a, const BenchTimes& t, const LatencyStats& s, double rss) {
  std::cout << fmt::format("model       {}\n", a.model)
            << fmt::format("kernels     {}, {} thread(s)\n", a.kernels, a.threads)
            << fmt::format("load        {:10.2f} ms\n", t.loadMs)
            << fmt::format("create      {:10.2f} ms\n", t.createMs)
            << fmt::format("first run   {:10.2f} ms\n", t.firstRunMs)
            << fmt::format(
                   "latency     min {:.2f}  mean {:.2f}  p50 {:.2f}  p90 {:.2f}  p99 {:.2f}  "
                   "max {:.2f} ms ({} iterations after {} warm-up)\n",
                   s.min, s.mean, s.p50, s.p90, s.p99, s.max, a.iters, a.warmup)
            << fmt::format("throughput  {:10.2f} inferences/s\n", 1000.0 / s.mean)
            << fmt::format("peak RSS    {:10.1f} MiB ({:.1f} MiB before loading)\n", rss,
                           t.baselineRssMiB)
            << fmt::format("arena       {:10.1f} MiB, {} node(s) with a fused activation\n",
                           static_cast<double>(t.arenaBytes) / (1024.0 * 1024.0), t.fusedNodes);
  for (const OpTime& o : t.profile)
    std::cout << fmt::format("  {:<24} {:9.3f} ms/run  {:4} node(s)\n", o.op, o.ms, o.nodes);
}

int runBench(const BenchArgs& a) {
  auto t = measure(a);
  if (!t) return reportError(t.status());
  const LatencyStats s = summarize(t->latencyMs);
  const double rss = peakRssMiB();
  if (a.json)
    std::cout << jsonText(toJson(a, *t, s, rss)) << "\n";
  else
    printHuman(a, *t, s, rss);
  return kExitOk;
}

}  // namespace

void addBench(CLI::App& app, Action& action) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* c = app.add_subcommand(
      "bench", "Time a model with the interpreter: latency, throughput, peak memory");
  c->add_option("model", args->model, "Model file")->required();
  addInputOptions(c, args->in);
  c->add_option("--threads", args->threads, "Threads (default 1)")->check(CLI::Range(1, 256));
  c->add_option("--warmup", args->warmup, "Untimed runs after the first run (default 5)")
      ->check(CLI::Range(0, kMaxRuns));
  c->add_option("--iters", args->iters, "Timed runs (default 50)")->check(CLI::Range(1, kMaxRuns));
  c->add_option("--kernels", args->kernels, "fast (default) or reference")
      ->check(CLI::IsMember({"fast", "reference"}));
  c->add_flag("--json", args->json, "Print one JSON object");
  c->add_flag("--profile", args->profile,
              "Also report kernel time per op type (averaged over every run, the first included)");
  c->footer(
      "Without --input or --random-inputs, inputs are random with seed 0 (dynamic dims 1).\n"
      "Percentiles are nearest-rank; peak_rss_mb is ru_maxrss / 1024 (MiB).\n"
      "Examples:\n"
      "  nnport bench model.onnx --threads 2 --iters 100\n"
      "  nnport bench model.onnx --input input=x.npy --kernels reference --json");
  c->callback([&action, args] { action = [args] { return runBench(*args); }; });
}

}  // namespace nnport::cli
