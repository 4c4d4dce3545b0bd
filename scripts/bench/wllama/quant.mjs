// ggml's fp16 and Q4_0 encodings, bit-compatible with ggml's reference (non-SIMD) quantizer.

export const QK4_0 = 32;
/** One Q4_0 block: an fp16 scale, then 32 4-bit values packed two per byte. */
export const Q4_0_BLOCK_BYTES = 2 + QK4_0 / 2;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/**
 * float32 -> IEEE half bits, round to nearest even (what ggml's FP32_TO_FP16 does).
 * @param {number} value
 */
export function toHalfBits(value) {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  let mant = x & 0x7fffff;
  if (((x >>> 23) & 0xff) === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  if (exp >= 0x1f) return sign | 0x7c00;
  if (exp <= 0) {
    if (exp < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - exp;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    let half = mant >>> shift;
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  // A rounding carry out of the mantissa correctly bumps the exponent (up to infinity).
  let half = (exp << 10) | (mant >>> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

/**
 * ggml F16 tensor data.
 * @param {Float32Array} values
 */
export function toF16Bytes(values) {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = toHalfBits(values[i]);
  return new Uint8Array(out.buffer);
}

/**
 * Q4_0 as ggml's quantize_row_q4_0_ref: per 32 values, d = (the value of largest magnitude) / -8,
 * q = min(15, trunc(x / d + 8.5)); byte j holds q[j] in its low nibble and q[j + 16] in its high.
 * Blocks run along the flat array, so rows (ne[0]) must be a multiple of 32.
 * @param {Float32Array} values
 */
export function quantizeQ4_0(values) {
  if (values.length % QK4_0 !== 0) throw new Error(`Q4_0 needs a multiple of ${QK4_0} values`);
  const nBlocks = values.length / QK4_0;
  const out = new Uint8Array(nBlocks * Q4_0_BLOCK_BYTES);
  const view = new DataView(out.buffer);
  for (let b = 0; b < nBlocks; b++) {
    const x0 = b * QK4_0;
    let amax = 0;
    let max = 0;
    for (let j = 0; j < QK4_0; j++) {
      const v = values[x0 + j];
      if (amax < Math.abs(v)) {
        amax = Math.abs(v);
        max = v;
      }
    }
    // ggml divides in float32 and scales by 1/d computed before d is rounded to fp16.
    const d = Math.fround(max / -8);
    const id = d ? Math.fround(1 / d) : 0;
    const o = b * Q4_0_BLOCK_BYTES;
    view.setUint16(o, toHalfBits(d), true);
    for (let j = 0; j < QK4_0 / 2; j++) {
      const lo = Math.min(15, Math.trunc(Math.fround(Math.fround(values[x0 + j] * id) + 8.5)));
      const hi = Math.min(15, Math.trunc(Math.fround(Math.fround(values[x0 + j + 16] * id) + 8.5)));
      out[o + 2 + j] = lo | (hi << 4);
    }
  }
  return out;
}
