'use strict';
// TensorProto <-> plain tensor helpers for the ONNX Runtime peer runner.
// A "plain tensor" is { name, type, dims, data } where type is an
// onnxruntime tensor type string ('float32', 'int64', 'float16', ...),
// dims is a Number[] and data is the typed array ORT uses for that type
// (BigInt64Array for int64, Uint16Array holding raw bits for float16,
// Uint8Array for bool, string[] for string).
const fs = require('fs');
const { onnx } = require('onnx-proto');

const TensorProto = onnx.TensorProto;
const DT = TensorProto.DataType;

// ONNX data_type -> [ort type string, typed array constructor, typed field]
const TYPES = {
  [DT.FLOAT]: ['float32', Float32Array, 'floatData'],
  [DT.UINT8]: ['uint8', Uint8Array, 'int32Data'],
  [DT.INT8]: ['int8', Int8Array, 'int32Data'],
  [DT.UINT16]: ['uint16', Uint16Array, 'int32Data'],
  [DT.INT16]: ['int16', Int16Array, 'int32Data'],
  [DT.INT32]: ['int32', Int32Array, 'int32Data'],
  [DT.INT64]: ['int64', BigInt64Array, 'int64Data'],
  [DT.STRING]: ['string', null, 'stringData'],
  [DT.BOOL]: ['bool', Uint8Array, 'int32Data'],
  [DT.FLOAT16]: ['float16', Uint16Array, 'int32Data'],
  [DT.DOUBLE]: ['float64', Float64Array, 'doubleData'],
  [DT.UINT32]: ['uint32', Uint32Array, 'uint64Data'],
  [DT.UINT64]: ['uint64', BigUint64Array, 'uint64Data'],
};
const ORT_TO_ONNX = {};
for (const [k, v] of Object.entries(TYPES)) ORT_TO_ONNX[v[0]] = Number(k);

const dtypeName = (dt) =>
  Object.keys(DT).find((k) => DT[k] === dt) || `data_type ${dt}`;

// protobufjs gives 64-bit fields as Long objects (or numbers without long.js).
const toNumber = (v) => (typeof v === 'number' ? v : v.toNumber());
const toBigInt = (v, unsigned) => {
  if (typeof v === 'number') return BigInt(v);
  if (typeof v === 'bigint') return v;
  const hi = BigInt(v.high >>> 0) << 32n;
  const x = hi | BigInt(v.low >>> 0);
  return unsigned ? x : BigInt.asIntN(64, x);
};

const numel = (dims) => dims.reduce((a, b) => a * b, 1);

function decodeTensor(buf) {
  const t = TensorProto.decode(buf);
  const dims = (t.dims || []).map(toNumber);
  const info = TYPES[t.dataType];
  const notTensor = ' (not a TensorProto? sequence/optional data is not supported)';
  if (!info) throw new Error(`unsupported tensor type ${dtypeName(t.dataType)} (${t.name || 'unnamed'})${t.dataType ? '' : notTensor}`);
  if (t.dataLocation === TensorProto.DataLocation.EXTERNAL)
    throw new Error(`external tensor data not supported (${t.name})`);
  const [type, Ctor, field] = info;
  const n = numel(dims);
  let data;
  if (type === 'string') {
    data = (t.stringData || []).map((b) => Buffer.from(b).toString('utf8'));
  } else if (t.rawData && t.rawData.length > 0) {
    const bytes = Uint8Array.prototype.slice.call(t.rawData); // aligned copy
    if (bytes.byteLength % Ctor.BYTES_PER_ELEMENT)
      throw new Error(`raw_data length ${bytes.byteLength} not a multiple of ${Ctor.BYTES_PER_ELEMENT}`);
    data = new Ctor(bytes.buffer, 0, bytes.byteLength / Ctor.BYTES_PER_ELEMENT);
    if (type === 'bool') data = data.map((x) => (x ? 1 : 0));
  } else {
    const src = t[field] || [];
    if (Ctor === BigInt64Array || Ctor === BigUint64Array) {
      data = Ctor.from(src, (v) => toBigInt(v, Ctor === BigUint64Array));
    } else if (field === 'uint64Data') {
      data = Ctor.from(src, (v) => Number(toBigInt(v, true)));
    } else if (type === 'bool') {
      data = Ctor.from(src, (v) => (v ? 1 : 0));
    } else {
      data = Ctor.from(src);
    }
  }
  if (data.length !== n)
    throw new Error(`tensor ${t.name || 'unnamed'}: ${data.length} elements for dims [${dims}]${notTensor}`);
  return { name: t.name || '', type, dims, data, dataType: t.dataType };
}

const readTensor = (file) => decodeTensor(fs.readFileSync(file));

// Encode a plain tensor ({name, type, dims, data}) to TensorProto bytes.
// Numeric data goes to raw_data (little-endian host assumed), strings to string_data.
function encodeTensor({ name = '', type, dims, data }) {
  const dataType = ORT_TO_ONNX[type];
  if (dataType === undefined) throw new Error(`cannot encode tensor type ${type}`);
  const msg = { name, dataType, dims: dims.map(Number) };
  if (type === 'string') {
    msg.stringData = Array.from(data, (s) => Buffer.from(String(s), 'utf8'));
  } else {
    const Ctor = TYPES[dataType][1];
    const arr = data instanceof Ctor ? data : Ctor.from(data, type === 'bool' ? (v) => (v ? 1 : 0) : undefined);
    msg.rawData = Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength);
  }
  return Buffer.from(TensorProto.encode(TensorProto.fromObject(msg)).finish());
}

const writeTensor = (file, tensor) => fs.writeFileSync(file, encodeTensor(tensor));

// IEEE half bits -> Number.
function halfToFloat(h) {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

module.exports = {
  DT, TYPES, ORT_TO_ONNX, dtypeName, numel, halfToFloat,
  decodeTensor, readTensor, encodeTensor, writeTensor,
};
