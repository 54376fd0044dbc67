#!/usr/bin/env bash
# Installs, on Debian 12 as root, the packages nnport needs and that are
# missing. `--build` is enough to build and run; `--test` adds what the test
# suite uses (torch for the exported models, clang for the sanitizer and
# fuzzing build, clang-format for the style check, node peers from npm).
# Nothing else is downloaded.
set -euo pipefail
mode=${1:---build}
build_pkgs=(build-essential cmake libonnx-dev libprotobuf-dev protobuf-compiler libcli11-dev
            nlohmann-json3-dev libfmt-dev catch2 libdnnl-dev)
test_pkgs=(libonnx-testdata python3-onnx python3-numpy python3-torch python3-torchvision python3-sklearn
           clang clang-format libclang-rt-14-dev nodejs npm darknet python3-opencv python3-protobuf
           opencv-doc)
pkgs=("${build_pkgs[@]}")
[[ $mode == --test ]] && pkgs+=("${test_pkgs[@]}")

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm may come from outside Debian (already on PATH): then skip them.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<< "${missing[*]}"
if ((${#missing[@]})); then
  echo "install: apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
if [[ $mode == --test ]]; then
  bash "$(dirname "${BASH_SOURCE[0]}")/../tests/peers/install.sh"
fi
