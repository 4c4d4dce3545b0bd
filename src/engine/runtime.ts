import { env } from '@huggingface/transformers';
import { createHostFetch } from './host-fetch';

/** Every model file goes through it: typed errors for unreachable, silent and wrong hosts. */
const hostFetch = createHostFetch(self.fetch.bind(self));

const ORT_WASM_BASE = new URL(`${import.meta.env.BASE_URL}ort/`, self.location.origin).href;

/**
 * Points Transformers.js at the chosen model host and at the app's own copy of ONNX Runtime's
 * wasm (the exact version Transformers.js bundles; no CDN). Called before every load.
 */
export function configureRuntime({ host, threads }: { host: string; threads?: number }): void {
  env.allowLocalModels = false;
  env.allowRemoteModels = true;
  env.remoteHost = host.endsWith('/') ? host : `${host}/`;
  env.remotePathTemplate = '{model}/resolve/{revision}/';
  env.useBrowserCache = true;
  env.fetch = hostFetch;
  // Mutate, don't replace: this object is ONNX Runtime's live `env.wasm`.
  const wasm = env.backends.onnx.wasm!;
  wasm.wasmPaths = {
    mjs: `${ORT_WASM_BASE}ort-wasm-simd-threaded.asyncify.mjs`,
    wasm: `${ORT_WASM_BASE}ort-wasm-simd-threaded.asyncify.wasm`,
  };
  // ORT reads this once, when its wasm starts (the first session). Threads need cross-origin
  // isolation (SharedArrayBuffer); without it ORT would warn and use 1.
  if (threads !== undefined) wasm.numThreads = self.crossOriginIsolated ? Math.max(1, threads) : 1;
}
