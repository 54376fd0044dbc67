#!/usr/bin/env bash
# Real architectures: torchvision models exported by Debian's python3-torch
# (random weights, fixed seed) at opsets 13 and 17 go ONNX -> IR -> ONNX
# losslessly, and ONNX Runtime gives bit-identical outputs for original and
# converted models. The interpreter must match torch (rtol 1e-3) and, with
# both --kernels reference and --kernels fast, ONNX Runtime (rtol 1e-4).
# Then `nnport inspect` must report the published parameter and MAC counts
# of ResNet-18/50.
# usage: run_torchvision.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
models="$build/models/torchvision"
out="$build/conformance/torchvision"
rm -rf "$out" && mkdir -p "$out" "$models"

/usr/bin/python3 "$src/tests/models/export_torchvision.py" "$models" --opsets 13,17
/usr/bin/python3 "$src/tests/models/export_torchvision.py" "$models" --opsets 13 \
  --models resnet18,resnet50 --preserve-bn

"$build/tests/nnport_onnx_roundtrip" "$out" "$out/manifest.json" "$models"/*/ | tee "$out/roundtrip.log"
status=0
grep -q ', 0 failed' "$out/roundtrip.log" || status=1

bash "$src/tests/peers/install.sh" >/dev/null
echo "original vs converted, bit-identical:"
node "$src/tests/peers/ort_run.js" --manifest "$out/manifest.json" --expect-identical-to-reference \
  --rtol 0 --atol 0 | tee "$out/ort_identical.log"
grep -q '^ORT conformance: [0-9]* passed, 0 failed, 0 skipped' "$out/ort_identical.log" || status=1
echo "converted vs torch's own outputs:"
node "$src/tests/peers/ort_run.js" --manifest "$out/manifest.json" --rtol 1e-3 --atol 1e-5 \
  | tee "$out/ort_torch.log"
grep -q '^ORT conformance: [0-9]* passed, 0 failed, 0 skipped' "$out/ort_torch.log" || status=1

echo "external data (--external-data), bit-identical:"
mkdir -p "$out/external"
"$build/nnport" convert "$models/resnet18_op17/model.onnx" "$out/external/model.onnx" --external-data
test -s "$out/external/model.onnx.data" || status=1
printf '[{"name":"resnet18_op17_external","model":"%s","data":"%s","reference_model":"%s"}]' \
  "$out/external/model.onnx" "$models/resnet18_op17" "$models/resnet18_op17/model.onnx" \
  > "$out/external/manifest.json"
node "$src/tests/peers/ort_run.js" --manifest "$out/external/manifest.json" \
  --expect-identical-to-reference --rtol 0 --atol 0 | tee "$out/ort_external.log"
grep -q '^ORT conformance: 1 passed, 0 failed' "$out/ort_external.log" || status=1

echo "reference interpreter vs torch's own outputs:"
"$build/tests/nnport_exec_backend_tests" --kernels reference "$models" | tee "$out/interpreter.log" || status=1

# Within 1e-4 relative of ONNX Runtime, with both kernel sets; the criterion
# (elementwise, atol scaled to the output's max) is in exec_vs_ort.js.
echo "interpreter (reference and fast kernels) vs ONNX Runtime:"
node "$src/tests/conformance/exec_vs_ort.js" --nnport "$build/nnport" --work "$out/exec_vs_ort" \
  --kernels reference,fast --rtol 1e-4 --atol-scale 1e-5 "$models"/*/ | tee "$out/exec_vs_ort.log" || status=1
grep -q '^interpreter vs ORT: [0-9]* passed, 0 failed' "$out/exec_vs_ort.log" || status=1

# Published figures: ResNet-18 11.69 M params / ~1.8 GMACs, ResNet-50 25.56 M / ~4.1 GMACs.
echo "nnport optimize -O2 on the BatchNorm-preserved exports: no BatchNormalization left, ORT outputs within 1e-4:"
mkdir -p "$out/optimized"
printf '[' > "$out/optimized/manifest.json"
sep=""
for m in resnet18_op13_bn resnet50_op13_bn; do
  "$build/nnport" optimize "$models/$m/model.onnx" -o "$out/optimized/$m.onnx" -O2 --verify-each > /dev/null || status=1
  "$build/nnport" inspect "$out/optimized/$m.onnx" --json > "$out/optimized/$m.inspect.json" || status=1
  node -e 'const j = require(process.argv[1]); const bn = j.ops.BatchNormalization || 0;
    console.log(`${process.argv[1]}: ${j.nodes} nodes, ${bn} BatchNormalization`); process.exit(bn ? 1 : 0);' \
    "$out/optimized/$m.inspect.json" || status=1
  printf '%s{"name":"%s_O2","model":"%s","data":"%s","reference_model":"%s"}' "$sep" "$m" \
    "$out/optimized/$m.onnx" "$models/$m" "$models/$m/model.onnx" >> "$out/optimized/manifest.json"
  sep=","
done
printf ']' >> "$out/optimized/manifest.json"
node "$src/tests/peers/ort_run.js" --manifest "$out/optimized/manifest.json" --expect-identical-to-reference \
  --rtol 1e-4 --atol 0 --atol-scale 1e-5 | tee "$out/ort_optimized.log"
grep -q '^ORT conformance: 2 passed, 0 failed, 0 skipped' "$out/ort_optimized.log" || status=1

check_inspect() {  # model expected_params min_macs max_macs
  "$build/nnport" inspect "$models/$1/model.onnx" --json > "$out/$1.inspect.json"
  node -e '
    const j = require(process.argv[1]);
    const [p, lo, hi] = process.argv.slice(2).map(Number);
    const ok = j.params.count === p && j.macs.total >= lo && j.macs.total <= hi;
    console.log(`${process.argv[1]}: params ${j.params.count} (want ${p}), MACs ${j.macs.total} ` +
                `(want ${lo}..${hi}): ${ok ? "ok" : "WRONG"}`);
    process.exit(ok ? 0 : 1);' "$out/$1.inspect.json" "$2" "$3" "$4" || status=1
}
check_inspect resnet18_op13_bn 11689512 1750000000 1850000000
check_inspect resnet50_op13_bn 25557032 4050000000 4150000000
exit $status
