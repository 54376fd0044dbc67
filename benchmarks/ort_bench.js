#!/usr/bin/env node
'use strict';
// ONNX Runtime's side of benchmarks/bench_vs_ort.sh: the same measurements as
// `nnport bench`, from one onnxruntime-node session.
//
//   node ort_bench.js MODEL [--threads T=1] [--warmup W=5] [--iters I=50]
//                     [--input FILE.pb]... [--seed S=0] [--json]
//
// Session: intraOpNumThreads T, interOpNumThreads 1, executionMode sequential,
// ORT's default graph optimization level. Inputs: the TensorProto files given
// (matched to inputs by name, then by position), the rest uniform in [-1, 1)
// (integers 0..9) from a seeded generator, dynamic dims set to 1.
// Sequence as in `nnport bench`: create, one first run (timed alone), W
// untimed warm-up runs, I timed runs (process.hrtime around each awaited
// session.run). Percentiles are nearest-rank. ORT reads the model inside
// session creation, so load_ms is null and create_ms includes loading.
// peak_rss_mb is process.resourceUsage().maxRSS (KiB) / 1024 for the whole
// node process; baseline_rss_mb is the same figure taken before the session
// was created (node and the ORT library alone).
const path = require('path');

const peers = path.join(__dirname, '..', 'tests', 'peers');
const ort = require(path.join(peers, 'node_modules', 'onnxruntime-node'));
const tp = require(path.join(peers, 'tensor_proto'));

function parseArgs(argv) {
  const a = { model: null, threads: 1, warmup: 5, iters: 50, inputs: [], seed: 0, json: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${k} needs a value`);
      return argv[++i];
    };
    const int = (min) => {
      const v = Number(val());
      if (!Number.isInteger(v) || v < min) throw new Error(`${k} needs an integer >= ${min}`);
      return v;
    };
    if (k === '--threads') a.threads = int(1);
    else if (k === '--warmup') a.warmup = int(0);
    else if (k === '--iters') a.iters = int(1);
    else if (k === '--seed') a.seed = int(0);
    else if (k === '--input') a.inputs.push(val());
    else if (k === '--json') a.json = true;
    else if (k.startsWith('--') || a.model) throw new Error(`unexpected argument ${k}`);
    else a.model = k;
  }
  if (!a.model) throw new Error('MODEL is required');
  return a;
}

// mulberry32: a small seeded generator; values in [0, 1).
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ARRAYS = { float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: BigInt64Array,
  uint8: Uint8Array, int8: Int8Array, bool: Uint8Array };

function randomTensor(meta, next) {
  const dims = meta.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : 1));
  const Ctor = ARRAYS[meta.type];
  if (!Ctor) throw new Error(`input '${meta.name}': no random data for type ${meta.type}`);
  const data = new Ctor(tp.numel(dims));
  const isFloat = meta.type.startsWith('float');
  for (let i = 0; i < data.length; i++) {
    const v = isFloat ? next() * 2 - 1 : Math.floor(next() * 10) % (meta.type === 'bool' ? 2 : 10);
    data[i] = Ctor === BigInt64Array ? BigInt(v) : v;
  }
  return new ort.Tensor(meta.type, data, dims);
}

function makeFeeds(session, files, seed) {
  const given = files.map((f) => tp.readTensor(f));
  const next = rng(seed);
  const feeds = {};
  const free = given.filter((t) => !session.inputNames.includes(t.name));
  for (const meta of session.inputMetadata) {
    const t = given.find((g) => g.name === meta.name) || free.shift();
    feeds[meta.name] = t ? new ort.Tensor(t.type, t.data, t.dims) : randomTensor(meta, next);
  }
  return feeds;
}

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const rssMiB = () => process.resourceUsage().maxRSS / 1024;

function nearestRank(sorted, p) {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

function summarize(ms) {
  const s = [...ms].sort((x, y) => x - y);
  const mean = s.reduce((x, y) => x + y, 0) / s.length;
  return { min: s[0], mean, p50: nearestRank(s, 50), p90: nearestRank(s, 90), p99: nearestRank(s, 99),
    max: s[s.length - 1] };
}

async function timedRun(session, feeds) {
  const t = nowMs();
  await session.run(feeds);
  return nowMs() - t;
}

async function bench(a) {
  ort.env.logLevel = 'error';
  const baseline = rssMiB();
  let t = nowMs();
  const session = await ort.InferenceSession.create(a.model, {
    intraOpNumThreads: a.threads, interOpNumThreads: 1, executionMode: 'sequential', logSeverityLevel: 3,
  });
  const createMs = nowMs() - t;
  const feeds = makeFeeds(session, a.inputs, a.seed);
  const firstRunMs = await timedRun(session, feeds);
  for (let i = 0; i < a.warmup; i++) await session.run(feeds);
  const lat = [];
  for (let i = 0; i < a.iters; i++) lat.push(await timedRun(session, feeds));
  const s = summarize(lat);
  return { model: a.model, runtime: `onnxruntime-node ${require(path.join(peers, 'node_modules', 'onnxruntime-node', 'package.json')).version}`,
    threads: a.threads, warmup: a.warmup, iters: a.iters, load_ms: null, create_ms: createMs,
    first_run_ms: firstRunMs, latency_ms: s, throughput_ips: 1000 / s.mean, peak_rss_mb: rssMiB(),
    baseline_rss_mb: baseline };
}

function printHuman(r) {
  const f = (v) => v.toFixed(2).padStart(10);
  const s = r.latency_ms;
  console.log(`model       ${r.model}\nruntime     ${r.runtime}, ${r.threads} thread(s)`);
  console.log(`create      ${f(r.create_ms)} ms\nfirst run   ${f(r.first_run_ms)} ms`);
  console.log(`latency     min ${s.min.toFixed(2)}  mean ${s.mean.toFixed(2)}  p50 ${s.p50.toFixed(2)}  ` +
    `p90 ${s.p90.toFixed(2)}  p99 ${s.p99.toFixed(2)}  max ${s.max.toFixed(2)} ms ` +
    `(${r.iters} iterations after ${r.warmup} warm-up)`);
  console.log(`throughput  ${f(r.throughput_ips)} inferences/s\npeak RSS    ${r.peak_rss_mb.toFixed(1).padStart(10)} MiB` +
    ` (${r.baseline_rss_mb.toFixed(1)} MiB before the session)`);
}

async function main() {
  let a;
  try {
    a = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`ort_bench: ${e.message}`);
    console.error('usage: node ort_bench.js MODEL [--threads T] [--warmup W] [--iters I] [--input FILE.pb]... [--seed S] [--json]');
    process.exit(2);
  }
  const r = await bench(a);
  if (a.json) console.log(JSON.stringify(r, null, 1));
  else printHuman(r);
}

main().catch((e) => {
  console.error(`ort_bench: ${String((e && e.message) || e).split('\n')[0]}`);
  process.exit(1);
});
