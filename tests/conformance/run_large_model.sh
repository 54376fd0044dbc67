#!/usr/bin/env bash
# Opt-in (needs ~10 GB of disk and ~6 GB of memory): a model whose weights
# pass protobuf's 2 GB limit is read from external data, converted, written
# with external data automatically (no flag), and run by ONNX Runtime. Then
# it is quantized (its Concat gets Q/DQ; the float tables stay, so the
# output is over 2 GB too) and ONNX Runtime runs the quantized model within
# one quantization step of the float one: outputs lie in [0, 2511], int8
# asymmetric steps of 9.85, and each value is rounded twice, on its Gather
# output's grid and on the Concat's (up to half a step each).
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

mkdir -p "$work/calib" "$work/q"
# Calibrated on the test input itself (it picks the first and last rows).
/usr/bin/python3 -c 'import numpy as np, onnx, onnx.numpy_helper as h, sys
t = onnx.TensorProto(); t.ParseFromString(open(sys.argv[1], "rb").read())
np.save(sys.argv[2], h.to_array(t))' "$work/in/test_data_set_0/input_0.pb" "$work/calib/000.npy"
/usr/bin/time -f "quantize: %e s, peak RSS %M KB" \
  "$build/nnport" quantize "$work/in/model.onnx" -o "$work/q/model.onnx" --calib "$work/calib" \
  --report "$work/q/report.json" --quiet
ls -l "$work/q"
test -s "$work/q/model.onnx.data"
printf '[{"name":"large_int8","model":"%s","data":"%s","reference_model":"%s"}]' \
  "$work/q/model.onnx" "$work/in" "$work/in/model.onnx" > "$work/q/manifest.json"
node "$src/tests/peers/ort_run.js" --manifest "$work/q/manifest.json" \
  --expect-identical-to-reference --rtol 0 --atol 9.9 | tee "$work/q/ort.log"
grep -q '^ORT conformance: 1 passed, 0 failed' "$work/q/ort.log"
rm -rf "$work"
