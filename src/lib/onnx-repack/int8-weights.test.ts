import { describe, expect, it } from 'vitest';
import { float16ToFloat32, floatToInt8, INT8_WEIGHT_MAX, nbitsToInt8 } from './int8-weights';

/** The weight MatMulNBits means: w[k, n] = (code - zero) * scale of (n, block). */
function dequantizeNBits(
  K: number,
  N: number,
  blockSize: number,
  packed: Uint8Array,
  scales: Float32Array,
  zeroPoints?: Uint8Array,
): Float32Array {
  const blocks = Math.ceil(K / blockSize);
  const w = new Float32Array(K * N);
  for (let n = 0; n < N; n++)
    for (let k = 0; k < K; k++) {
      const b = Math.floor(k / blockSize);
      const j = k % blockSize;
      const byte = packed[(n * blocks + b) * (blockSize / 2) + (j >> 1)];
      const code = j % 2 ? byte >> 4 : byte & 15;
      let zero = 8;
      if (zeroPoints) {
        const z = zeroPoints[n * Math.ceil(blocks / 2) + (b >> 1)];
        zero = b % 2 ? z >> 4 : z & 15;
      }
      w[k * N + n] = (code - zero) * scales[n * blocks + b];
    }
  return w;
}

function seeded(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomNBits(K: number, N: number, blockSize: number, withZeros: boolean) {
  const random = seeded(K * 31 + N);
  const blocks = Math.ceil(K / blockSize);
  const packed = Uint8Array.from({ length: N * blocks * (blockSize / 2) }, () =>
    Math.floor(random() * 256),
  );
  const scales = Float32Array.from({ length: N * blocks }, () => 0.001 + random() * 0.05);
  const zeroPoints = withZeros
    ? Uint8Array.from({ length: N * Math.ceil(blocks / 2) }, () => Math.floor(random() * 256))
    : undefined;
  return { packed, scales, zeroPoints };
}

describe('nbitsToInt8', () => {
  it.each([
    ['implicit zero point 8', false],
    ['explicit packed zero points', true],
  ])('keeps every 4-bit weight within half an int8 step (%s)', (_, withZeros) => {
    const K = 96;
    const N = 40; // 3 blocks of 32: an odd block count exercises the zero-point nibble packing
    const { packed, scales, zeroPoints } = randomNBits(K, N, 32, withZeros as boolean);
    const exact = dequantizeNBits(K, N, 32, packed, scales, zeroPoints);
    const { q, scales: columnScales } = nbitsToInt8({
      K,
      N,
      blockSize: 32,
      packed,
      scales,
      zeroPoints,
    });
    expect(q.length).toBe(K * N);
    for (let n = 0; n < N; n++) {
      let max = 0;
      for (let k = 0; k < K; k++) max = Math.max(max, Math.abs(exact[k * N + n]));
      // The column's largest weight maps to the largest code exactly.
      expect(columnScales[n]).toBeCloseTo(max / INT8_WEIGHT_MAX, 6);
      for (let k = 0; k < K; k++) {
        // q is [N, K]: row n holds output column n.
        const approx = q[n * K + k] * columnScales[n];
        expect(Math.abs(approx - exact[k * N + n])).toBeLessThanOrEqual(columnScales[n] / 2 + 1e-7);
      }
    }
  });

  it('rejects weights whose size does not match K, N and the block size', () => {
    const { packed, scales } = randomNBits(64, 8, 32, false);
    expect(() => nbitsToInt8({ K: 64, N: 9, blockSize: 32, packed, scales })).toThrow(/expected/);
  });
});

describe('floatToInt8', () => {
  const K = 5;
  const N = 3;
  // [K, N]: column 1 is all zeros, column 2 has its maximum magnitude on a negative value.
  const kn = Float32Array.from([1, 0, -2, 0.5, 0, 1, -0.25, 0, 0.5, 0.75, 0, -1, 0.1, 0, 0]);

  it('quantizes a [K, N] MatMul weight per output column', () => {
    const { q, scales } = floatToInt8(kn, K, N, 'KN');
    expect(INT8_WEIGHT_MAX).toBe(63);
    expect(Array.from(scales)).toEqual([1 / 63, 1, 2 / 63].map(Math.fround));
    // Column 0 is 63 × [1, 0.5, -0.25, 0.75, 0.1], rounded half away from zero.
    expect(Array.from(q.subarray(0, K))).toEqual([63, 32, -16, 47, 6]);
    expect(Array.from(q.subarray(K, 2 * K))).toEqual([0, 0, 0, 0, 0]);
    expect(Array.from(q.subarray(2 * K))).toEqual([-63, 32, 16, -32, 0]);
  });

  it('reads an [N, K] embedding table as the transposed projection', () => {
    const nk = new Float32Array(K * N);
    for (let k = 0; k < K; k++) for (let n = 0; n < N; n++) nk[n * K + k] = kn[k * N + n];
    expect(floatToInt8(nk, K, N, 'NK')).toEqual(floatToInt8(kn, K, N, 'KN'));
  });
});

describe('float16ToFloat32', () => {
  it('decodes normal, subnormal, zero, infinite and NaN halves', () => {
    const out = float16ToFloat32(
      Uint16Array.from([0x3c00, 0xc000, 0x3555, 0x0001, 0x0000, 0x7c00, 0xfc00, 0x7e00]),
    );
    expect(out[0]).toBe(1);
    expect(out[1]).toBe(-2);
    expect(out[2]).toBeCloseTo(1 / 3, 3);
    expect(out[3]).toBeCloseTo(2 ** -24, 30);
    expect(out[4]).toBe(0);
    expect(out[5]).toBe(Infinity);
    expect(out[6]).toBe(-Infinity);
    expect(out[7]).toBeNaN();
  });
});
