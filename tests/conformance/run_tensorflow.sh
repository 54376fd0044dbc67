#!/usr/bin/env bash
# TensorFlow parser against independent references: frozen GraphDefs with
# random weights covering every supported op, SAME/VALID geometry and
# StridedSlice masks, plus a small MobileNet-like and a ResNet-like network
# (tests/conformance/tensorflow/make_tf_models.py, built with Python classes
# generated from nnport's own tf_graph_subset.proto; TensorFlow itself is not
# needed). References: a NumPy implementation of TF's NHWC semantics
# (tf_reference.py, every model) and OpenCV dnn's TensorFlow importer (the
# models it reads and agrees on). nnport converts each .pb to ONNX and ONNX
# Runtime's outputs must match within rtol 1e-4 plus 1e-5 x the output's
# largest magnitude.
# usage: run_tensorflow.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out="$build/conformance/tensorflow"
rm -rf "$out" && mkdir -p "$out/proto_py"

command -v protoc >/dev/null || { echo "missing protoc: apt-get install protobuf-compiler"; exit 1; }
/usr/bin/python3 -c 'import google.protobuf, onnx, numpy' || { echo "missing python3-protobuf/onnx/numpy"; exit 1; }
protoc --python_out="$out/proto_py" -I "$src/parsers/tensorflow" "$src/parsers/tensorflow/tf_graph_subset.proto"
/usr/bin/python3 "$src/tests/conformance/tensorflow/make_tf_models.py" "$out/models" \
  --proto-py "$out/proto_py" | tee "$out/make_models.log"

status=0
converted=0
while read -r name pb onnx options; do
  # shellcheck disable=SC2086 # options: extra nnport arguments, split on blanks
  if "$build/nnport" convert -sf tensorflow -iw "$pb" "$onnx" $options > "$out/$name.convert.log" 2>&1; then
    converted=$((converted + 1))
  else
    echo "FAIL convert $name: $(tail -1 "$out/$name.convert.log")"
    status=1
  fi
done < "$out/models/models.txt"
# The layout passes must leave Transposes only at the graph's edges: one at
# the input of each network, one at a 4-D output (resnet_like keeps dims).
for want in mobilenet_like:1 resnet_like:2 conv:2; do
  name=${want%%:*}
  n=$("$build/nnport" inspect --json "$out/models/$name/model.onnx" |
      /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["ops"].get("Transpose", 0))')
  if [[ $n != "${want##*:}" ]]; then echo "FAIL $name: $n Transposes, expected ${want##*:}"; status=1; fi
done
echo "converted $converted of $(wc -l < "$out/models/models.txt") frozen graphs"

exec bash "$src/tests/conformance/ort_compare.sh" "$out" "$status"
