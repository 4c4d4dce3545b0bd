import type { Capabilities } from './protocol';

declare const __ORT_VERSION__: string;

interface GpuAdapterLike {
  features: { has(name: string): boolean };
  info?: {
    vendor?: string;
    architecture?: string;
    description?: string;
    isFallbackAdapter?: boolean;
  };
  isFallbackAdapter?: boolean;
}
interface GpuLike {
  requestAdapter(): Promise<GpuAdapterLike | null>;
}

export async function detectCapabilities(): Promise<Capabilities> {
  const base = {
    crossOriginIsolated: self.crossOriginIsolated === true,
    hardwareThreads: navigator.hardwareConcurrency || 1,
    ortVersion: __ORT_VERSION__,
  };
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  let adapter: GpuAdapterLike | null = null;
  try {
    adapter = gpu ? await gpu.requestAdapter() : null;
  } catch {
    adapter = null;
  }
  if (!adapter) {
    return {
      ...base,
      webgpu: false,
      shaderF16: false,
      fallbackAdapter: false,
      adapterName: 'none',
    };
  }
  const info = adapter.info ?? {};
  const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
  return {
    ...base,
    webgpu: true,
    shaderF16: adapter.features.has('shader-f16'),
    fallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
    adapterName: name || 'unknown adapter',
  };
}
