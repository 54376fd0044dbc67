#!/usr/bin/env bash
# ONNX backend test data (Debian's libonnx-testdata): every model goes
# ONNX -> IR -> ONNX, must pass the ONNX checker and equal its input; then
# ONNX Runtime runs each output on the test's inputs and must reproduce the
# reference outputs wherever it can run the original.
# usage: run_onnx_conformance.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
data=/usr/share/libonnx-testdata/data
out="$build/conformance/onnx"
rm -rf "$out" && mkdir -p "$out"

"$build/tests/nnport_onnx_roundtrip" "$out" "$out/manifest.json" \
  "$data"/node/* "$data"/pytorch-converted/* "$data"/pytorch-operator/* "$data"/simple/* \
  | tee "$out/roundtrip.log"

# Every round-trip failure must be a known one, listed with its reason.
unexpected=0
while read -r line; do
  name=$(echo "$line" | sed -E 's/^FAIL ([^:]+): ([a-z-]+):.*/\1 \2/')
  if ! grep -q "^$name " "$src/tests/conformance/known_roundtrip_failures.txt"; then
    echo "unexpected round-trip failure: $line"; unexpected=1
  fi
done < <(grep '^FAIL ' "$out/roundtrip.log" || true)

bash "$src/tests/peers/install.sh" >/dev/null
node "$src/tests/peers/ort_run.js" --manifest "$out/manifest.json" --json "$out/ort.json" \
  | tee "$out/ort.log"
grep -q '^ORT conformance: [0-9]* passed, 0 failed' "$out/ort.log" || unexpected=1
exit $unexpected
