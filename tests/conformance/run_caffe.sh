#!/usr/bin/env bash
# Caffe parser against OpenCV dnn's Caffe importer: hand-written prototxts
# covering every supported layer (tests/conformance/caffe/prototxt/) and a
# generated ResNet-like net get random caffemodels written with nnport's own
# schema (parsers/caffe/caffe_subset.proto, compiled here with protoc
# --python_out); nnport converts each to ONNX, and ONNX Runtime's outputs
# must match OpenCV's (numpy's for the layers OpenCV lacks, see
# make_caffe_models.py) within rtol 1e-4 plus 1e-5 x the output's largest
# magnitude. With opencv-doc installed (or OPENCV_DOC_DIR set), its public
# SqueezeNet and SqueezeDet deploy prototxts are converted verbatim too.
# usage: run_caffe.sh BUILD_DIR
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out="$build/conformance/caffe"
rm -rf "$out" && mkdir -p "$out/py"

/usr/bin/python3 -c 'import cv2, google.protobuf' || { echo "missing python3-opencv or python3-protobuf"; exit 1; }
command -v protoc >/dev/null || { echo "missing protoc (protobuf-compiler)"; exit 1; }
protoc --python_out="$out/py" -I "$src/parsers/caffe" "$src/parsers/caffe/caffe_subset.proto"
# Debian's opencv-doc ships two public deploy prototxts (SqueezeNet, SqueezeDet).
doc=${OPENCV_DOC_DIR:-/usr/share/doc/opencv-doc/examples/dnn_objdetect/data}
/usr/bin/python3 "$src/tests/conformance/caffe/make_caffe_models.py" "$out/models" --proto-py "$out/py" \
  --opencv-doc "$doc" > "$out/make_models.log" 2>&1 || { cat "$out/make_models.log"; exit 1; }

status=0
converted=0
while read -r name prototxt caffemodel onnx; do
  if "$build/nnport" convert -sf caffe -in "$prototxt" -iw "$caffemodel" "$onnx" > "$out/$name.convert.log" 2>&1; then
    converted=$((converted + 1))
  else
    echo "FAIL convert $name: $(tail -1 "$out/$name.convert.log")"
    status=1
  fi
done < "$out/models/models.txt"
echo "converted $converted of $(wc -l < "$out/models/models.txt") prototxt + caffemodel pairs"
grep -E "numpy reference|skipped" "$out/make_models.log" || true

exec bash "$src/tests/conformance/ort_compare.sh" "$out" "$status"
