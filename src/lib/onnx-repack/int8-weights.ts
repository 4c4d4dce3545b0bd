// Weight requantization for ONNX Runtime's int8 kernels: a [K, N] signed-int8 matrix with one
// float scale per output column (symmetric, zero point 0), the layout DynamicQuantizeMatMul takes.

export interface Int8Columns {
  /**
   * Row-major [N, K], one output column per row: the graph transposes it once at session start
   * (ONNX Runtime folds the constant Transpose natively, much faster than doing it here).
   */
  q: Int8Array;
  /** One scale per output column: w[k, n] ≈ q[n, k] * scales[n]. */
  scales: Float32Array;
}

/** The 4-bit weights of a com.microsoft MatMulNBits node, as stored in the ONNX file. */
export interface NBitsWeights {
  K: number;
  N: number;
  blockSize: number;
  /** [N, blocks, blockSize / 2]: two 4-bit codes per byte, low nibble first. */
  packed: Uint8Array;
  /** [N * blocks]. */
  scales: Float32Array;
  /** [N, ceil(blocks / 2)] packed 4-bit zero points (low nibble first); 8 when absent. */
  zeroPoints?: Uint8Array;
  /** Where to write the N * K int8 values (e.g. straight into the new data file). */
  target?: Int8Array;
}

/**
 * Weights use 7 bits (±63), as ONNX Runtime's own quantizer does with reduce_range: x86 AVX2
 * multiplies uint8 activations by int8 weights with pmaddubsw, whose int16 pair sums saturate
 * at full range (2 × 255 × 127 > 32767), and WebAssembly's relaxed-SIMD int8 dot product defines
 * its result only for 7-bit operands. Seven bits are still 8× finer than the 4-bit source.
 */
export const INT8_WEIGHT_MAX = 63;

const roundInt = (v: number) => (v < 0 ? (v - 0.5) | 0 : (v + 0.5) | 0);

/** |code - zero| for both nibbles of a byte, for every zero point: [zero * 256 + byte]. */
const NIBBLE_MAX = (() => {
  const t = new Uint8Array(16 * 256);
  for (let zero = 0; zero < 16; zero++)
    for (let byte = 0; byte < 256; byte++)
      t[zero * 256 + byte] = Math.max(Math.abs((byte & 15) - zero), Math.abs((byte >> 4) - zero));
  return t;
})();

/**
 * Dequantizes each 4-bit block and requantizes per output column. The column scale comes from the
 * column's largest dequantized weight, so every 4-bit value keeps at least 4 bits of precision.
 * Works per block through a 16-entry table, so the cost is two lookups per stored byte.
 */
export function nbitsToInt8({
  K,
  N,
  blockSize,
  packed,
  scales,
  zeroPoints,
  target,
}: NBitsWeights): Int8Columns {
  const blocks = Math.ceil(K / blockSize);
  const blobBytes = blockSize / 2;
  const zpRowBytes = Math.ceil(blocks / 2);
  if (packed.length !== N * blocks * blobBytes)
    throw new Error(
      `MatMulNBits weights have ${packed.length} bytes, expected ${N * blocks * blobBytes}`,
    );
  if (scales.length !== N * blocks)
    throw new Error(`MatMulNBits scales have ${scales.length} values, expected ${N * blocks}`);
  const q = target ?? new Int8Array(N * K);
  const columnScales = new Float32Array(N);
  const zeros = new Uint8Array(blocks);
  const lut = new Int8Array(16);
  for (let n = 0; n < N; n++) {
    let max = 0;
    for (let b = 0; b < blocks; b++) {
      let zero = 8;
      if (zeroPoints) {
        const byte = zeroPoints[n * zpRowBytes + (b >> 1)];
        zero = b % 2 === 0 ? byte & 0x0f : byte >> 4;
      }
      zeros[b] = zero;
      const base = (n * blocks + b) * blobBytes;
      const bytes = Math.ceil(Math.min(blockSize, K - b * blockSize) / 2);
      let codeMax = 0;
      for (let j = 0; j < bytes; j++) {
        const m = NIBBLE_MAX[zero * 256 + packed[base + j]];
        if (m > codeMax) codeMax = m;
      }
      const magnitude = codeMax * Math.abs(scales[n * blocks + b]);
      if (magnitude > max) max = magnitude;
    }
    const columnScale = max / INT8_WEIGHT_MAX || 1;
    columnScales[n] = columnScale;
    for (let b = 0; b < blocks; b++) {
      const ratio = scales[n * blocks + b] / columnScale;
      for (let code = 0; code < 16; code++) lut[code] = roundInt((code - zeros[b]) * ratio);
      const base = (n * blocks + b) * blobBytes;
      const start = b * blockSize;
      const end = Math.min(blockSize, K - start);
      let out = n * K + start;
      for (let j = 0; j < end; j += 2) {
        const byte = packed[base + (j >> 1)];
        q[out++] = lut[byte & 0x0f];
        if (j + 1 < end) q[out++] = lut[byte >> 4];
      }
    }
  }
  return { q, scales: columnScales };
}

/**
 * Quantizes a float matrix per output column. `layout` says whether `w` is [K, N] (a MatMul weight)
 * or [N, K] (an embedding table used transposed as the output projection).
 */
export function floatToInt8(
  w: Float32Array,
  K: number,
  N: number,
  layout: 'KN' | 'NK',
  target?: Int8Array,
): Int8Columns {
  if (w.length !== K * N) throw new Error(`weight has ${w.length} values, expected ${K * N}`);
  const q = target ?? new Int8Array(N * K);
  const scales = new Float32Array(N);
  const at =
    layout === 'NK' ? (n: number, k: number) => n * K + k : (n: number, k: number) => k * N + n;
  for (let n = 0; n < N; n++) {
    let max = 0;
    for (let k = 0; k < K; k++) {
      const v = w[at(n, k)];
      if (v > max) max = v;
      else if (-v > max) max = -v;
    }
    const s = max / INT8_WEIGHT_MAX || 1;
    scales[n] = s;
    const inverse = 1 / s;
    for (let k = 0; k < K; k++) q[n * K + k] = roundInt(w[at(n, k)] * inverse);
  }
  return { q, scales };
}

/** IEEE half → float, for fp16 scales. */
export function float16ToFloat32(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) {
    const h = bits[i];
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    out[i] =
      exp === 0
        ? sign * 2 ** -14 * (frac / 1024)
        : exp === 31
          ? frac
            ? NaN
            : sign * Infinity
          : sign * 2 ** (exp - 15) * (1 + frac / 1024);
  }
  return out;
}
