#!/usr/bin/env bash
# Seed corpora for the fuzz harnesses.
#   make_corpus.sh CORPUS_DIR [NNPORT_BINARY [CONFORMANCE_DIR]]
# Writes CORPUS_DIR/onnx/ (small ONNX backend node-test models plus a few
# PyTorch-exported ones with initializers; fuzz_onnx_reader and
# fuzz_run_model), CORPUS_DIR/npy/ (the node tests' inputs as .npy) and
# CORPUS_DIR/ir/ (IR pairs made with `nnport toir`, framed as fuzz_ir_reader
# reads them: 4-byte little-endian JSON length, the JSON, then the .bin),
# CORPUS_DIR/darknet/, caffe/ and tensorflow/ (the conformance cfgs and
# prototxts with empty weights, framed the same way, plus the models a
# conformance run generated in CONFORMANCE_DIR when given) and
# CORPUS_DIR/nnir/ (the golden pass tests, tests/passes/*.nnir).
set -euo pipefail

corpus=${1:?usage: make_corpus.sh CORPUS_DIR [NNPORT_BINARY [CONFORMANCE_DIR]]}
nnport=${2:-}
conformance=${3:-}
nodes=/usr/share/libonnx-testdata/data/node
# Ops, attributes, subgraphs, sequences, optionals, strings and quantization.
tests=(
  test_add test_relu test_conv_with_strides_padding test_maxpool_2d_pads
  test_batchnorm_example test_gemm_default_matrix_bias test_matmul_2d
  test_reshape_reordered_all_dims test_transpose_default test_concat_1d_axis_0
  test_slice test_gather_0 test_if test_loop11 test_scan9_sum
  test_cast_FLOAT_to_STRING test_constant test_constant_pad test_quantizelinear
  test_dequantizelinear test_lstm_defaults test_resize_upsample_scales_linear
  test_softmax_axis_1 test_reduce_mean_default_axes_keepdims_example
  test_split_equal_parts_1d test_sequence_insert_at_back test_optional_has_element
  test_castlike_FLOAT_to_FLOAT16 test_strnormalizer_nostopwords_nochangecase
  test_einsum_batch_diagonal test_top_k test_nonzero_example test_qlinearconv
)

# Frames two files as one input (IR pairs, cfg + weights, prototxt + caffemodel).
frame() {
  local json=$1 bin=$2 out=$3 n
  n=$(stat -c %s "$json")
  printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $((n & 255)) $((n >> 8 & 255)) \
    $((n >> 16 & 255)) $((n >> 24 & 255)))" >"$out"
  cat "$json" "$bin" >>"$out"
}

mkdir -p "$corpus/onnx" "$corpus/ir" "$corpus/npy" "$corpus/nnir" "$corpus/darknet" "$corpus/caffe" \
  "$corpus/tensorflow" "$corpus/calib_cache"
copied=0
for t in "${tests[@]}"; do
  if [[ -f $nodes/$t/model.onnx ]]; then
    cp "$nodes/$t/model.onnx" "$corpus/onnx/$t.onnx"
    copied=$((copied + 1))
  fi
done
# Models with initializers (raw_data), which the node tests mostly lack.
data=$(dirname "$nodes")
for t in pytorch-converted/test_BatchNorm2d_eval pytorch-converted/test_PReLU_2d \
  pytorch-operator/test_operator_params; do
  if [[ -f $data/$t/model.onnx ]]; then
    cp "$data/$t/model.onnx" "$corpus/onnx/$(basename "$t").onnx"
    copied=$((copied + 1))
  fi
done
echo "onnx seeds: $copied from $data"
# The hostile corpus's seeds: small graphs of many ops with static shapes.
if /usr/bin/python3 "$(dirname "$0")/../hostile/onnx_seeds.py" "$corpus/onnx"; then
  echo "onnx seeds: $(ls "$corpus/onnx" | grep -c '^seed_') from tests/hostile/onnx_seeds.py"
fi

# Calibration cache seeds: entries as `--calib-cache` writes them.
cat > "$corpus/calib_cache/two_tensors.json" <<'JSON'
{"nnport_calibration":1,"samples":2,"tensors":{"x":{"ema_max":1.5,"ema_min":-1.0,"histogram":{"counts":[3,0,5,1],"first":-2,"width":0.5},"max":1.5,"min":-1.0,"non_finite":0,"samples":2,"values":9,"zeros":2},"y":{"ema_max":0.0,"ema_min":0.0,"max":0.0,"min":0.0,"non_finite":0,"samples":0,"values":0,"zeros":0}}}
JSON
echo "calib_cache seeds: 1"

# .npy seeds: a few dtypes, ranks and header versions.
/usr/bin/python3 - "$corpus/npy" <<'PY'
import io, sys
import numpy as np
out = sys.argv[1]
arrays = {"f32_2x3": np.arange(6, dtype=np.float32).reshape(2, 3), "i64_scalar": np.array(7),
          "u8_4": np.arange(4, dtype=np.uint8), "b1_2x2": np.array([[True, False], [False, True]]),
          "f16_1x1x2": np.ones((1, 1, 2), np.float16), "f64_empty": np.zeros((0, 3))}
for name, a in arrays.items():
    np.save(f"{out}/{name}.npy", a)
buf = io.BytesIO()
np.lib.format.write_array(buf, np.arange(3, dtype=np.int32), version=(2, 0))
open(f"{out}/i32_v2.npy", "wb").write(buf.getvalue())
PY
echo "npy seeds: $(ls "$corpus/npy" | wc -l)"

# Framework seeds: text files with empty weights, then generated models.
here=$(cd "$(dirname "$0")/../.." && pwd)
for cfg in "$here"/tests/conformance/darknet/cfg/*.cfg; do
  frame "$cfg" /dev/null "$corpus/darknet/$(basename "$cfg" .cfg).bin"
done
if [[ -n $conformance && -f $conformance/darknet/models/models.txt ]]; then
  while read -r name cfg weights _; do
    [[ $name == *_v010 || $name == *_logits ]] && continue
    [[ -f $weights && $(stat -c %s "$weights") -lt 65536 ]] && frame "$cfg" "$weights" "$corpus/darknet/$name.pair"
  done <"$conformance/darknet/models/models.txt"
fi
echo "darknet seeds: $(ls "$corpus/darknet" | wc -l)"
for prototxt in "$here"/tests/conformance/caffe/prototxt/*.prototxt; do
  frame "$prototxt" /dev/null "$corpus/caffe/$(basename "$prototxt" .prototxt).bin"
done
if [[ -n $conformance && -f $conformance/caffe/models/models.txt ]]; then
  while read -r name prototxt caffemodel _; do
    [[ -f $caffemodel && $(stat -c %s "$caffemodel") -lt 262144 ]] &&
      frame "$prototxt" "$caffemodel" "$corpus/caffe/$name.pair"
  done <"$conformance/caffe/models/models.txt"
fi
echo "caffe seeds: $(ls "$corpus/caffe" | wc -l)"
if [[ -n $conformance && -f $conformance/tensorflow/models/models.txt ]]; then
  while read -r name pb _; do
    [[ -f $pb && $(stat -c %s "$pb") -lt 262144 ]] && cp "$pb" "$corpus/tensorflow/$name.pb"
  done <"$conformance/tensorflow/models/models.txt"
fi
echo "tensorflow seeds: $(ls "$corpus/tensorflow" | wc -l)"
# Text IR seeds: the golden pass tests.
cp "$here"/tests/passes/*.nnir "$corpus/nnir/"
echo "nnir seeds: $(ls "$corpus/nnir" | wc -l)"

if [[ -z $nnport ]]; then
  echo "no nnport binary given: skipping the IR seeds" >&2
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
made=0
for t in test_add test_conv_with_strides_padding test_if test_constant test_quantizelinear \
  test_cast_FLOAT_to_STRING test_lstm_defaults test_loop11 test_BatchNorm2d_eval \
  test_operator_params; do
  [[ -f $corpus/onnx/$t.onnx ]] || continue
  if "$nnport" toir -sf onnx -iw "$corpus/onnx/$t.onnx" -o "$work/$t" >/dev/null 2>&1; then
    frame "$work/$t.json" "$work/$t.bin" "$corpus/ir/$t.irpair"
    made=$((made + 1))
  fi
done
echo "ir seeds: $made"
