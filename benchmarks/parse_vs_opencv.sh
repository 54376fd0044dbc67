#!/usr/bin/env bash
# How fast each parser reads a ResNet-50-sized model, beside OpenCV dnn's
# load time for the same file. A benchmark, not a test. See benchmarks/README.md.
#
# usage: parse_vs_opencv.sh BUILD_DIR [--rounds 3]
#
# Models (written to a temporary directory, ~100 MB each, random weights):
#   caffe      make_caffe_models.py --resnet50 (BatchNorm + Scale after every conv)
#   tensorflow make_tf_models.py --resnet50 (NHWC frozen graph, FusedBatchNorm)
#   darknet    Debian's resnet50.cfg, weights from libdarknet (darknet_oracle)
#   onnx       the torchvision ResNet-50 export of run_torchvision.sh without its
#              Identity nodes (`--passes eliminate-identity,dce`): OpenCV 4.6
#              cannot read an Identity of an initializer, which torch 1.13 emits
# nnport: wall time of `nnport inspect` (read, shape inference, summary) and
# of `nnport convert` to ONNX (read, write, ONNX checker); OpenCV: the
# readNetFrom* call alone, timed inside Python. Medians of the rounds.
set -euo pipefail
[[ $# -ge 1 && -d $1 ]] || { sed -n 's/^# \{0,1\}//; 5p' "${BASH_SOURCE[0]}" >&2; exit 2; }
build=$(cd "$1" && pwd)
shift
rounds=3
while [[ $# -gt 0 ]]; do
  [[ $# -ge 2 && $1 == --rounds ]] || { echo "parse_vs_opencv: unknown option $1" >&2; exit 2; }
  rounds=$2
  shift 2
done
src=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
py=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

make_models() {
  protoc --python_out="$work" -I "$src/parsers/caffe" "$src/parsers/caffe/caffe_subset.proto"
  protoc --python_out="$work" -I "$src/parsers/tensorflow" "$src/parsers/tensorflow/tf_graph_subset.proto"
  $py "$src/tests/conformance/caffe/make_caffe_models.py" --resnet50 "$work/caffe" --proto-py "$work" >/dev/null
  $py "$src/tests/conformance/tensorflow/make_tf_models.py" "$work/tf" --resnet50 --proto-py "$work" >/dev/null
  gcc -O2 -std=c99 -o "$work/darknet_oracle" "$src/tests/conformance/darknet/darknet_oracle.c" \
    -I/usr/lib/darknet/include -L/usr/lib/darknet -ldarknet -Wl,-rpath,/usr/lib/darknet -lm
  mkdir -p "$work/darknet/out"
  sed -e 's/^batch=.*/batch=1/' -e 's/^subdivisions=.*/subdivisions=1/' \
    /usr/share/darknet/cfg/resnet50.cfg > "$work/darknet/resnet50.cfg"
  head -c $((3 * 256 * 256 * 4)) /dev/zero > "$work/darknet/input.bin"
  "$work/darknet_oracle" "$work/darknet/resnet50.cfg" "$work/darknet/resnet50.weights" \
    "$work/darknet/input.bin" "$work/darknet/out" 1 >/dev/null 2>&1
  rm -rf "$work/darknet/out"
}

torch_model="$build/models/torchvision/resnet50_op13/model.onnx"
[[ -f $torch_model ]] || { echo "parse_vs_opencv: $torch_model missing: run tests/conformance/run_torchvision.sh $build first" >&2; exit 2; }
make_models
onnx_model=$work/resnet50.onnx
"$build/nnport" optimize "$torch_model" -o "$onnx_model" --passes eliminate-identity,dce >/dev/null

# format | `nnport inspect` arguments | `nnport convert` source arguments | OpenCV loader call
C=$work/caffe/resnet50 T=$work/tf/resnet50.pb D=$work/darknet/resnet50
cases=(
  "caffe|$C.prototxt -f caffe -w $C.caffemodel|-sf caffe -in $C.prototxt -iw $C.caffemodel|cv2.dnn.readNetFromCaffe('$C.prototxt', '$C.caffemodel')"
  "tensorflow|$T -f tensorflow|-sf tensorflow -iw $T|cv2.dnn.readNetFromTensorflow('$T')"
  "darknet|$D.cfg -f darknet -w $D.weights|-sf darknet -in $D.cfg -iw $D.weights|cv2.dnn.readNetFromDarknet('$D.cfg', '$D.weights')"
  "onnx|$onnx_model|-iw $onnx_model|cv2.dnn.readNetFromONNX('$onnx_model')"
)

ms_of() {  # runs "$@" once, prints its wall time in ms
  local start=$(date +%s%N)
  "$@" >/dev/null
  echo $(( ($(date +%s%N) - start) / 1000000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

printf '%-11s %5s %14s %15s %10s %8s\n' format MB "nnport read ms" "nnport conv ms" "OpenCV ms" "read x"
for c in "${cases[@]}"; do
  IFS='|' read -r fmt inspect_args convert_args loader <<< "$c"
  read -r -a ins <<< "$inspect_args"
  read -r -a conv <<< "$convert_args"
  mb=$(printf '%s\n' "${conv[@]}" | grep '^/' | xargs du -cm | tail -1 | cut -f1)
  # One untimed run of each checks that it works and warms the page cache.
  "$build/nnport" inspect "${ins[@]}" >/dev/null || { echo "parse_vs_opencv: nnport inspect fails on $fmt" >&2; exit 1; }
  $py -c "import cv2; $loader" || { echo "parse_vs_opencv: OpenCV cannot load the $fmt model" >&2; exit 1; }
  rd=() cv=() ocv=()
  for _ in $(seq 1 "$rounds"); do
    rd+=($(ms_of "$build/nnport" inspect "${ins[@]}"))
    cv+=($(ms_of "$build/nnport" convert "${conv[@]}" "$work/out.onnx"))
    ocv+=($($py -c "import cv2, time; t = time.perf_counter(); $loader; print(round((time.perf_counter() - t) * 1000))" 2>/dev/null))
  done
  a=$(printf '%s\n' "${rd[@]}" | median) b=$(printf '%s\n' "${cv[@]}" | median) o=$(printf '%s\n' "${ocv[@]}" | median)
  printf '%-11s %5s %14s %15s %10s %8.2f\n' "$fmt" "$mb" "$a" "$b" "$o" "$(echo "$a / $o" | bc -l)"
done
echo "read x: nnport inspect wall time / OpenCV load time; medians of $rounds rounds"
