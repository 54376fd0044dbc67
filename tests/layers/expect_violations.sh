#!/usr/bin/env bash
# The layer check must fail on the fixture tree and name each bad include:
#   expect_violations.sh CMAKE CHECK_SCRIPT FIXTURE_ROOT
set -uo pipefail
cmake=$1 script=$2 root=$3
out=$("$cmake" -DROOT="$root" -P "$script" 2>&1)
if [[ $? -eq 0 ]]; then
  echo "FAIL: the layer check passed a tree with backward includes"; exit 1
fi
status=0
for want in \
    'ir/graph_with_lib.h includes "lib/pipeline.h" (ir may not depend on lib)' \
    'parsers/caffe/reads_darknet.cpp includes "parsers/darknet/cfg_reader.h" (parsers may not depend on parsers)' \
    'parsers/caffe/reads_darknet.cpp includes "passes/pass_manager.h" (parsers may not depend on passes)' \
    'runtime/uses_ir.c includes "ir/tensor.h" (runtime may not depend on ir)' \
    '4 include(s) against the layers'; do
  if ! grep -qF -- "$want" <<<"$out"; then
    echo "FAIL: missing: $want"; status=1
  fi
done
[[ $status -eq 0 ]] && echo "ok: the layer check refused all four backward includes"
[[ $status -ne 0 ]] && echo "$out"
exit $status
