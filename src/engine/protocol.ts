/**
 * The whole UI ↔ worker protocol. Each request type is tied to its params and result, every
 * request carries an id, and errors travel as `EngineErrorInfo` (never as bare strings).
 */
import type { Device, DeviceCapabilities, Dtype } from '../lib/device-choice';
import type { RepackSummary } from './int8-repack';
import type { GenerationParams } from '../lib/generation-params';
import type { EngineErrorInfo } from './errors';

export type Role = 'system' | 'user' | 'assistant' | 'tool';

export interface ChatTurn {
  role: Role;
  /** Text, or for `tool` turns a JSON value the template serialises (see template-json.ts). */
  content: string | JsonValue;
}

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

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
  hasChatTemplate: boolean;
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
  /** Benchmarks only: generate exactly `maxNewTokens`, never stopping at end-of-turn. */
  ignoreEos?: boolean;
}

export interface RenderedPrompt {
  text: string;
  tokenCount: number;
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
