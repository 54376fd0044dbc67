#!/usr/bin/env bash
# Opt-in (needs ~7 GB of disk and ~6 GB of memory): a model whose weights pass
# protobuf's 2 GB limit is read from external data, converted, written with
# external data automatically (no flag), and run by ONNX Runtime.
# usage: run_large_model.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work="$build/conformance/large"
rm -rf "$work" && mkdir -p "$work/in" "$work/out"
/usr/bin/python3 "$src/tests/models/make_large_model.py" "$work/in"
/usr/bin/time -f "convert: %e s, peak RSS %M KB" \
  "$build/nnport" convert "$work/in/model.onnx" "$work/out/model.onnx"
ls -l "$work/out"
test -s "$work/out/model.onnx.data"
bash "$src/tests/peers/install.sh" >/dev/null
printf '[{"name":"large","model":"%s","data":"%s","reference_model":"%s"}]' \
  "$work/out/model.onnx" "$work/in" "$work/in/model.onnx" > "$work/manifest.json"
node "$src/tests/peers/ort_run.js" --manifest "$work/manifest.json" | tee "$work/ort.log"
grep -q '^ORT conformance: 1 passed, 0 failed' "$work/ort.log"
rm -rf "$work"
