#!/usr/bin/env bash
# Darknet parser against the real Darknet: hand-written cfgs covering every
# supported layer and Debian's YOLO/Darknet cfgs at small input sizes get
# random weights (tests/conformance/darknet/make_darknet_models.py); nnport
# converts each cfg + weights to ONNX, and ONNX Runtime's outputs must match
# libdarknet's (Debian's `darknet` package) and OpenCV dnn's Darknet importer
# (for the models it can read; it is the only oracle for mish, swish and
# route groups) within rtol 1e-4 plus 1e-5 x the output's largest magnitude.
# usage: run_darknet.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out="$build/conformance/darknet"
rm -rf "$out" && mkdir -p "$out"

for need in /usr/lib/darknet/libdarknet.so /usr/lib/darknet/include/darknet.h /usr/share/darknet/cfg; do
  [[ -e $need ]] || { echo "missing $need: apt-get install darknet (tools/install_deps.sh --test)"; exit 1; }
done
/usr/bin/python3 -c 'import cv2' || { echo "missing OpenCV: apt-get install python3-opencv"; exit 1; }

gcc -O2 -std=c99 -Wall -o "$out/darknet_oracle" "$src/tests/conformance/darknet/darknet_oracle.c" \
  -I/usr/lib/darknet/include -L/usr/lib/darknet -ldarknet -Wl,-rpath,/usr/lib/darknet -lm
/usr/bin/python3 "$src/tests/conformance/darknet/make_darknet_models.py" "$out/models" \
  --oracle "$out/darknet_oracle" 2> "$out/make_models.log"

status=0
converted=0
while read -r name cfg weights onnx options; do
  # shellcheck disable=SC2086 # options: extra nnport arguments, split on blanks
  if "$build/nnport" convert -sf darknet -in "$cfg" -iw "$weights" "$onnx" $options > "$out/$name.convert.log" 2>&1; then
    converted=$((converted + 1))
  else
    echo "FAIL convert $name: $(tail -1 "$out/$name.convert.log")"
    status=1
  fi
done < "$out/models/models.txt"
echo "converted $converted of $(wc -l < "$out/models/models.txt") cfg + weights pairs"

exec bash "$src/tests/conformance/ort_compare.sh" "$out" "$status"
