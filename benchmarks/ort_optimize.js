#!/usr/bin/env node
'use strict';
// ONNX Runtime's own graph optimizer on a model, for benchmarks/opt_vs_ort.sh:
// creates a session with the given graphOptimizationLevel and
// optimizedModelFilePath, and prints one JSON object with the wall time of
// InferenceSession.create (the file read included) in ms.
//
//   node ort_optimize.js MODEL OUT.onnx [--level basic]
const path = require('path');
const ort = require(path.join(__dirname, '..', 'tests', 'peers', 'node_modules', 'onnxruntime-node'));

async function main() {
  const [model, out] = process.argv.slice(2, 4);
  const at = process.argv.indexOf('--level');
  const level = at > 0 ? process.argv[at + 1] : 'basic';
  if (!model || !out || !level) {
    console.error('usage: node ort_optimize.js MODEL OUT.onnx [--level basic]');
    process.exit(2);
  }
  const start = process.hrtime.bigint();
  await ort.InferenceSession.create(model, { graphOptimizationLevel: level, optimizedModelFilePath: out });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(JSON.stringify({ model, level, create_ms: ms }));
}

main().catch((e) => {
  console.error(`ort_optimize: ${e.message}`);
  process.exit(1);
});
