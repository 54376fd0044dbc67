#!/usr/bin/env node
'use strict';
// Quantization on real data, checked by ONNX Runtime:
//
//   node quantize_vs_ort.js --nnport BIN --work DIR --model FLOAT.onnx --calib CALIB_DIR
//        --test-x X.npy --test-y Y.npy [--max-loss 0.5] [--max-steps 1] [--quick]
//
// For every scheme of the matrix (activation type int8/uint8 × sym/asym ×
// per-channel/per-tensor weights × calibration method minmax/percentile/
// entropy in QDQ form, --quick: minmax only; and the minmax ones in
// QOperator form), `nnport quantize` writes the model and its report. Then
//   - ONNX Runtime runs the float and the quantized model on the held-out
//     set X (one batch); accuracy = argmax of the first output vs Y. A scheme
//     fails when it loses more than --max-loss points against the float model;
//   - nnport's interpreter runs the quantized model on X twice: `nnport run`
//     (Q/DQ patterns as QLinear ops on integer kernels) and `--qdq float`
//     (the graph as written, Q/DQ emulated in float); it
//     fails when any output element differs from ONNX Runtime's by more than
//     --max-steps quantization steps (the output's scale, from the report).
// Prints one table row per scheme and a closing line
//   quantize vs ORT: P passed, F failed (of N)
// Exit 1 when any scheme fails, 2 on bad arguments.
const fs = require('fs');
const path = require('path');
const { execFileSync } = require('child_process');

const peers = path.join(__dirname, '..', 'peers');
const ort = require(path.join(peers, 'node_modules', 'onnxruntime-node'));
const { readNpy } = require(path.join(peers, 'npy'));

function parseArgs(argv) {
  const a = { maxLoss: 0.5, maxSteps: 1, quick: false };
  const need = ['nnport', 'work', 'model', 'calib', 'testX', 'testY'];
  const names = { '--nnport': 'nnport', '--work': 'work', '--model': 'model', '--calib': 'calib',
    '--test-x': 'testX', '--test-y': 'testY', '--max-loss': 'maxLoss', '--max-steps': 'maxSteps' };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    if (k === '--quick') { a.quick = true; continue; }
    if (!names[k] || i + 1 >= argv.length) throw new Error(`unknown argument or missing value: ${k}`);
    const v = argv[++i];
    a[names[k]] = k.startsWith('--max-') ? Number(v) : v;
  }
  for (const k of need) if (!a[k]) throw new Error(`--${k} is required`);
  return a;
}

function schemes(quick) {
  const out = [];
  const add = (format, methods) => {
    for (const method of methods)
      for (const type of ['int8', 'uint8'])
        for (const scheme of ['asym', 'sym'])
          for (const weights of ['per-channel', 'per-tensor'])
            out.push({ type, scheme, weights, method, format, label: `${format} ${type} ${scheme} ${weights} ${method}` });
  };
  add('qdq', quick ? ['minmax'] : ['minmax', 'percentile', 'entropy']);
  add('qoperator', ['minmax']);
  return out;
}

async function runOrt(model, x) {
  const s = await ort.InferenceSession.create(model, { intraOpNumThreads: 1, interOpNumThreads: 1, logSeverityLevel: 3 });
  try {
    const res = await s.run({ [s.inputNames[0]]: new ort.Tensor(x.type, x.data, x.dims) });
    return res[s.outputNames[0]];
  } finally {
    await s.release().catch(() => {});
  }
}

function accuracy(logits, y) {
  const n = logits.dims[0];
  const k = logits.data.length / n;
  let right = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (logits.data[i * k + j] > logits.data[i * k + best]) best = j;
    if (BigInt(best) === BigInt(y.data[i])) right++;
  }
  return (100 * right) / n;
}

function nnport(a, args) {
  return execFileSync(a.nnport, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

// The output's quantization step: the scale of its tensor in the report.
function outputStep(report, name) {
  const t = report.tensors.find((e) => e.name === name || e.name === `${name}_float`);
  if (!t) throw new Error(`report has no quantized tensor for output '${name}'`);
  return t.scale;
}

async function checkScheme(a, s, x, y, floatAcc, outName) {
  const base = path.join(a.work, s.label.replace(/ /g, '_'));
  const model = `${base}.onnx`;
  const reportFile = `${base}.json`;
  nnport(a, ['quantize', a.model, '-o', model, '--calib', a.calib, '--activation-type', s.type,
    '--scheme', s.scheme, `--${s.weights}`, '--calib-method', s.method, '--format', s.format, '--report', reportFile, '--quiet']);
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  const ortOut = await runOrt(model, x);
  const acc = accuracy(ortOut, y);
  const outDir = `${base}.run`;
  const step = outputStep(report, outName);
  let steps = 0;
  for (const qdq of ['integer', 'float']) {
    const dir = `${outDir}.${qdq}`;
    fs.rmSync(dir, { recursive: true, force: true });
    const run = JSON.parse(nnport(a, ['run', model, '--input', `${a.inputName}=${a.testX}`, '--qdq', qdq, '--json', '--output-dir', dir]));
    const mine = readNpy(run.outputs.find((o) => o.name === outName).file);
    for (let i = 0; i < ortOut.data.length; i++) steps = Math.max(steps, Math.abs(mine.data[i] - ortOut.data[i]) / step);
  }
  const layer = report.layers.find((l) => l.graph_output) || {};
  const why = [];
  if (floatAcc - acc > a.maxLoss) why.push(`loses ${(floatAcc - acc).toFixed(2)} points`);
  if (!(steps <= a.maxSteps + 1e-3)) why.push(`interpreter ${steps.toFixed(2)} steps from ORT`);
  return { acc, steps, sqnr: layer.sqnr_db, why };
}

async function main() {
  let a;
  try {
    a = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`quantize_vs_ort: ${e.message}`);
    process.exit(2);
  }
  ort.env.logLevel = 'error';
  fs.mkdirSync(a.work, { recursive: true });
  const x = readNpy(a.testX);
  const y = readNpy(a.testY);
  const probe = await ort.InferenceSession.create(a.model);
  a.inputName = probe.inputNames[0];
  const outName = probe.outputNames[0];
  await probe.release();
  const floatAcc = accuracy(await runOrt(a.model, x), y);
  console.log(`float model: ${floatAcc.toFixed(2)}% on ${x.dims[0]} held-out samples (ONNX Runtime)`);
  console.log('| format, activations, scheme, weights, method | ORT accuracy % | loss (points) | interpreter vs ORT (steps) | output SQNR dB |');
  console.log('|---|---|---|---|---|');
  const count = { pass: 0, fail: 0 };
  for (const s of schemes(a.quick)) {
    let r;
    try {
      r = await checkScheme(a, s, x, y, floatAcc, outName);
    } catch (e) {
      r = { acc: NaN, steps: NaN, sqnr: NaN, why: [String((e.stderr && e.stderr.trim()) || e.message).split('\n')[0]] };
    }
    const sq = typeof r.sqnr === 'number' ? r.sqnr.toFixed(1) : String(r.sqnr);
    console.log(`| ${s.label} | ${r.acc.toFixed(2)} | ${(floatAcc - r.acc).toFixed(2)} | ${r.steps.toFixed(2)} | ${sq} |` +
      (r.why.length ? `  FAIL: ${r.why.join('; ')}` : ''));
    if (r.why.length) count.fail++;
    else count.pass++;
  }
  console.log(`quantize vs ORT: ${count.pass} passed, ${count.fail} failed (of ${count.pass + count.fail})`);
  process.exit(count.fail ? 1 : 0);
}

main().catch((e) => {
  console.error(`quantize_vs_ort: internal error: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
