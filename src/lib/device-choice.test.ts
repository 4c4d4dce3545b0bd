import { describe, expect, it } from 'vitest';
import {
  chooseDevice,
  type ChoiceResult,
  chooseDtype,
  expectedSpeed,
  int8OutputProjectionFor,
  type DeviceCapabilities,
} from './device-choice';

const value = <T>(r: ChoiceResult<T>) => (r.ok ? r.value : r.error);

const gpu: DeviceCapabilities = { webgpu: true, shaderF16: true, fallbackAdapter: false };
const gpuNoF16: DeviceCapabilities = { webgpu: true, shaderF16: false, fallbackAdapter: false };
const swiftshader: DeviceCapabilities = { webgpu: true, shaderF16: false, fallbackAdapter: true };
const none: DeviceCapabilities = { webgpu: false, shaderF16: false, fallbackAdapter: false };
const all = { fp32: 1.4e9, fp16: 7e8, q8: 4e8, q4: 3e8, q4f16: 2.5e8 };
const noQ8 = { fp32: 1.4e9, fp16: 7e8, q4: 3e8, q4f16: 2.5e8 };

describe('chooseDevice', () => {
  it('uses WebGPU when a hardware adapter exists', () => {
    expect(value(chooseDevice('auto', gpu))).toBe('webgpu');
  });
  it('falls back to WASM without an adapter and says why', () => {
    expect(chooseDevice('auto', none)).toEqual({
      ok: true,
      value: 'wasm',
      reason: 'this browser has no WebGPU adapter',
    });
  });
  it('prefers WASM over a software adapter, but honours a forced WebGPU', () => {
    expect(value(chooseDevice('auto', swiftshader))).toBe('wasm');
    expect(value(chooseDevice('webgpu', swiftshader))).toBe('webgpu');
  });
  it('refuses forced WebGPU when there is none', () => {
    expect(chooseDevice('webgpu', none)).toEqual({ ok: false, error: 'webgpu_unavailable' });
  });
});

describe('chooseDtype', () => {
  it('WebGPU with shader-f16 → q4f16', () => {
    expect(value(chooseDtype('webgpu', 'auto', all, gpu))).toBe('q4f16');
  });
  it('WebGPU without shader-f16 → q4', () => {
    expect(value(chooseDtype('webgpu', 'auto', all, gpuNoF16))).toBe('q4');
  });
  it('WASM → q8 when the repo ships it', () => {
    expect(value(chooseDtype('wasm', 'auto', all, none))).toBe('q8');
  });
  it('WASM without q8 → fp32 for a small model, q4 for a large one', () => {
    expect(value(chooseDtype('wasm', 'auto', noQ8, none))).toBe('fp32');
    expect(value(chooseDtype('wasm', 'auto', { ...noQ8, fp32: 4.7e9 }, none))).toBe('q4');
  });
  it('WASM with int8 kernels → q4, the smallest download, repacked at load', () => {
    const choice = chooseDtype('wasm', 'auto', all, none, { int8Kernels: true });
    expect(value(choice)).toBe('q4');
    expect(choice.ok && choice.reason).toMatch(/int8/);
    // Without a q4 file it falls back to the usual order; WebGPU is unaffected.
    const { q4: _q4, ...noQ4 } = all;
    expect(value(chooseDtype('wasm', 'auto', noQ4, none, { int8Kernels: true }))).toBe('q8');
    expect(value(chooseDtype('webgpu', 'auto', all, gpu, { int8Kernels: true }))).toBe('q4f16');
  });
  it('the user override wins but must exist', () => {
    expect(chooseDtype('wasm', 'q4', all, none)).toEqual({
      ok: true,
      value: 'q4',
      reason: 'you chose it',
    });
    expect(chooseDtype('wasm', 'q8', noQ8, none)).toEqual({
      ok: false,
      error: 'dtype_unavailable',
    });
  });
  it('never picks fp16 on a GPU without shader-f16', () => {
    expect(chooseDtype('webgpu', 'fp16', all, gpuNoF16)).toEqual({
      ok: false,
      error: 'fp16_unsupported',
    });
    expect(chooseDtype('webgpu', 'auto', { fp16: 1 }, gpuNoF16)).toEqual({
      ok: false,
      error: 'dtype_unavailable',
    });
  });
});

describe('int8OutputProjectionFor', () => {
  it('quantizes the output layer only for models whose download is over 1 GB', () => {
    expect(int8OutputProjectionFor(0.45e9)).toBe(false); // LFM2-350M q4
    expect(int8OutputProjectionFor(1.22e9)).toBe(true); // LFM2-1.2B q4
  });
});

describe('expectedSpeed', () => {
  it('scales the measured WASM rates with model size', () => {
    expect(expectedSpeed('wasm', 'q8', 350)).toBe('~20 tok/s on 2 CPU threads');
    expect(expectedSpeed('wasm', 'q8', 1200)).toBe('~5.8 tok/s on 2 CPU threads');
    expect(expectedSpeed('wasm', 'q4', 350)).toBe('~2.7 tok/s on 2 CPU threads');
    expect(expectedSpeed('wasm', 'q4', 350, { int8Kernels: true })).toBe(
      '~20 tok/s on 2 CPU threads',
    );
  });
});
