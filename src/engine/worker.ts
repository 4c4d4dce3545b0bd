/// <reference lib="webworker" />
import {
  chooseDevice,
  chooseDtype,
  int8OutputProjectionFor,
  type ChoiceResult,
} from '../lib/device-choice';
import { detectCapabilities } from './capabilities';
import { classifyError, EngineError } from './errors';
import { deleteCachedRepo, listCachedRepos } from './model-cache';
import type { ChatModelHandle } from './model-handle';
import { createProgressTracker } from './progress';
import {
  isControlMessage,
  type Capabilities,
  type ControlMessage,
  type EngineErrorCode,
  type EngineRequest,
  type LoadOptions,
  type LoadResult,
  type RepackSummary,
  type RequestMap,
  type RequestType,
  type WorkerEvent,
} from './protocol';
import { withInt8Repack } from './int8-repack';
import { explainLoadError } from './load-errors';
import { inspectRepo } from './repo-inspect';
import { configureRuntime } from './runtime';
import { TextModel } from './text-model';

declare const self: DedicatedWorkerGlobalScope;

let loaded:
  (ChatModelHandle & { readonly specialTokens: string[]; readonly eosToken: string }) | null = null;
let capabilities: Promise<Capabilities> | null = null;

const post = (e: WorkerEvent) => self.postMessage(e);
const getCapabilities = () => (capabilities ??= detectCapabilities());

type Handlers = {
  [K in keyof RequestMap]: (
    params: RequestMap[K]['params'],
    id: number,
  ) => Promise<RequestMap[K]['result']>;
};

const handlers: Handlers = {
  capabilities: () => getCapabilities(),
  inspect: async (ref) => {
    configureRuntime({ host: ref.host });
    return inspectRepo(ref);
  },
  load: (opts, id) => load(opts, id),
  render: async (req) => requireModel().render(req),
  generate: async (req, id) => {
    // Coalesce tokens into at most ~60 messages a second: one message per token at hundreds of
    // tokens a second floods the main thread with renders.
    let buffered = '';
    let lastPost = 0;
    const result = await requireModel().generate(req, req.params, (text) => {
      buffered += text;
      const now = performance.now();
      if (now - lastPost < 16) return;
      post({ type: 'token', id, text: buffered });
      buffered = '';
      lastPost = now;
    });
    if (buffered) post({ type: 'token', id, text: buffered });
    return result;
  },
  unload: async () => {
    await loaded?.dispose();
    loaded = null;
    return null;
  },
  listCached: () => listCachedRepos(),
  deleteCached: ({ repo }) => deleteCachedRepo(repo),
};

/**
 * Requests that use or replace the loaded model run one at a time, in arrival order: two loads
 * can never interleave, and a render never sees a half-loaded model. The rest answer at once.
 */
const EXCLUSIVE: ReadonlySet<RequestType> = new Set(['load', 'unload', 'render', 'generate']);
let exclusiveQueue: Promise<unknown> = Promise.resolve();

/** Errors that end a request before the model ran: the loaded model is still fine. */
const REFUSALS: ReadonlySet<EngineErrorCode> = new Set([
  'not_loaded',
  'busy',
  'template_error',
  'context_too_long',
  'cancelled',
]);

function requireModel() {
  if (!loaded) throw new EngineError('not_loaded');
  return loaded;
}

async function load(opts: LoadOptions, id: number): Promise<LoadResult> {
  const start = performance.now();
  await loaded?.dispose();
  loaded = null;
  configureRuntime({ host: opts.host, threads: opts.threads });
  const caps = await getCapabilities();
  const info = await inspectRepo(opts);
  if (info.kind !== 'text')
    throw new EngineError(
      'unsupported_model',
      info.modelType,
      `${opts.repo} is a vision model (${info.modelType}); the playground runs text models for now. Pick an LFM2 text model.`,
    );
  const device = picked(chooseDevice(opts.device, caps));
  const int8Kernels = opts.int8Kernels ?? true;
  const dtype = picked(chooseDtype(device.value, opts.dtype, info.sizes, caps, { int8Kernels }));
  const repack = device.value === 'wasm' && int8Kernels && ['q4', 'q8'].includes(dtype.value);

  const tracker = createProgressTracker((progress) => post({ type: 'progress', id, progress }));
  let model: TextModel;
  let repackSummary: RepackSummary | null = null;
  const cacheFailures = watchCacheWarnings();
  const loadModel = () =>
    TextModel.load(
      opts,
      device.value,
      dtype.value,
      (e) => tracker.onEvent(e),
      info.fileNames[dtype.value],
    );
  try {
    if (repack) {
      const out = await withInt8Repack(
        {
          quantizeOutputProjection:
            opts.int8OutputProjection ?? int8OutputProjectionFor(info.sizes[dtype.value] ?? 0),
          onPhase: (phase) => (phase === 'repack' ? tracker.repacking() : tracker.initialising()),
        },
        loadModel,
      );
      model = out.value;
      repackSummary = out.summary;
    } else model = await loadModel();
  } catch (e) {
    const err = explainLoadError(e);
    // A truncated or corrupt file may be our cached copy: drop it so the next load fetches it
    // again. The client retries in a fresh worker, since a failed ORT session can leave this one
    // unusable.
    if (err.code === 'corrupt_file') await deleteCachedRepo(opts.repo);
    throw err;
  } finally {
    cacheFailures.stop();
  }
  loaded = model;
  return {
    repo: opts.repo,
    device: device.value,
    dtype: dtype.value,
    deviceReason: device.reason,
    dtypeReason: dtype.reason,
    loadMs: performance.now() - start,
    threads: opts.threads,
    specialTokens: model.specialTokens,
    eosToken: model.eosToken,
    repack: repackSummary,
    warnings: cacheFailures.count
      ? [
          `${cacheFailures.count} file(s) could not be saved for offline use (the browser's storage is probably full). The model works now but will download again next time: free space under Cached models.`,
        ]
      : [],
  };
}

/**
 * Transformers.js only logs a warning when Cache Storage refuses a file (e.g. QuotaExceededError)
 * and carries on, so we count those warnings to tell the user their model was not saved.
 */
function watchCacheWarnings() {
  const original = console.warn;
  const watcher = { count: 0, stop: () => void (console.warn = original) };
  console.warn = (...args: unknown[]) => {
    if (String(args[0]).includes('Unable to add response to browser cache')) watcher.count++;
    original(...args);
  };
  return watcher;
}

/** A choice, or the user-facing engine error for why there is none. */
function picked<T>(r: ChoiceResult<T>): { value: T; reason: string } {
  if (!r.ok) throw new EngineError(r.error);
  return r;
}

async function handle(msg: EngineRequest | ControlMessage): Promise<void> {
  if (isControlMessage(msg)) {
    loaded?.stop();
    return;
  }
  try {
    const handler = handlers[msg.type] as (p: unknown, id: number) => Promise<unknown>;
    const run = () => handler(msg.params, msg.id);
    let value: unknown;
    if (EXCLUSIVE.has(msg.type)) {
      const turn = exclusiveQueue.then(run, run);
      exclusiveQueue = turn.catch(() => undefined);
      value = await turn;
    } else value = await run();
    post({ type: 'result', id: msg.id, value });
  } catch (e) {
    const error = classifyError(e);
    post({ type: 'error', id: msg.id, error: error.toInfo() });
    // A runtime failure while generating (out of memory, GPU lost, "Integer overflow"…) can leave
    // ONNX Runtime's heap unusable for every later request: report it as fatal, so the client
    // starts a fresh worker and loads the model again. Refusals that ran nothing are not fatal.
    if (
      error.code === 'device_lost' ||
      error.code === 'out_of_memory' ||
      (msg.type === 'generate' && !REFUSALS.has(error.code))
    ) {
      loaded = null;
      post({ type: 'fatal', error: error.toInfo() });
    }
  }
}

// ONNX Runtime starts its wasm threads from this same bundle (named `em-pthread…`); installing our
// handler there would replace theirs and hang session creation.
if (!self.name?.startsWith('em-pthread')) {
  self.onmessage = (e: MessageEvent<EngineRequest | ControlMessage>) => void handle(e.data);
  post({ type: 'ready' });
}
