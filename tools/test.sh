#!/usr/bin/env bash
# README command 2 (and .ci/run): install everything, check the sources'
# format (clang-format, tools/check_format.sh), build, run every test: unit
# tests, peer conformance, the layer check and the hostile corpus under ctest
# (Release build), then the unit tests and the hostile corpus again under
# AddressSanitizer + UBSan with clang, plus a short libFuzzer smoke run of
# every reader and of the model pipeline (docs/hardening.md).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
jobs=$(nproc)
bash tools/install_deps.sh --test

echo "== clang-format check"
bash tools/check_format.sh

echo "== Release build + ctest (unit tests and conformance)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DNNPORT_TESTS=ON >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j1)

echo "== clang ASan+UBSan build: unit tests, hostile corpus and fuzz smoke"
CC=clang CXX=clang++ cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNNPORT_SANITIZE=ON -DNNPORT_FUZZ=ON -DNNPORT_TESTS=ON >/dev/null
cmake --build build-asan -j"$jobs"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -j1 -LE conformance)
if [[ -x tests/fuzz/smoke.sh ]]; then
  bash tests/fuzz/smoke.sh build-asan "${NNPORT_FUZZ_SECONDS:-30}"
fi
echo "== all tests passed"
