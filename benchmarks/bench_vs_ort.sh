#!/usr/bin/env bash
# nnport's interpreter against ONNX Runtime (onnxruntime-node) on torchvision
# architectures: p50 latency and peak RSS, each side in its own process.
# A benchmark, not a test: it prints figures and gates nothing (exit 1 only
# when a run fails). See benchmarks/README.md.
#
# usage: bench_vs_ort.sh BUILD_DIR [--iters N=50] [--warmup N=5] [--threads "1 2"]
#                        [--models "resnet18 resnet50 mobilenet_v2 efficientnet_b0"]
#                        [--kernels fast|reference] [--rounds R=1] [--out FILE.md|FILE.json]
set -euo pipefail

usage() {
  sed -n "s/^# \{0,1\}//; 7,9p" "${BASH_SOURCE[0]}" >&2
  exit 2
}

[[ $# -ge 1 && -d $1 ]] || usage
build=$(cd "$1" && pwd)
shift
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "$here/.." && pwd)
iters=50 warmup=5 threads="1 2" kernels=fast out="" rounds=1
models="resnet18 resnet50 mobilenet_v2 efficientnet_b0"
while [[ $# -gt 0 ]]; do
  [[ $# -ge 2 ]] || usage
  case $1 in
    --iters) iters=$2 ;;
    --warmup) warmup=$2 ;;
    --threads) threads=$2 ;;
    --models) models=$2 ;;
    --kernels) kernels=$2 ;;
    --out) out=$2 ;;
    --rounds) rounds=$2 ;;
    *) usage ;;
  esac
  shift 2
done
[[ $iters =~ ^[1-9][0-9]*$ && $warmup =~ ^[0-9]+$ && $rounds =~ ^[1-9][0-9]*$ ]] || usage
for t in $threads; do [[ $t =~ ^[1-9][0-9]*$ ]] || usage; done
[[ -x $build/nnport ]] || { echo "bench_vs_ort: $build/nnport not built" >&2; exit 2; }

# The models: torchvision exports at opset 13 (random weights, seed 0), made
# by the conformance exporter when missing.
tv="$build/models/torchvision"
missing=()
for m in $models; do [[ -f $tv/${m}_op13/model.onnx ]] || missing+=("$m"); done
if [[ ${#missing[@]} -gt 0 ]]; then
  mkdir -p "$tv"
  /usr/bin/python3 "$src/tests/models/export_torchvision.py" "$tv" --opsets 13 \
    --models "$(IFS=,; echo "${missing[*]}")"
fi
bash "$src/tests/peers/install.sh" >/dev/null

res="$build/benchmarks/vs_ort"
rm -rf "$res" && mkdir -p "$res"
run_nnport() {  # model_dir threads out_json
  "$build/nnport" bench "$1/model.onnx" --input "$1/test_data_set_0/input_0.pb" --threads "$2" \
    --warmup "$warmup" --iters "$iters" --kernels "$kernels" --json > "$3" || { rm -f "$3"; return 1; }
}
run_ort() {  # model_dir threads out_json
  node "$here/ort_bench.js" "$1/model.onnx" --input "$1/test_data_set_0/input_0.pb" --threads "$2" \
    --warmup "$warmup" --iters "$iters" --json > "$3" || { rm -f "$3"; return 1; }
}

# Alternate the two sides, and which goes first, so slow drifts in machine
# load fall on both.
status=0
pair=0
for r in $(seq 1 "$rounds"); do
  for m in $models; do
    for t in $threads; do
      dir="$tv/${m}_op13" n="$res/${m}_t${t}_r${r}.nnport.json" o="$res/${m}_t${t}_r${r}.ort.json"
      echo "bench: round $r/$rounds, $m, $t thread(s), $warmup warm-up + $iters timed runs each" >&2
      if (( pair % 2 == 0 )); then
        run_nnport "$dir" "$t" "$n" || status=1
        run_ort "$dir" "$t" "$o" || status=1
      else
        run_ort "$dir" "$t" "$o" || status=1
        run_nnport "$dir" "$t" "$n" || status=1
      fi
      echo "$m $t $n $o" >> "$res/list.txt"
      pair=$((pair + 1))
    done
  done
done

echo
echo "nnport ($kernels kernels) vs $(node -p "'onnxruntime-node ' + require('$src/tests/peers/node_modules/onnxruntime-node/package.json').version"), $(nproc) cores, $iters timed runs after $warmup warm-up, median of $rounds round(s):"
node "$here/bench_table.js" "$res/list.txt" ${out:+--out "$out"} || status=1
echo "raw results: $res"
exit $status
