import type { StateCreator } from 'zustand';
import type { Device, Dtype } from '../../lib/device-choice';
import {
  normalizeParams,
  PRESETS,
  type GenerationParams,
  type ModelFamily,
} from '../../lib/generation-params';
import type { AppState } from '../../store/app-state';

export const DEFAULT_HOST = 'https://huggingface.co/';

export interface SettingsState {
  /** Model host with the hub's URL layout (a mirror, or a local folder served by scripts/hub). */
  host: string;
  device: Device | 'auto';
  dtype: Dtype | 'auto';
  threads: number;
  /** WASM: rewrite q4/q8 models at load for ONNX Runtime's int8 kernels (see LoadOptions). */
  int8Kernels: boolean;
  params: GenerationParams;
  presetFamily: ModelFamily;
}

export interface SettingsSlice {
  settings: SettingsState;
  setHost(host: string): void;
  setDevice(device: Device | 'auto'): void;
  setDtype(dtype: Dtype | 'auto'): void;
  setThreads(threads: number): void;
  setInt8Kernels(on: boolean): void;
  setParams(patch: Partial<GenerationParams>): void;
  applyPreset(family: ModelFamily): void;
}

const hardwareThreads = () =>
  typeof navigator === 'undefined' ? 2 : Math.max(1, navigator.hardwareConcurrency || 1);

/** WASM threads: at least 1, at most the machine's logical cores (more only adds contention). */
export function clampThreads(threads: number, cores = hardwareThreads()): number {
  return Math.min(cores, Math.max(1, Math.round(threads) || 1));
}

export function defaultSettings(cores = 2): SettingsState {
  return {
    host: DEFAULT_HOST,
    device: 'auto',
    dtype: 'auto',
    threads: Math.min(4, Math.max(1, cores)),
    int8Kernels: true,
    params: PRESETS.lfm2,
    presetFamily: 'lfm2',
  };
}

export const createSettingsSlice: StateCreator<AppState, [], [], SettingsSlice> = (set) => {
  const patch = (p: Partial<SettingsState>) => set((s) => ({ settings: { ...s.settings, ...p } }));
  return {
    settings: defaultSettings(hardwareThreads()),
    setHost: (host) => patch({ host: host.trim() }),
    setDevice: (device) => patch({ device }),
    setDtype: (dtype) => patch({ dtype }),
    setThreads: (threads) => patch({ threads: clampThreads(threads) }),
    setInt8Kernels: (int8Kernels) => patch({ int8Kernels }),
    setParams: (p) =>
      set((s) => ({
        settings: { ...s.settings, params: normalizeParams({ ...s.settings.params, ...p }) },
      })),
    applyPreset: (family) => patch({ params: PRESETS[family], presetFamily: family }),
  };
};
