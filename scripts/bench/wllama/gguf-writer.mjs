// A minimal GGUF v3 writer (the layout ggml's gguf.cpp reads): header, typed metadata, tensor infos,
// then each tensor's data at an offset aligned to `general.alignment` (32 unless set).
// Tensor data is produced one tensor at a time, so a model never has to sit in memory whole.
import { closeSync, openSync, writeSync } from 'node:fs';
import { Q4_0_BLOCK_BYTES, QK4_0 } from './quant.mjs';

/** gguf_type: the metadata value types. */
export const GGUF = Object.freeze({
  UINT8: 0,
  INT8: 1,
  UINT16: 2,
  INT16: 3,
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
  UINT64: 10,
  INT64: 11,
  FLOAT64: 12,
});

/** The ggml_type ids of the tensor encodings written here. */
export const GGML = Object.freeze({ F32: 0, F16: 1, Q4_0: 2 });

/**
 * A metadata value of a scalar GGUF type or STRING.
 * @typedef {number | bigint | boolean | string} GgufScalar
 */
/**
 * A metadata entry: [key, type, value], or for type GGUF.ARRAY [key, GGUF.ARRAY, items, item type].
 * @typedef {[key: string, type: number, value: GgufScalar]
 *   | [key: string, type: number, value: GgufScalar[], arrayType: number]} GgufMetadata
 */
/**
 * @typedef {object} GgufTensor
 * @property {string} name
 * @property {number[]} ne dims, innermost first
 * @property {number} type a GGML type
 * @property {() => Uint8Array} data returns exactly tensorBytes(ne, type) bytes
 */

const DEFAULT_ALIGNMENT = 32;
const utf8 = new TextEncoder();

/**
 * Bytes of a tensor with dims `ne` (innermost first) in ggml type `type`.
 * @param {number[]} ne
 * @param {number} type
 */
export function tensorBytes(ne, type) {
  const n = ne.reduce((a, b) => a * b, 1);
  if (type === GGML.F32) return n * 4;
  if (type === GGML.F16) return n * 2;
  if (type === GGML.Q4_0) {
    if (ne[0] % QK4_0 !== 0) throw new Error(`Q4_0 rows must be a multiple of ${QK4_0}`);
    return (n / QK4_0) * Q4_0_BLOCK_BYTES;
  }
  throw new Error(`unsupported ggml type ${type}`);
}

class ByteSink {
  constructor() {
    this.buf = new Uint8Array(1 << 16);
    this.view = new DataView(this.buf.buffer);
    this.length = 0;
  }
  /** @param {number} n */
  reserve(n) {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  /**
   * @param {number} type a scalar GGUF type
   * @param {number | bigint | boolean} value
   */
  scalar(type, value) {
    /** @type {Record<number, number>} */
    const sizes = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
    const size = sizes[type];
    if (size === undefined) throw new Error(`not a scalar gguf type: ${type}`);
    this.reserve(size);
    const v = this.view;
    const o = this.length;
    // ToNumber, as the DataView setters would apply it; only the 64-bit types take a BigInt.
    const n = Number(value);
    if (type === GGUF.UINT8) v.setUint8(o, n);
    else if (type === GGUF.INT8) v.setInt8(o, n);
    else if (type === GGUF.UINT16) v.setUint16(o, n, true);
    else if (type === GGUF.INT16) v.setInt16(o, n, true);
    else if (type === GGUF.UINT32) v.setUint32(o, n, true);
    else if (type === GGUF.INT32) v.setInt32(o, n, true);
    else if (type === GGUF.FLOAT32) v.setFloat32(o, n, true);
    else if (type === GGUF.BOOL) v.setUint8(o, value ? 1 : 0);
    else if (type === GGUF.UINT64) v.setBigUint64(o, BigInt(value), true);
    else if (type === GGUF.INT64) v.setBigInt64(o, BigInt(value), true);
    else v.setFloat64(o, n, true);
    this.length += size;
  }
  /** @param {string} s */
  string(s) {
    const bytes = utf8.encode(s);
    this.scalar(GGUF.UINT64, bytes.length);
    this.reserve(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
  }
  /**
   * @param {number} type
   * @param {GgufScalar} value
   */
  value(type, value) {
    if (type === GGUF.STRING) this.string(String(value));
    else if (typeof value === 'string')
      throw new Error(`gguf type ${type} needs a number: ${value}`);
    else this.scalar(type, value);
  }
  /** @param {number} alignment */
  pad(alignment) {
    const n = (alignment - (this.length % alignment)) % alignment;
    this.reserve(n);
    this.buf.fill(0, this.length, this.length + n);
    this.length += n;
  }
  bytes() {
    return this.buf.subarray(0, this.length);
  }
}

/**
 * @param {number} n
 * @param {number} a
 */
const alignUp = (n, a) => Math.ceil(n / a) * a;

/**
 * Writes a GGUF v3 file.
 * @param {string} outFile
 * @param {{ metadata: GgufMetadata[], tensors: GgufTensor[] }} model  `type` GGUF.ARRAY takes
 *   `arrayType` and an array value; `ne` lists dims innermost first (ne[0] = a matmul weight's
 *   input features); `data()` returns exactly tensorBytes(ne, type).
 * @returns {{ bytes: number, alignment: number }} the file's size
 */
export function writeGguf(outFile, { metadata, tensors }) {
  const alignEntry = metadata.find(([key]) => key === 'general.alignment');
  const alignment = alignEntry ? Number(alignEntry[2]) : DEFAULT_ALIGNMENT;
  const head = new ByteSink();
  head.reserve(4);
  head.buf.set(utf8.encode('GGUF'), 0);
  head.length = 4;
  head.scalar(GGUF.UINT32, 3);
  head.scalar(GGUF.UINT64, tensors.length);
  head.scalar(GGUF.UINT64, metadata.length);
  for (const [key, type, value, arrayType] of metadata) {
    head.string(key);
    head.scalar(GGUF.UINT32, type);
    if (type !== GGUF.ARRAY) {
      if (Array.isArray(value)) throw new Error(`${key}: an array value needs type GGUF.ARRAY`);
      head.value(type, value);
      continue;
    }
    if (arrayType === undefined || arrayType === GGUF.ARRAY || !Array.isArray(value))
      throw new Error(`${key}: arrayType`);
    head.scalar(GGUF.UINT32, arrayType);
    head.scalar(GGUF.UINT64, value.length);
    for (const item of value) head.value(arrayType, item);
  }
  let offset = 0;
  /** @type {number[]} */
  const sizes = [];
  for (const t of tensors) {
    head.string(t.name);
    head.scalar(GGUF.UINT32, t.ne.length);
    for (const d of t.ne) head.scalar(GGUF.UINT64, d);
    head.scalar(GGUF.UINT32, t.type);
    head.scalar(GGUF.UINT64, offset);
    const size = tensorBytes(t.ne, t.type);
    sizes.push(size);
    offset += alignUp(size, alignment);
  }
  head.pad(alignment);

  const fd = openSync(outFile, 'w');
  try {
    writeSync(fd, head.bytes());
    const zeros = new Uint8Array(alignment);
    tensors.forEach((t, i) => {
      const bytes = t.data();
      if (bytes.byteLength !== sizes[i]) {
        throw new Error(`${t.name}: ${bytes.byteLength} bytes, expected ${sizes[i]}`);
      }
      writeSync(fd, bytes);
      const pad = alignUp(sizes[i], alignment) - sizes[i];
      if (pad) writeSync(fd, zeros, 0, pad);
    });
  } finally {
    closeSync(fd);
  }
  return { bytes: head.length + offset, alignment };
}
