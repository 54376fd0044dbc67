#!/usr/bin/env node
'use strict';
// ONNX Runtime conformance runner for nnport.
//
//   node ort_run.js --manifest FILE.json [--rtol 1e-3] [--atol 1e-7] [--atol-scale S] [--json OUT.json]
//                   [--threads 1] [--expect-identical-to-reference] [--verbose]
//
// The manifest is a JSON array of
//   { "name": str, "model": path.onnx, "data": dir-with-test_data_set_*, "reference_model": path.onnx? }
// Relative paths are resolved against the manifest's directory. "data" holds the
// ONNX backend-test layout: test_data_set_N/input_K.pb and output_K.pb (TensorProto).
//
// Default mode: if reference_model is given, ORT must first reproduce output_K.pb with the
// reference model, otherwise the entry is "skipped-reference". Then `model` is run on every
// data set and compared with output_K.pb: |a-b| <= atol + rtol*|b| (NaN == NaN), exact for
// bool/int/string. With --expect-identical-to-reference, `model` is compared with the outputs
// of `reference_model` on the same inputs instead of output_K.pb.
//
// Prints one line per failure and a closing line
//   ORT conformance: P passed, F failed, S skipped (of N)
// Exit status is 0 whatever the results (the caller decides thresholds); 2 if the manifest
// cannot be read or the arguments are wrong; 1 only on an internal error of the runner.
const fs = require('fs');
const path = require('path');
const tp = require('./tensor_proto');

function parseArgs(argv) {
  const a = { rtol: 1e-3, atol: 1e-7, atolScale: 0, threads: 1, json: null, manifest: null, identical: false, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${k} needs a value`);
      return argv[++i];
    };
    const num = () => {
      const v = Number(val());
      if (!Number.isFinite(v)) throw new Error(`${k} needs a number`);
      return v;
    };
    if (k === '--manifest') a.manifest = val();
    else if (k === '--rtol') a.rtol = num();
    else if (k === '--atol') a.atol = num();
    // atol += S * max|expected| over each output (outputs of large magnitude).
    else if (k === '--atol-scale') a.atolScale = num();
    else if (k === '--threads') a.threads = num();
    else if (k === '--json') a.json = val();
    else if (k === '--expect-identical-to-reference') a.identical = true;
    else if (k === '--verbose' || k === '-v') a.verbose = true;
    else throw new Error(`unknown argument ${k}`);
  }
  if (!a.manifest) throw new Error('--manifest is required');
  return a;
}

const numSort = (re) => (x, y) => Number(x.match(re)[1]) - Number(y.match(re)[1]);

// [{ set, inputs: [tensor], outputs: [tensor] }], sorted by N and K.
function loadSets(dir) {
  if (!dir) return [{ set: '(no data)', inputs: [], outputs: [] }];
  const setRe = /^test_data_set_(\d+)$/;
  const sets = fs.readdirSync(dir).filter((d) => setRe.test(d)).sort(numSort(setRe));
  if (sets.length === 0) throw new Error(`no test_data_set_* in ${dir}`);
  return sets.map((s) => {
    const files = fs.readdirSync(path.join(dir, s));
    const load = (prefix) => {
      const re = new RegExp(`^${prefix}_(\\d+)\\.pb$`);
      return files.filter((f) => re.test(f)).sort(numSort(re))
        .map((f) => tp.readTensor(path.join(dir, s, f)));
    };
    return { set: s, inputs: load('input'), outputs: load('output') };
  });
}

// Pair each wanted name with a tensor: by name first, then unmatched tensors by position.
function matchByName(names, tensors) {
  const used = new Set();
  const out = names.map((n) => {
    const i = tensors.findIndex((t, j) => !used.has(j) && t.name === n);
    if (i >= 0) used.add(i);
    return i;
  });
  const free = tensors.map((_, j) => j).filter((j) => !used.has(j));
  return out.map((i) => (i >= 0 ? tensors[i] : free.length ? tensors[free.shift()] : undefined));
}

async function run(ort, session, inputs) {
  const feeds = {};
  matchByName(session.inputNames, inputs).forEach((t, i) => {
    const n = session.inputNames[i];
    if (!t) throw new Error(`no data for input '${n}'`);
    feeds[n] = new ort.Tensor(t.type, t.data, t.dims);
  });
  const res = await session.run(feeds);
  return session.outputNames.map((n) => ({ name: n, type: res[n].type, dims: Array.from(res[n].dims), data: res[n].data }));
}

const FLOATS = new Set(['float32', 'float64', 'float16']);
const fmt = (v) => (typeof v === 'number' ? Number(v.toPrecision(7)).toString() : typeof v === 'string' ? JSON.stringify(v) : String(v));

// null if equal within tolerance, else a short reason.
function compare(label, got, exp, rtol, atol, atolScale = 0) {
  if (got.type !== exp.type) return `${label}: type ${got.type}, expected ${exp.type}`;
  if (got.dims.length !== exp.dims.length || got.dims.some((d, i) => d !== exp.dims[i]))
    return `${label}: shape [${got.dims}], expected [${exp.dims}]`;
  const isFloat = FLOATS.has(exp.type);
  // float16 data are raw bits in a Uint16Array (a Float16Array would already hold values).
  const val = (arr) => (exp.type === 'float16' && arr instanceof Uint16Array ? (v) => tp.halfToFloat(v) : (v) => v);
  const gv = val(got.data);
  const ev = val(exp.data);
  if (isFloat && atolScale) {
    let maxB = 0;
    for (let i = 0; i < exp.data.length; i++) maxB = Math.max(maxB, Math.abs(ev(exp.data[i])) || 0);
    atol += atolScale * maxB;
  }
  let bad = 0;
  let first = -1;
  let maxDiff = 0;
  for (let i = 0; i < exp.data.length; i++) {
    const a = gv(got.data[i]);
    const b = ev(exp.data[i]);
    let ok;
    if (!isFloat) ok = a === b;
    else if (a === b || (Number.isNaN(a) && Number.isNaN(b))) ok = true;
    else {
      const d = Math.abs(a - b);
      ok = d <= atol + rtol * Math.abs(b);
      if (!Number.isNaN(d) && d > maxDiff) maxDiff = d;
      if (Number.isNaN(d)) maxDiff = NaN;
    }
    if (!ok) {
      if (first < 0) first = i;
      bad++;
    }
  }
  if (!bad) return null;
  const g = gv(got.data[first]);
  const e = ev(exp.data[first]);
  return `${label}: ${bad}/${exp.data.length} mismatched, first at [${first}] got ${fmt(g)} expected ${fmt(e)}` +
    (isFloat ? `, max |diff| ${fmt(maxDiff)}` : '');
}

// Run session on every set and compare with expected outputs (per set: array of tensors,
// matched to session outputs by name then position). Returns null or a reason.
async function checkSets(ort, session, sets, expectedOf, args) {
  for (const s of sets) {
    const got = await run(ort, session, s.inputs);
    const exp = expectedOf(s);
    if (exp.length > got.length) return `${s.set}: ${exp.length} expected outputs, model has ${got.length}`;
    const matched = matchByName(exp.map((t) => t.name), got);
    for (let i = 0; i < exp.length; i++) {
      const label = `${s.set} output '${matched[i].name}'`;
      const r = compare(label, matched[i], exp[i], args.rtol, args.atol, args.atolScale);
      if (r) return r;
    }
  }
  return null;
}

const errMsg = (e) => String((e && e.message) || e).split('\n')[0].slice(0, 300);

async function runEntry(ort, entry, base, args, opts) {
  const abs = (p) => (p ? path.resolve(base, p) : null);
  const model = abs(entry.model);
  const ref = abs(entry.reference_model);
  const data = abs(entry.data);
  const sessions = [];
  const create = async (p) => {
    const s = await ort.InferenceSession.create(p, opts);
    sessions.push(s);
    return s;
  };
  try {
    if (!model) return { status: 'fail', reason: 'entry has no model' };
    if (args.identical && !ref) return { status: 'fail', reason: 'no reference_model (needed by --expect-identical-to-reference)' };
    let sets;
    const refOutputs = new Map();
    if (ref) {
      try {
        sets = loadSets(data);
        const rs = await create(ref);
        if (args.identical) {
          for (const s of sets) refOutputs.set(s, await run(ort, rs, s.inputs));
        } else {
          const r = await checkSets(ort, rs, sets, (s) => s.outputs, args);
          if (r) throw new Error(r);
          if (model === ref) return { status: 'pass' };
        }
      } catch (e) {
        return { status: 'skipped-reference', reason: `reference: ${errMsg(e)}` };
      }
    }
    try {
      if (!sets) sets = loadSets(data);
      const ms = await create(model);
      const expectedOf = args.identical ? (s) => refOutputs.get(s) : (s) => s.outputs;
      const r = await checkSets(ort, ms, sets, expectedOf, args);
      return r ? { status: 'fail', reason: r } : { status: 'pass' };
    } catch (e) {
      return { status: 'fail', reason: errMsg(e) };
    }
  } finally {
    for (const s of sessions) await s.release().catch(() => {});
  }
}

async function main() {
  let args;
  let entries;
  try {
    args = parseArgs(process.argv.slice(2));
    entries = JSON.parse(fs.readFileSync(args.manifest, 'utf8'));
    if (!Array.isArray(entries)) throw new Error('manifest must be a JSON array');
  } catch (e) {
    console.error(`ort_run: ${errMsg(e)}`);
    console.error('usage: node ort_run.js --manifest FILE.json [--rtol 1e-3] [--atol 1e-7] [--json OUT.json] [--threads N] [--expect-identical-to-reference] [--verbose]');
    process.exit(2);
  }
  const ort = require('onnxruntime-node');
  ort.env.logLevel = 'fatal';
  const opts = { intraOpNumThreads: args.threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 4 };
  const base = path.dirname(path.resolve(args.manifest));
  const t0 = Date.now();
  const results = [];
  const count = { pass: 0, fail: 0, skipped: 0 };
  for (const entry of entries) {
    const t = Date.now();
    const r = await runEntry(ort, entry, base, args, opts);
    const res = { name: entry.name, model: entry.model, status: r.status, reason: r.reason || '', ms: Date.now() - t };
    results.push(res);
    if (r.status === 'pass') count.pass++;
    else if (r.status === 'fail') count.fail++;
    else count.skipped++;
    if (r.status === 'fail') console.log(`FAIL ${entry.name}: ${r.reason}`);
    else if (args.verbose) console.log(`${r.status === 'pass' ? 'PASS' : 'SKIP'} ${entry.name}${r.reason ? ': ' + r.reason : ''}`);
  }
  const seconds = (Date.now() - t0) / 1000;
  if (args.json) {
    const summary = { passed: count.pass, failed: count.fail, skipped: count.skipped, total: entries.length, seconds,
      rtol: args.rtol, atol: args.atol, mode: args.identical ? 'identical-to-reference' : 'expected-outputs' };
    fs.writeFileSync(args.json, JSON.stringify({ summary, results }, null, 1) + '\n');
  }
  console.log(`ORT conformance: ${count.pass} passed, ${count.fail} failed, ${count.skipped} skipped (of ${entries.length})`);
}

main().catch((e) => {
  console.error(`ort_run: internal error: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
