'use strict';
// Reading .npy files (what `nnport run --output-dir` writes and what the
// calibration and test sets are stored as) for the node peers' scripts.
const fs = require('fs');
const tp = require('./tensor_proto');

// .npy (versions 1-3, little-endian, C order) -> { type, dims, data }.
const NPY_TYPES = { '<f4': ['float32', Float32Array], '<f8': ['float64', Float64Array], '<i8': ['int64', BigInt64Array],
  '<i4': ['int32', Int32Array], '|i1': ['int8', Int8Array], '|u1': ['uint8', Uint8Array], '|b1': ['bool', Uint8Array] };

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file}: not a .npy file`);
  const wide = buf[6] >= 2;
  const headerLen = wide ? buf.readUInt32LE(8) : buf.readUInt16LE(8);
  const start = (wide ? 12 : 10) + headerLen;
  const header = buf.toString('latin1', wide ? 12 : 10, start);
  const descr = (header.match(/'descr':\s*'([^']+)'/) || [])[1];
  const shape = (header.match(/'shape':\s*\(([^)]*)\)/) || [])[1];
  if (!NPY_TYPES[descr] || shape === undefined || /'fortran_order':\s*True/.test(header))
    throw new Error(`${file}: unsupported .npy header ${header.trim()}`);
  const [type, Ctor] = NPY_TYPES[descr];
  const dims = shape.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const bytes = Uint8Array.prototype.slice.call(buf, start); // aligned copy
  return { type, dims, data: new Ctor(bytes.buffer, 0, tp.numel(dims)) };
}

module.exports = { readNpy };
