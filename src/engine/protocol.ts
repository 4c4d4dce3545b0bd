/**
 * The whole UI ↔ worker protocol. Each request type is tied to its params and result, every
 * request carries an id, and errors travel as `EngineErrorInfo` (never as bare strings).
 */
import type { Device, DeviceCapabilities, Dtype } from '../lib/device-choice';
import type { GenerationParams } from '../lib/generation-params';
import type { JsonValue } from '../lib/tool-calls/json-value';

export type { JsonValue };

/** Every error the engine reports; `errors.ts` holds the user-facing text for each. */
export const ENGINE_ERROR_CODES = [
  'model_not_found',
  'not_model_repo',
  'host_unreachable',
  'timeout',
  'unsupported_model',
  'dtype_unavailable',
  'fp16_unsupported',
  'network',
  'corrupt_file',
  'quota_exceeded',
  'out_of_memory',
  'webgpu_unavailable',
  'device_lost',
  'worker_crashed',
  'cancelled',
  'not_loaded',
  'busy',
  'template_error',
  'context_too_long',
  'unknown',
] as const;

export type EngineErrorCode = (typeof ENGINE_ERROR_CODES)[number];

/** How an error crosses the worker boundary; the client rebuilds an `EngineError` from it. */
export interface EngineErrorInfo {
  code: EngineErrorCode;
  /** What the user reads: what happened and what to do next. */
  message: string;
  /** The raw error text, shown folded for bug reports. */
  detail?: string;
}

/** What load-time repacking onto int8 kernels did (WASM). */
export interface RepackSummary {
  /** 4-bit layers now running on int8 kernels. */
  layers: number;
  outputProjection: boolean;
  /** Logits are computed for the last position only. */
  lastPositionLogits: boolean;
  ms: number;
  /** Weight bytes the session holds after repacking. */
  bytes: number;
}

/** One repo's files in the browser's model cache. */
export interface CachedRepo {
  repo: string;
  files: number;
  bytes: number;
}

export type Role = 'system' | 'user' | 'assistant' | 'tool';

export interface ChatTurn {
  role: Role;
  /** Text, or for `tool` turns a JSON value the template serialises (see template-json.ts). */
  content: string | JsonValue;
}

export interface RepoRef {
  repo: string;
  /** Base URL of a server with the hub's layout: `{host}{repo}/resolve/{revision}/{file}`. */
  host: string;
  revision?: string;
}

export interface Capabilities extends DeviceCapabilities {
  adapterName: string;
  crossOriginIsolated: boolean;
  hardwareThreads: number;
  ortVersion: string;
}

export interface RepoInfo {
  repo: string;
  modelType: string;
  kind: 'text' | 'vision';
  /** Download bytes (graph + external data) for each dtype file the repo really has. */
  sizes: Partial<Record<Dtype, number>>;
  /** File stems (`onnx/{stem}.onnx`) where the repo's name differs from Transformers.js' default. */
  fileNames: Partial<Record<Dtype, string>>;
}

export interface LoadOptions extends RepoRef {
  device: Device | 'auto';
  dtype: Dtype | 'auto';
  threads: number;
  /**
   * WASM only: run 4-bit weights on ONNX Runtime's int8 kernels (repacked at load) and compute
   * logits for the last position only. Default on; off runs the file as it is.
   */
  int8Kernels?: boolean;
  /**
   * With int8Kernels: also quantize the float output projection. Default: only for downloads over
   * 1 GB, where the memory it saves matters more (see int8OutputProjectionFor).
   */
  int8OutputProjection?: boolean;
}

export interface LoadResult {
  repo: string;
  device: Device;
  dtype: Dtype;
  deviceReason: string;
  dtypeReason: string;
  loadMs: number;
  threads: number;
  /** Special-token strings: kept in the raw text for parsing, hidden from the chat display. */
  specialTokens: string[];
  eosToken: string;
  /** Problems that did not stop the load, e.g. the cache was full so nothing was saved. */
  warnings: string[];
  /** Set when weights were repacked onto int8 kernels at load. */
  repack: RepackSummary | null;
}

export interface FileProgress {
  loaded: number;
  total: number;
  done: boolean;
}

export interface LoadProgress {
  phase: 'download' | 'repack' | 'initialise';
  files: Record<string, FileProgress>;
  loaded: number;
  total: number;
}

export interface PromptRequest {
  messages: ChatTurn[];
  /** JSON tool definitions, passed to the model's own chat template as `tools`. */
  tools?: object[];
  /** The start of the assistant's reply; the model continues from it. */
  prefill?: string;
  /**
   * Text the model itself already wrote for this reply (after any prefill), to continue a reply
   * cut by the token limit. Unlike the prefill it keeps its control tokens (e.g. a tool call).
   */
  continuation?: string;
  /** Benchmarks only: generate exactly `maxNewTokens`, never stopping at end-of-turn. */
  ignoreEos?: boolean;
}

export interface RenderedPrompt {
  text: string;
  tokenCount: number;
  /**
   * Character ranges of `text` where a control-token string appears inside text from a person,
   * a tool or a file: it reached the model as plain text, and the inspector marks it.
   */
  plainSpecialSpans: [number, number][];
  /** Most tokens the model takes (`max_position_embeddings`), when the config says. */
  contextLength: number | null;
}

export interface GenerationStats {
  promptTokens: number;
  /** Prompt tokens served from the previous turn's cache instead of being prefilled again. */
  cachedTokens: number;
  outputTokens: number;
  ttftMs: number;
  prefillTokPerSec: number;
  decodeTokPerSec: number;
  totalMs: number;
}

export interface GenerateResult {
  /** The reply as the model wrote it, special tokens kept, the final end-of-turn token removed. */
  text: string;
  finishReason: 'eos' | 'length' | 'stopped';
  stats: GenerationStats;
}

export interface RequestMap {
  capabilities: { params: Record<string, never>; result: Capabilities };
  inspect: { params: RepoRef; result: RepoInfo };
  load: { params: LoadOptions; result: LoadResult };
  render: { params: PromptRequest; result: RenderedPrompt };
  generate: { params: PromptRequest & { params: GenerationParams }; result: GenerateResult };
  unload: { params: Record<string, never>; result: null };
  /** Cache Storage is owned by the engine: the UI lists and deletes cached models through it. */
  listCached: { params: Record<string, never>; result: CachedRepo[] };
  deleteCached: { params: { repo: string }; result: number };
}

export type RequestType = keyof RequestMap;

export type EngineRequest = {
  [K in RequestType]: { id: number; type: K; params: RequestMap[K]['params'] };
}[RequestType];

/** Fire-and-forget control messages: they act on whatever is running. */
export type ControlMessage = { type: 'stop' };

export type WorkerEvent =
  | { type: 'ready' }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: EngineErrorInfo }
  | { type: 'progress'; id: number; progress: LoadProgress }
  | { type: 'token'; id: number; text: string }
  /** The loaded model is unusable (e.g. GPU device lost): the UI must offer a reload. */
  | { type: 'fatal'; error: EngineErrorInfo };

export function isControlMessage(m: EngineRequest | ControlMessage): m is ControlMessage {
  return m.type === 'stop';
}
