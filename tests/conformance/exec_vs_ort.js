#!/usr/bin/env node
'use strict';
// nnport's interpreter against ONNX Runtime on models in the backend-test
// layout (DIR/model.onnx, DIR/test_data_set_N/input_K.pb):
//
//   node exec_vs_ort.js --nnport BIN --work DIR [--kernels reference,fast]
//                       [--rtol 1e-4] [--atol-scale 1e-5] MODEL_DIR...
//
// For every model and data set, ORT (1 thread, default optimizations) gives
// the expected outputs; `nnport run --kernels K --json --output-dir` gives
// the actual ones as .npy for every K. An output passes when, elementwise,
//   |a - b| <= atol + rtol * |b|,   atol = atol-scale * max|b| over that output
// (b: ORT, a: nnport; NaN matches NaN; integers and bools exact). The atol
// term is scaled to the output because an element near zero that results
// from a long float32 sum carries rounding error proportional to the terms
// summed, not to its own value. Prints per model and kernel set the max
// abs error, the max rel error (over elements with b != 0) and the worst
// |a - b| / (atol + rtol |b|) (pass iff <= 1), then
//   interpreter vs ORT: P passed, F failed (of N)
// Exit 1 when any check fails, 2 on bad arguments.
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const peers = path.join(__dirname, '..', 'peers');
const ort = require(path.join(peers, 'node_modules', 'onnxruntime-node'));
const tp = require(path.join(peers, 'tensor_proto'));
const { readNpy } = require(path.join(peers, 'npy'));

function parseArgs(argv) {
  const a = { nnport: null, work: null, kernels: ['reference', 'fast'], rtol: 1e-4, atolScale: 1e-5, dirs: [] };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) throw new Error(`${k} needs a value`);
      return argv[++i];
    };
    const num = () => {
      const v = Number(val());
      if (!Number.isFinite(v) || v < 0) throw new Error(`${k} needs a number >= 0`);
      return v;
    };
    if (k === '--nnport') a.nnport = val();
    else if (k === '--work') a.work = val();
    else if (k === '--kernels') a.kernels = val().split(',').filter(Boolean);
    else if (k === '--rtol') a.rtol = num();
    else if (k === '--atol-scale') a.atolScale = num();
    else if (k.startsWith('--')) throw new Error(`unknown argument ${k}`);
    else a.dirs.push(k);
  }
  if (!a.nnport || !a.work || a.dirs.length === 0) throw new Error('--nnport, --work and a MODEL_DIR are required');
  return a;
}

function dataSets(dir) {
  const re = /^test_data_set_(\d+)$/;
  return fs.readdirSync(dir).filter((d) => re.test(d)).sort().map((d) => {
    const sdir = path.join(dir, d);
    const files = fs.readdirSync(sdir).filter((f) => /^input_\d+\.pb$/.test(f))
      .sort((x, y) => Number(x.match(/\d+/)[0]) - Number(y.match(/\d+/)[0]));
    return { name: d, inputs: files.map((f) => path.join(sdir, f)) };
  });
}

async function ortOutputs(session, inputFiles) {
  const tensors = inputFiles.map((f) => tp.readTensor(f));
  const feeds = {};
  session.inputNames.forEach((n, i) => {
    const t = tensors.find((x) => x.name === n) || tensors[i];
    feeds[n] = new ort.Tensor(t.type, t.data, t.dims);
  });
  const res = await session.run(feeds);
  return session.outputNames.map((n) => ({ name: n, type: res[n].type, dims: Array.from(res[n].dims), data: res[n].data }));
}

function nnportOutputs(a, model, inputFiles, kernels, outDir) {
  fs.rmSync(outDir, { recursive: true, force: true });
  const args = ['run', model, '--kernels', kernels, '--json', '--output-dir', outDir];
  for (const f of inputFiles) args.push('--input', f);
  const stdout = execFileSync(a.nnport, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(stdout).outputs.map((o) => ({ name: o.name, ...readNpy(o.file) }));
}

// { maxAbs, maxRel, worst, why } where worst <= 1 and no why means pass.
function compare(got, exp, a) {
  const s = { maxAbs: 0, maxRel: 0, worst: 0, why: '' };
  if (!got) return { ...s, why: 'missing from nnport' };
  if (got.type !== exp.type) return { ...s, why: `type ${got.type}, ORT ${exp.type}` };
  if (got.dims.join() !== exp.dims.join()) return { ...s, why: `shape [${got.dims}], ORT [${exp.dims}]` };
  if (!exp.type.startsWith('float')) {
    const bad = exp.data.findIndex((v, i) => v !== got.data[i]);
    return bad < 0 ? s : { ...s, why: `element ${bad} differs` };
  }
  let maxB = 0;
  for (const v of exp.data) if (Math.abs(v) > maxB) maxB = Math.abs(v);
  const atol = a.atolScale * maxB;
  for (let i = 0; i < exp.data.length; i++) {
    const x = got.data[i];
    const y = exp.data[i];
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    const d = Math.abs(x - y);
    if (Number.isNaN(d)) return { ...s, why: `element ${i}: ${x} vs ORT ${y}` };
    s.maxAbs = Math.max(s.maxAbs, d);
    if (y !== 0) s.maxRel = Math.max(s.maxRel, d / Math.abs(y));
    const bound = atol + a.rtol * Math.abs(y);
    s.worst = Math.max(s.worst, bound > 0 ? d / bound : d > 0 ? Infinity : 0);
  }
  if (s.worst > 1) s.why = `exceeds atol ${atol.toExponential(2)} + rtol ${a.rtol} * |ORT|`;
  return s;
}

const e3 = (v) => v.toExponential(2);

async function checkModel(a, dir, count) {
  const label = path.basename(path.resolve(dir));
  const model = path.join(dir, 'model.onnx');
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3 });
  try {
    for (const set of dataSets(dir)) {
      const expected = await ortOutputs(session, set.inputs);
      for (const k of a.kernels) {
        let results;
        try {
          const got = nnportOutputs(a, model, set.inputs, k, path.join(a.work, label, set.name, k));
          results = expected.map((e) => ({ name: e.name, ...compare(got.find((g) => g.name === e.name), e, a) }));
        } catch (err) {
          const msg = String((err.stderr && err.stderr.trim()) || err.message).split('\n')[0];
          results = [{ name: '(run)', maxAbs: 0, maxRel: 0, worst: 0, why: msg }];
        }
        const failed = results.filter((r) => r.why);
        for (const r of results)
          console.log(`${failed.length ? 'FAIL' : 'PASS'} ${label} ${set.name} --kernels ${k} '${r.name}': ` +
            `max_abs ${e3(r.maxAbs)}  max_rel ${e3(r.maxRel)}  worst/bound ${r.worst.toFixed(3)}${r.why ? `  (${r.why})` : ''}`);
        if (failed.length) count.fail++;
        else count.pass++;
      }
    }
  } finally {
    await session.release().catch(() => {});
  }
}

async function main() {
  let a;
  try {
    a = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`exec_vs_ort: ${e.message}`);
    console.error('usage: node exec_vs_ort.js --nnport BIN --work DIR [--kernels reference,fast] [--rtol 1e-4] [--atol-scale 1e-5] MODEL_DIR...');
    process.exit(2);
  }
  ort.env.logLevel = 'error';
  const count = { pass: 0, fail: 0 };
  for (const dir of a.dirs) {
    try {
      await checkModel(a, dir, count);
    } catch (e) {
      console.log(`FAIL ${dir}: ${String(e.message || e).split('\n')[0]}`);
      count.fail++;
    }
  }
  console.log(`interpreter vs ORT: ${count.pass} passed, ${count.fail} failed (of ${count.pass + count.fail})`);
  process.exit(count.fail ? 1 : 0);
}

main();
