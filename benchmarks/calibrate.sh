#!/usr/bin/env bash
# Calibration cost: `nnport quantize` calibrating ResNet-18 (torchvision
# export, random weights) on N random inputs against N plain interpreter
# runs of the float model (`nnport bench`, mean latency × N), and the peak
# RSS of calibration on 16 and on N inputs (streamed statistics: it should
# not grow). Also a re-run served by --calib-cache. A benchmark, not a
# test. See benchmarks/README.md.
#
# usage: calibrate.sh BUILD_DIR [--count 256] [--method minmax]
set -euo pipefail
[[ $# -ge 1 && -d $1 ]] || { sed -n 's/^# \{0,1\}//; 9p' "${BASH_SOURCE[0]}" >&2; exit 2; }
build=$(cd "$1" && pwd)
shift
count=256 method=minmax
while [[ $# -gt 0 ]]; do
  [[ $# -ge 2 ]] || { echo "calibrate: $1 needs a value" >&2; exit 2; }
  case $1 in
    --count) count=$2 ;;
    --method) method=$2 ;;
    *) echo "calibrate: unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
model="$build/models/torchvision/resnet18_op13/model.onnx"
[[ -f $model ]] || { echo "calibrate: $model missing: run tests/conformance/run_torchvision.sh $build first" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

/usr/bin/python3 - "$work/calib" "$count" <<'PY'
import os, sys
import numpy as np
out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(out)
rng = np.random.default_rng(0)
for i in range(n):
    np.save(os.path.join(out, f"{i:04d}.npy"), rng.standard_normal((1, 3, 224, 224), dtype=np.float32))
PY

json_field() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{let v=JSON.parse(s);for(const k of process.argv[1].split("."))v=v[k];console.log(v)})' "$1"; }
# quantize N [extra options]: prints "<calibration ms> <peak RSS MiB>"
quantize() {
  local n=$1
  shift
  /usr/bin/time -f '%M' -o "$work/rss" "$build/nnport" quantize "$model" -o "$work/q.onnx" \
    --calib "$work/calib" --calib-count "$n" --calib-method "$method" --compare-samples 0 \
    --report "$work/report.json" --quiet "$@" >/dev/null
  echo "$(json_field calibration_ms < "$work/report.json") $(( $(cat "$work/rss") / 1024 ))"
}

read -r cal_ms rss_n <<< "$(quantize "$count")"
read -r _ rss_16 <<< "$(quantize 16)"
plain_mean=$("$build/nnport" bench "$model" --warmup 2 --iters "$count" --json | json_field latency_ms.mean)
read -r _ _ <<< "$(quantize "$count" --calib-cache "$work/cache")"
read -r hit_ms _ <<< "$(quantize "$count" --calib-cache "$work/cache" --scheme sym)"
plain_ms=$(echo "$plain_mean * $count" | bc -l)

printf 'ResNet-18, %s inputs [1,3,224,224], --calib-method %s, 1 thread\n' "$count" "$method"
printf '  calibration            %10.0f ms\n' "$cal_ms"
printf '  %s plain runs (bench) %10.0f ms   (mean %.2f ms)\n' "$count" "$plain_ms" "$plain_mean"
printf '  ratio calibration / plain runs   %.2f   (target <= 1.3)\n' "$(echo "$cal_ms / $plain_ms" | bc -l)"
printf '  peak RSS, 16 inputs    %10s MiB\n' "$rss_16"
printf '  peak RSS, %s inputs   %10s MiB\n' "$count" "$rss_n"
printf '  ratio RSS %s / 16      %.3f   (target within 1.10)\n' "$count" "$(echo "$rss_n / $rss_16" | bc -l)"
printf '  re-run from --calib-cache (--scheme sym): %.0f ms for the calibration step\n' "$hit_ms"
