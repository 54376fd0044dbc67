#!/usr/bin/env bash
# Idempotently install the node peers (onnxruntime-node, onnx-proto, protobufjs)
# into tests/peers/node_modules. Only the npm registry needs to be reachable:
# ONNXRUNTIME_NODE_INSTALL=skip stops onnxruntime-node's postinstall from
# downloading CUDA bits from NuGet; the CPU runtime ships inside the package.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
if [[ -d node_modules/onnxruntime-node && -d node_modules/onnx-proto && -d node_modules/protobufjs ]]; then
  echo "peers: node_modules already present in $here"
  exit 0
fi
command -v npm >/dev/null || { echo "peers: npm not found" >&2; exit 1; }
echo "peers: installing node peers into $here/node_modules"
ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund
node -e "require('onnxruntime-node'); require('onnx-proto'); console.log('peers: onnxruntime-node', require('onnxruntime-node/package.json').version)"
