/**
 * The engine's error vocabulary. Errors cross the worker boundary as `{ code, message, detail }`
 * and are rebuilt into `EngineError` on the client, so the UI can say what happened and what to do.
 */
import type { EngineErrorCode, EngineErrorInfo } from './protocol';

export type { EngineErrorCode, EngineErrorInfo };

const USER_MESSAGES: Record<EngineErrorCode, string> = {
  model_not_found:
    'This model repository was not found on the model host. Check the repo id (for example "onnx-community/LFM2-350M-ONNX") and the model host in Settings.',
  not_model_repo:
    'The model host answered with a web page instead of model files. Check the model host in Engine settings (a hub-style host serves {host}{org}/{model}/resolve/main/config.json) and the repo id.',
  host_unreachable:
    'Could not reach the model host (no connection, a wrong address, or the server is down). Check your network and the model host in Engine settings. Models already cached still load.',
  timeout:
    'The model host did not answer in time. Try again; if it keeps happening, the host is overloaded or unreachable: check the model host in Engine settings.',
  unsupported_model:
    'This model is not supported by the playground yet. Pick an LFM2 text model (or a repo with the same ONNX layout).',
  dtype_unavailable:
    'This repository has no ONNX file for the chosen precision. Pick another precision (or "auto") and load again.',
  fp16_unsupported:
    'Your GPU does not support fp16 shaders (shader-f16). Choose q4 or fp32, or run on WASM.',
  network:
    'The download was interrupted. Check your connection and load again: files that finished are cached and will not be fetched twice.',
  corrupt_file:
    'A model file is truncated or corrupt. The cached copy was deleted; loading again re-downloads it. If it keeps failing, the host serves a broken file: try another precision.',
  quota_exceeded:
    'The browser ran out of storage for the model cache. Delete cached models in the Models panel, or pick a smaller precision.',
  out_of_memory:
    'Out of memory while loading or running the model. Try a smaller model or precision (q4/q8), close other tabs, or on WASM turn off "Fast int8 kernels" in Engine settings (less memory, much slower).',
  webgpu_unavailable:
    'WebGPU is not available in this browser. Use WASM (CPU), or enable WebGPU (Chrome/Edge 113+, or the enable-unsafe-webgpu flag).',
  device_lost:
    'The GPU device was lost (driver reset or memory pressure). Reload the model to continue; your conversation is kept.',
  worker_crashed:
    'The inference worker stopped unexpectedly. Reload the model to continue; your conversation is kept.',
  cancelled: 'Cancelled.',
  not_loaded: 'No model is loaded. Pick a model and press Load.',
  busy: 'The model is busy with another request. Wait for it to finish or press Stop.',
  context_too_long:
    'This conversation is too long for the model. Start a new chat, or delete or shorten the longest messages, and send again.',
  template_error:
    "The model's chat template could not render this conversation. Check the message roles and content.",
  unknown: 'Something went wrong in the inference engine.',
};

export class EngineError extends Error {
  readonly code: EngineErrorCode;
  readonly detail?: string;
  constructor(code: EngineErrorCode, detail?: string, message = USER_MESSAGES[code]) {
    super(message);
    this.name = 'EngineError';
    this.code = code;
    this.detail = detail;
  }
  toInfo(): EngineErrorInfo {
    return { code: this.code, message: this.message, detail: this.detail };
  }
  static fromInfo(info: EngineErrorInfo): EngineError {
    return new EngineError(info.code, info.detail, info.message);
  }
}

const PATTERNS: [RegExp, EngineErrorCode][] = [
  [
    /could not locate file|file not found|404|401|unauthorized|repository not found/i,
    'model_not_found',
  ],
  [/quota|QuotaExceededError/i, 'quota_exceeded'],
  [
    /out of memory|allocation failed|failed to allocate|bad_alloc|memory access out of bounds|RangeError: Array buffer/i,
    'out_of_memory',
  ],
  [/device (was )?lost|GPUDeviceLost|device is lost/i, 'device_lost'],
  [/does not support fp16/i, 'fp16_unsupported'],
  [
    /no available adapters|webgpu is not (available|supported)|navigator\.gpu/i,
    'webgpu_unavailable',
  ],
  [
    /protobuf parsing failed|invalid (model|protobuf|wire type)|index out of range|corrupt|out of bounds|external data|unexpected end|Deserialize tensor|truncat|mismatch.*size|size.*mismatch|can't load the model|Failed to load model/i,
    'corrupt_file',
  ],
  [/failed to fetch|network ?error|load failed|ERR_|aborted|terminated/i, 'network'],
];

/** Maps anything thrown by Transformers.js / ONNX Runtime / fetch to a user-facing error. */
export function classifyError(err: unknown): EngineError {
  if (err instanceof EngineError) return err;
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  if (err instanceof DOMException && err.name === 'QuotaExceededError')
    return new EngineError('quota_exceeded', text);
  for (const [re, code] of PATTERNS) if (re.test(text)) return new EngineError(code, text);
  return new EngineError('unknown', text);
}
