#!/usr/bin/env node
'use strict';
// Table of benchmarks/bench_vs_ort.sh: reads a list file whose lines are
//   MODEL THREADS NNPORT_JSON ORT_JSON
// (outputs of `nnport bench --json` and ort_bench.js --json; a missing or
// empty file marks a failed run). Lines repeating a MODEL THREADS pair are
// rounds: each side's p50 is the median of its rounds' p50s and its peak
// RSS the largest. Prints a fixed-width table, and with
// --out FILE also writes it: FILE ending in .json gets the rows and the raw
// results, anything else a markdown table.
//
//   node bench_table.js LIST [--out FILE]
const fs = require('fs');

function readResult(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    return null;
  }
}

function median(v) {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

// One row per MODEL THREADS over its rounds; null when any round failed.
function rowOf(model, threads, rounds) {
  const n = rounds.map((r) => readResult(r[0]));
  const o = rounds.map((r) => readResult(r[1]));
  const ok = (v) => v.every((x) => x);
  const ratio = (a, b) => (a != null && b ? a / b : null);
  const row = {
    model, threads: Number(threads), rounds: rounds.length,
    nnport_p50_ms: ok(n) ? median(n.map((x) => x.latency_ms.p50)) : null,
    ort_p50_ms: ok(o) ? median(o.map((x) => x.latency_ms.p50)) : null,
    nnport_peak_mib: ok(n) ? Math.max(...n.map((x) => x.peak_rss_mb)) : null,
    ort_peak_mib: ok(o) ? Math.max(...o.map((x) => x.peak_rss_mb)) : null,
  };
  row.latency_ratio = ratio(row.nnport_p50_ms, row.ort_p50_ms);
  row.memory_ratio = ratio(row.nnport_peak_mib, row.ort_peak_mib);
  return { row, raw: { nnport: n, ort: o } };
}

function rowsOf(lines) {
  const groups = new Map();
  for (const line of lines) {
    const [model, threads, nnportFile, ortFile] = line.trim().split(/\s+/);
    const key = `${model} ${threads}`;
    if (!groups.has(key)) groups.set(key, { model, threads, rounds: [] });
    groups.get(key).rounds.push([nnportFile, ortFile]);
  }
  return [...groups.values()].map((g) => rowOf(g.model, g.threads, g.rounds));
}

const COLUMNS = [
  ['model', 'model', (v) => v],
  ['threads', 'threads', String],
  ['nnport p50 ms', 'nnport_p50_ms', (v) => v.toFixed(2)],
  ['ORT p50 ms', 'ort_p50_ms', (v) => v.toFixed(2)],
  ['latency x', 'latency_ratio', (v) => v.toFixed(2)],
  ['nnport peak MiB', 'nnport_peak_mib', (v) => v.toFixed(1)],
  ['ORT peak MiB', 'ort_peak_mib', (v) => v.toFixed(1)],
  ['memory x', 'memory_ratio', (v) => v.toFixed(2)],
];

const cells = (row) => COLUMNS.map(([, key, f]) => (row[key] == null ? 'error' : f(row[key])));

function plainTable(rows) {
  const all = [COLUMNS.map(([h]) => h), ...rows.map(cells)];
  const width = COLUMNS.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(width[i]) : c.padStart(width[i]))).join('  ')).join('\n');
}

function markdownTable(rows) {
  const head = `| ${COLUMNS.map(([h]) => h).join(' | ')} |`;
  const rule = `|${COLUMNS.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`;
  return [head, rule, ...rows.map((r) => `| ${cells(r).join(' | ')} |`)].join('\n');
}

function main() {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? args[outAt + 1] : null;
  const list = args.find((a, i) => i !== outAt && i !== outAt + 1);
  if (!list || (outAt >= 0 && !out)) {
    console.error('usage: node bench_table.js LIST [--out FILE]');
    process.exit(2);
  }
  const lines = fs.readFileSync(list, 'utf8').split('\n').filter((l) => l.trim());
  const results = rowsOf(lines);
  const rows = results.map((r) => r.row);
  console.log(plainTable(rows));
  console.log('latency x = nnport p50 / ORT p50; memory x = nnport peak RSS / ORT peak RSS (each its own process)');
  if (out) {
    const note = 'p50 of per-run latency in ms; peak RSS in MiB (ru_maxrss / 1024) of each process; ratios nnport / ORT';
    if (out.endsWith('.json')) fs.writeFileSync(out, JSON.stringify({ note, rows, results: results.map((r) => r.raw) }, null, 1) + '\n');
    else fs.writeFileSync(out, `${markdownTable(rows)}\n\n${note}.\n`);
  }
  process.exit(rows.every((r) => r.latency_ratio != null) ? 0 : 1);
}

main();
