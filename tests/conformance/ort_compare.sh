#!/usr/bin/env bash
# The closing step of the parser conformance scripts (run_darknet.sh,
# run_caffe.sh, run_tensorflow.sh): ONNX Runtime runs nnport's conversions
# listed in OUT/models/manifest.json against the reference outputs beside
# them, within rtol 1e-4 plus 1e-5 x the output's largest magnitude
# (log: OUT/ort.log). PRIOR_STATUS is the caller's status so far (failed
# conversions); the exit status is 0 only when it was 0 and every entry
# passed, and then the generated files over 1 MB are deleted (weights and
# models are large; they are kept for a failure to be looked at).
# usage: ort_compare.sh OUT PRIOR_STATUS
set -euo pipefail
out=$1 status=$2
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
bash "$src/tests/peers/install.sh" >/dev/null
node "$src/tests/peers/ort_run.js" --manifest "$out/models/manifest.json" --rtol 1e-4 --atol 0 \
  --atol-scale 1e-5 --verbose | tee "$out/ort.log"
total=$(node -e 'console.log(require(process.argv[1]).length)' "$out/models/manifest.json")
grep -q "^ORT conformance: $total passed, 0 failed, 0 skipped" "$out/ort.log" || status=1
if ((status == 0)); then find "$out/models" -type f -size +1M -delete; fi
exit "$status"
