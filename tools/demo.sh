#!/usr/bin/env bash
# README command 1: install what is missing, build, and run the main job on
# the bundled sample: convert samples/tiny_cnn.onnx and show what was done.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash tools/install_deps.sh --build
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DNNPORT_TESTS=OFF >/dev/null
cmake --build build -j"$(nproc)"
out=$(mktemp -d)
echo "== nnport convert samples/tiny_cnn.onnx $out/tiny_cnn.onnx --inputShape input:1,3,32,32"
build/nnport convert samples/tiny_cnn.onnx "$out/tiny_cnn.onnx" --inputShape input:1,3,32,32
echo "== nnport inspect $out/tiny_cnn.onnx"
build/nnport inspect "$out/tiny_cnn.onnx"
echo "== nnport toir / fromir (the on-disk IR pair)"
build/nnport toir -sf onnx -iw samples/tiny_cnn.onnx -o "$out/tiny_cnn_ir"
build/nnport fromir -in "$out/tiny_cnn_ir.json" -iw "$out/tiny_cnn_ir.bin" -df onnx -om "$out/back.onnx"
echo "== nnport optimize (-O2), then run, compare and bench the result"
build/nnport optimize samples/tiny_cnn.onnx -o "$out/tiny_opt.onnx"
build/nnport run "$out/tiny_opt.onnx" --random-inputs 0 --output-dir "$out/run"
build/nnport compare samples/tiny_cnn.onnx "$out/tiny_opt.onnx" --random-inputs 0
build/nnport bench "$out/tiny_opt.onnx" --iters 20
ls -l "$out"
