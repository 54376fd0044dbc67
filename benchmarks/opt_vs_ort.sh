#!/usr/bin/env bash
# nnport's optimizer against ONNX Runtime's basic-level graph optimizer on
# the torchvision exports with BatchNorm preserved (and the folded ones):
# nodes left and wall time. A benchmark, not a test. See benchmarks/README.md.
#
# usage: opt_vs_ort.sh BUILD_DIR [--level O2] [--rounds 3]
set -euo pipefail
[[ $# -ge 1 && -d $1 ]] || { sed -n 's/^# \{0,1\}//; 6p' "${BASH_SOURCE[0]}" >&2; exit 2; }
build=$(cd "$1" && pwd)
shift
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/.." && pwd)
level=O2 rounds=3
while [[ $# -gt 0 ]]; do
  [[ $# -ge 2 ]] || { echo "opt_vs_ort: $1 needs a value" >&2; exit 2; }
  case $1 in
    --level) level=$2 ;;
    --rounds) rounds=$2 ;;
    *) echo "opt_vs_ort: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
tv="$build/models/torchvision"
models=(resnet18_op13_bn resnet50_op13_bn resnet18_op13 mobilenet_v2_op13 efficientnet_b0_op13)
for m in "${models[@]}"; do
  [[ -f $tv/$m/model.onnx ]] || { echo "opt_vs_ort: $tv/$m missing: run tests/conformance/run_torchvision.sh $build first" >&2; exit 2; }
done
bash "$src/tests/peers/install.sh" >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

nodes() { "$build/nnport" inspect "$1" --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).nodes))'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

printf '%-22s %8s %10s %10s %14s %12s %8s\n' model "nodes in" "nnport -$level" "ORT basic" "nnport ms" "ORT ms" "time x"
for m in "${models[@]}"; do
  in="$tv/$m/model.onnx"
  nn_ms=() ort_ms=()
  for _ in $(seq 1 "$rounds"); do
    start=$(date +%s%N)
    "$build/nnport" optimize "$in" -o "$work/nnport.onnx" "-$level" >/dev/null
    nn_ms+=($(( ($(date +%s%N) - start) / 1000000 )))
    ort_ms+=($(node "$here/ort_optimize.js" "$in" "$work/ort.onnx" --level basic | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(Math.round(JSON.parse(s).create_ms)))'))
  done
  a=$(printf '%s\n' "${nn_ms[@]}" | median) b=$(printf '%s\n' "${ort_ms[@]}" | median)
  printf '%-22s %8s %10s %10s %14s %12s %8.2f\n' "$m" "$(nodes "$in")" "$(nodes "$work/nnport.onnx")" \
    "$(nodes "$work/ort.onnx")" "$a" "$b" "$(echo "$a / $b" | bc -l)"
done
echo "nnport ms: wall time of the whole \`nnport optimize\` process (read, passes, write, ONNX checker);"
echo "ORT ms: InferenceSession.create with graphOptimizationLevel 'basic' and optimizedModelFilePath; medians of $rounds rounds"
