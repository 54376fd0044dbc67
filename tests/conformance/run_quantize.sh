#!/usr/bin/env bash
# INT8 quantization on real data: a small CNN trained on scikit-learn's
# digits (tests/models/train_digits.py) is quantized by `nnport quantize`
# under every scheme of the matrix; ONNX Runtime runs each QDQ model on the
# held-out split (at most 0.5 points of accuracy lost against the float
# model) and nnport's interpreter must agree with ONNX Runtime within one
# quantization step on every output (tests/conformance/quantize_vs_ort.js).
# Then torchvision exports (random weights) under every --target preset:
# output SQNR and cosine, and excluding the worst layer must raise the SQNR
# (tests/conformance/quantize_torchvision.py).
# usage: run_quantize.sh BUILD_DIR [--quick]
set -euo pipefail
build=$(cd "$1" && pwd)
shift
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
data="$build/models/digits"
out="$build/conformance/quantize"
rm -rf "$out" && mkdir -p "$out" "$data"

/usr/bin/python3 "$src/tests/models/train_digits.py" "$data"
bash "$src/tests/peers/install.sh" >/dev/null
node "$src/tests/conformance/quantize_vs_ort.js" --nnport "$build/nnport" --work "$out" \
  --model "$data/digits_cnn.onnx" --calib "$data/calib" --test-x "$data/test_x.npy" \
  --test-y "$data/test_y.npy" --max-loss 0.5 --max-steps 1 "$@" | tee "$out/quantize_vs_ort.log"
status=${PIPESTATUS[0]}

/usr/bin/python3 "$src/tests/models/export_torchvision.py" "$build/models/torchvision" --opsets 13 \
  --models resnet18,mobilenet_v2 >/dev/null
/usr/bin/python3 "$src/tests/conformance/quantize_torchvision.py" "$build/nnport" \
  "$build/models/torchvision" "$out/torchvision" | tee "$out/torchvision.log"
[[ ${PIPESTATUS[0]} -eq 0 ]] || status=1
exit "$status"
