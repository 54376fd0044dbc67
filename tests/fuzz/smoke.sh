#!/usr/bin/env bash
# Runs every fuzz harness for a while on its seed corpus; fails if one finds
# a crash (or leak, timeout, out-of-memory).
#   smoke.sh BUILD_DIR SECONDS
# BUILD_DIR is a tree configured with -DNNPORT_FUZZ=ON. Crash inputs are kept
# in BUILD_DIR/fuzz-artifacts/, the grown corpora in BUILD_DIR/fuzz-corpus/.
set -uo pipefail

build=${1:?usage: smoke.sh BUILD_DIR SECONDS}
seconds=${2:?usage: smoke.sh BUILD_DIR SECONDS}
here=$(cd "$(dirname "$0")" && pwd)
corpus=$build/fuzz-corpus
artifacts=$build/fuzz-artifacts
mkdir -p "$artifacts"

nnport=
for candidate in "$build/nnport" "$here/../../build/nnport"; do
  if [[ -x $candidate ]]; then nnport=$candidate; break; fi
done
conformance=
for candidate in "$build/conformance" "$here/../../build/conformance"; do
  if [[ -d $candidate ]]; then conformance=$candidate; break; fi
done
"$here/make_corpus.sh" "$corpus" "$nnport" "$conformance" || exit 1

status=0
run() {
  local harness=$1 seeds=$2
  shift 2
  local bin=$build/tests/fuzz/$harness
  if [[ ! -x $bin ]]; then
    echo "FAIL $harness: $bin is not built" >&2
    status=1
    return
  fi
  mkdir -p "$corpus/$harness-grown"
  echo "== $harness: ${seconds}s on $seeds"
  "$bin" "$corpus/$harness-grown" "$seeds" -max_total_time="$seconds" -rss_limit_mb=2048 \
    -timeout=25 -print_final_stats=1 -artifact_prefix="$artifacts/$harness-" "$@" \
    >"$build/$harness.log" 2>&1
  local rc=$?
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$build/$harness.log"
  grep -E 'cov: [0-9]+' "$build/$harness.log" | tail -1
  if [[ $rc -ne 0 ]]; then
    echo "FAIL $harness (exit $rc): see $build/$harness.log" >&2
    grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' "$build/$harness.log" >&2
    status=1
  fi
}
run fuzz_onnx_reader "$corpus/onnx"
run fuzz_run_model "$corpus/onnx"
run fuzz_ir_reader "$corpus/ir" -dict="$here/ir.dict"
run fuzz_npy "$corpus/npy"
run fuzz_calib_cache "$corpus/calib_cache" -max_len=65536
run fuzz_nnir "$corpus/nnir" -max_len=65536
run fuzz_darknet "$corpus/darknet" -max_len=65536
run fuzz_caffe "$corpus/caffe" -max_len=65536
run fuzz_tensorflow "$corpus/tensorflow" -max_len=65536
exit $status
