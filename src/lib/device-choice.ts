export type Device = 'webgpu' | 'wasm';
export type Dtype = 'fp32' | 'fp16' | 'q8' | 'q4' | 'q4f16';
export const DTYPES: readonly Dtype[] = ['q4f16', 'q4', 'q8', 'fp16', 'fp32'];

export interface DeviceCapabilities {
  webgpu: boolean;
  shaderF16: boolean;
  /** True for software adapters such as SwiftShader: WebGPU works but is slower than WASM. */
  fallbackAdapter: boolean;
}

export interface Choice<T> {
  ok: true;
  value: T;
  reason: string;
}

/** Why no choice was possible; the engine turns each into a user-facing error. */
export type ChoiceError = 'webgpu_unavailable' | 'dtype_unavailable' | 'fp16_unsupported';

export type ChoiceResult<T> = Choice<T> | { ok: false; error: ChoiceError };

const fail = (error: ChoiceError) => ({ ok: false, error }) as const;

export function chooseDevice(
  requested: Device | 'auto',
  caps: DeviceCapabilities,
): ChoiceResult<Device> {
  if (requested === 'wasm') return { ok: true, value: 'wasm', reason: 'you chose WASM (CPU)' };
  if (requested === 'webgpu') {
    if (!caps.webgpu) return fail('webgpu_unavailable');
    return { ok: true, value: 'webgpu', reason: 'you chose WebGPU' };
  }
  if (caps.webgpu && !caps.fallbackAdapter)
    return { ok: true, value: 'webgpu', reason: 'a WebGPU adapter is available' };
  if (caps.webgpu)
    return {
      ok: true,
      value: 'wasm',
      reason: 'only a software WebGPU adapter exists, and WASM is faster on it',
    };
  return { ok: true, value: 'wasm', reason: 'this browser has no WebGPU adapter' };
}

/** Largest fp32 download we pick automatically on WASM: beyond it the 4 GiB WASM heap gets tight. */
const WASM_FP32_LIMIT = 1.6e9;

/**
 * Picks the dtype among the files the repo really has (`sizes` maps dtype → download bytes).
 * WASM: ONNX Runtime Web has no fast 4-bit kernel there. With `int8Kernels` the engine repacks
 * 4-bit weights onto its int8 kernel at load, so the smallest download (`q4`) runs at int8 speed;
 * without it, int8 (`q8`) first, then fp32 while it fits, and 4-bit only as a last resort.
 * WebGPU: 4-bit weights, with fp16 math when supported.
 */
export function chooseDtype(
  device: Device,
  requested: Dtype | 'auto',
  sizes: Partial<Record<Dtype, number>>,
  caps: DeviceCapabilities,
  { int8Kernels = false }: { int8Kernels?: boolean } = {},
): ChoiceResult<Dtype> {
  const has = (d: Dtype) => sizes[d] !== undefined;
  const usable = (d: Dtype) => has(d) && !(device === 'webgpu' && d === 'fp16' && !caps.shaderF16);
  if (requested !== 'auto') {
    if (!has(requested)) return fail('dtype_unavailable');
    if (!usable(requested)) return fail('fp16_unsupported');
    return { ok: true, value: requested, reason: 'you chose it' };
  }
  if (device === 'webgpu') {
    if (caps.shaderF16 && usable('q4f16'))
      return {
        ok: true,
        value: 'q4f16',
        reason: 'WebGPU with shader-f16: 4-bit weights, fp16 math',
      };
    if (usable('q4'))
      return {
        ok: true,
        value: 'q4',
        reason: caps.shaderF16
          ? 'the repo has no q4f16 file'
          : 'the GPU lacks shader-f16, so q4 (fp32 math)',
      };
  } else {
    if (int8Kernels && usable('q4'))
      return {
        ok: true,
        value: 'q4',
        reason:
          'the smallest download; its 4-bit weights are repacked at load to run on int8 kernels',
      };
    if (usable('q8'))
      return {
        ok: true,
        value: 'q8',
        reason: 'int8 is the fastest kernel ONNX Runtime has on WASM',
      };
    if (usable('fp32') && sizes.fp32! <= WASM_FP32_LIMIT)
      return {
        ok: true,
        value: 'fp32',
        reason: 'no q8 file; fp32 is far faster than 4-bit on WASM',
      };
    if (usable('q4'))
      return { ok: true, value: 'q4', reason: 'no q8 file and fp32 is too large for WASM memory' };
  }
  const fallback = DTYPES.find(usable);
  if (!fallback) return fail('dtype_unavailable');
  return { ok: true, value: fallback, reason: 'the only suitable file in this repo' };
}

/** Rough decode speed relative to what we measured for a 350M model on 2 WASM threads. */
const WASM_TOKS_350M: Record<Dtype, number> = { q8: 20, fp32: 25, q4: 2.7, q4f16: 2.5, fp16: 4 };

export function expectedSpeed(
  device: Device,
  dtype: Dtype,
  paramsMillions: number,
  { int8Kernels = false }: { int8Kernels?: boolean } = {},
): string {
  if (device === 'webgpu') {
    if (dtype === 'fp32') return 'slowest on GPU, largest download';
    return dtype.startsWith('q4') ? 'fastest on a real GPU' : 'fast on a real GPU';
  }
  const base =
    int8Kernels && (dtype === 'q4' || dtype === 'q8') ? WASM_TOKS_350M.q8 : WASM_TOKS_350M[dtype];
  const toks = (base * 350) / Math.max(paramsMillions, 1);
  return `~${toks < 10 ? toks.toFixed(1) : Math.round(toks)} tok/s on 2 CPU threads`;
}

/**
 * Whether the int8 path should also quantize the output projection. Measured on WASM, 2 threads:
 * at 350M shape it saves 0.33 GB of peak memory but decodes 12 % slower; at 1.2B shape (a 1.2 GB
 * q4 download) it saves 0.67 GB (7.1 → 6.4 GB peak) for about 5 % of decode speed, and memory is
 * what limits a WASM model of that size. So: quantize it for downloads over 1 GB.
 */
export function int8OutputProjectionFor(downloadBytes: number): boolean {
  return downloadBytes > 1e9;
}
