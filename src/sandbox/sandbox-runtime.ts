/**
 * Code that runs INSIDE the sandbox: in the opaque-origin iframe (`frameMain`) and in the per-call
 * worker (`workerMain`), plus the pure helpers they use.
 *
 * These functions are shipped as source text (`Function.prototype.toString`, see `bootstrap.ts`),
 * so each one MUST be self-contained: no imports, no references to anything at module scope, only
 * its parameters and the platform's globals. Helpers reach `frameMain`/`workerMain` as
 * parameters. `sandbox-runtime.test.ts` re-creates every function from its source text in an empty
 * scope and runs the tests against those copies, which catches an accidental outer reference.
 * Type annotations and `as` casts are fine (erased); enums, namespaces and decorators are not.
 */
import type {
  FrameToParent,
  LogLevel,
  ParentToFrame,
  RunLimits,
  WorkerFailureKind,
  WorkerToFrame,
} from './protocol';

// ---------------------------------------------------------------------------------------------
// Pure helpers (unit-tested)
// ---------------------------------------------------------------------------------------------

/**
 * Formats console arguments into one line, the way a console would: strings as they are, other
 * values as compact JSON-like text (`{"a":1,"f":[Function: f],"n":10n}`), errors with their stack,
 * cycles as `[Circular]`, deep values as `[Object]`/`[Array]`. The text is cut at `maxChars`.
 * Never throws (hostile getters and proxies included).
 */
export function formatLogArgs(args: readonly unknown[], maxChars: number): string {
  const MAX_DEPTH = 4;
  const MAX_ITEMS = 50;
  // Stop building once well past the cap so a huge object cannot make this slow.
  const budget = maxChars + 64;
  let out = '';
  let over = false;

  const push = (text: string): void => {
    if (over) return;
    out += text;
    if (out.length > budget) over = true;
  };

  const errorText = (e: Error, nested: boolean): string => {
    let name = 'Error';
    let message = '';
    let stack = '';
    try {
      name = String(e.name);
      message = String(e.message);
      stack = typeof e.stack === 'string' ? e.stack : '';
    } catch {
      // a getter threw: keep the defaults
    }
    const head = message ? name + ': ' + message : name;
    if (nested) return '[' + head + ']';
    // The head, then the stack's frames (V8 repeats the head in `stack`, QuickJS does not),
    // without the sandbox's own (a blob: URL or sandbox-*.js); the tool's are `tool-source.js`.
    const frames = stack
      .split('\n')
      .filter((line) => /^\s+at /.test(line) && !/^\s+at .*(blob:|sandbox-)/.test(line));
    return [head, ...frames].join('\n');
  };

  const write = (value: unknown, depth: number, seen: object[], top: boolean): void => {
    if (over) return;
    switch (typeof value) {
      case 'string':
        push(top ? value : JSON.stringify(value));
        return;
      case 'number':
        push(Object.is(value, -0) ? '-0' : String(value));
        return;
      case 'bigint':
        push(String(value) + 'n');
        return;
      case 'boolean':
      case 'undefined':
        push(String(value));
        return;
      case 'symbol':
        push(value.toString());
        return;
      case 'function': {
        const name = (value as { name?: unknown }).name;
        push(
          typeof name === 'string' && name ? '[Function: ' + name + ']' : '[Function (anonymous)]',
        );
        return;
      }
    }
    if (value === null) {
      push('null');
      return;
    }
    const obj = value as object;
    if (seen.includes(obj)) {
      push('[Circular]');
      return;
    }
    if (obj instanceof Error) {
      push(errorText(obj, !top));
      return;
    }
    if (obj instanceof Date) {
      push(Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString());
      return;
    }
    if (obj instanceof RegExp) {
      push(String(obj));
      return;
    }
    const isArray = Array.isArray(obj);
    if (depth >= MAX_DEPTH) {
      push(isArray ? '[Array]' : '[Object]');
      return;
    }
    const inner = seen.concat([obj]);
    if (obj instanceof Map || obj instanceof Set) {
      const isMap = obj instanceof Map;
      push((isMap ? 'Map(' : 'Set(') + obj.size + ') {');
      let i = 0;
      for (const entry of obj as Iterable<unknown>) {
        if (over) return;
        if (i > 0) push(', ');
        if (i >= MAX_ITEMS) {
          push('… ' + (obj.size - i) + ' more');
          break;
        }
        if (isMap) {
          const [k, v] = entry as [unknown, unknown];
          write(k, depth + 1, inner, false);
          push(' => ');
          write(v, depth + 1, inner, false);
        } else {
          write(entry, depth + 1, inner, false);
        }
        i++;
      }
      push('}');
      return;
    }
    if (isArray) {
      const arr = obj as unknown[];
      push('[');
      const n = Math.min(arr.length, MAX_ITEMS);
      for (let i = 0; i < n && !over; i++) {
        if (i > 0) push(',');
        write(arr[i], depth + 1, inner, false);
      }
      if (arr.length > n) push(',… ' + (arr.length - n) + ' more');
      push(']');
      return;
    }
    const keys = Object.keys(obj);
    const ctor = (obj as { constructor?: { name?: unknown } }).constructor;
    const ctorName = ctor && typeof ctor.name === 'string' ? ctor.name : '';
    if (ctorName && ctorName !== 'Object') push(ctorName + ' ');
    push('{');
    const n = Math.min(keys.length, MAX_ITEMS);
    for (let i = 0; i < n && !over; i++) {
      if (i > 0) push(',');
      push(JSON.stringify(keys[i]) + ':');
      write((obj as Record<string, unknown>)[keys[i]], depth + 1, inner, false);
    }
    if (keys.length > n) push(',… ' + (keys.length - n) + ' more');
    push('}');
  };

  for (let i = 0; i < args.length && !over; i++) {
    if (i > 0) push(' ');
    const before = out;
    try {
      write(args[i], 0, [], true);
    } catch (e) {
      // A getter or proxy trap threw while formatting: say so instead of failing the log.
      out = before;
      let why = '';
      try {
        why = e instanceof Error ? e.message : String(e);
      } catch {
        why = '?';
      }
      push('[unformattable value: ' + why + ']');
    }
  }
  return out.length > maxChars ? out.slice(0, Math.max(0, maxChars)) + '… [truncated]' : out;
}

export type JsonResult =
  | { ok: true; json: string; bytes: number }
  | { ok: false; kind: 'not-serializable' | 'too-large'; message: string };

/**
 * Turns a tool's return value into JSON text, refusing anything JSON would silently mangle:
 * functions, symbols, BigInt, NaN/±Infinity, cycles and non-plain objects (Map, Set, typed
 * arrays, Promise, Error, …) give `not-serializable` with the path of the offending value. Objects
 * with `toJSON` (Date) are converted first. A top-level `undefined` becomes `null`; `undefined`
 * object properties are dropped and `undefined` array items become `null`, as in JSON.stringify.
 * Results above `maxBytes` of UTF-8 JSON give `too-large`.
 */
export function toJsonResult(value: unknown, maxBytes: number): JsonResult {
  const MAX_DEPTH = 500;
  const fail = (message: string): JsonResult => ({ ok: false, kind: 'not-serializable', message });
  const keyPath = (path: string, key: string): string =>
    /^[A-Za-z_$][\w$]*$/.test(key) ? path + '.' + key : path + '[' + JSON.stringify(key) + ']';
  const describe = (v: object): string => {
    const tag = Object.prototype.toString.call(v).slice(8, -1);
    const ctor = (v as { constructor?: { name?: unknown } }).constructor;
    const name = ctor && typeof ctor.name === 'string' && ctor.name ? ctor.name : tag;
    return name;
  };

  class Reject {
    message: string;
    constructor(message: string) {
      this.message = message;
    }
  }
  const ancestors: object[] = [];

  // Returns the JSON-safe copy, or `undefined` for "omit" (only for undefined-valued properties).
  const copy = (input: unknown, key: string, path: string): unknown => {
    let v = input;
    if (v !== null && typeof v === 'object') {
      const toJSON = (v as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') v = toJSON.call(v, key);
    }
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number':
        if (!Number.isFinite(v))
          throw new Reject(path + ' is ' + String(v) + ', which JSON cannot represent');
        return v;
      case 'undefined':
        return undefined;
      case 'function':
        throw new Reject(path + ' is a function');
      case 'symbol':
        throw new Reject(path + ' is a symbol');
      case 'bigint':
        throw new Reject(
          path + ' is a BigInt (' + String(v) + 'n); convert it to a number or string',
        );
    }
    if (v === null) return null;
    const obj = v as object;
    if (ancestors.includes(obj)) throw new Reject(path + ' is a circular reference');
    if (ancestors.length >= MAX_DEPTH) throw new Reject(path + ' is nested too deeply');
    ancestors.push(obj);
    try {
      if (Array.isArray(obj)) {
        const out: unknown[] = [];
        for (let i = 0; i < obj.length; i++) {
          const item = copy(obj[i], String(i), path + '[' + i + ']');
          out.push(item === undefined ? null : item);
        }
        return out;
      }
      if (Object.prototype.toString.call(obj) !== '[object Object]') {
        throw new Reject(path + ' is a ' + describe(obj) + ', not plain JSON data');
      }
      const out = Object.create(null) as Record<string, unknown>;
      for (const k of Object.keys(obj)) {
        const item = copy((obj as Record<string, unknown>)[k], k, keyPath(path, k));
        if (item !== undefined) out[k] = item;
      }
      return out;
    } finally {
      ancestors.pop();
    }
  };

  let safe: unknown;
  try {
    safe = copy(value, '', 'result');
  } catch (e) {
    if (e instanceof Reject) return fail(e.message);
    if (e instanceof RangeError) return fail('result is nested too deeply');
    // toJSON or a getter threw: the value cannot be turned into JSON.
    let why = '';
    try {
      why = e instanceof Error ? e.name + ': ' + e.message : String(e);
    } catch {
      why = 'unknown error';
    }
    return fail('converting the result to JSON threw ' + why);
  }
  const json = JSON.stringify(safe === undefined ? null : safe);
  // UTF-8 length, counted (this runs inside the tool's engine, which has no TextEncoder).
  let bytes = 0;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < json.length) {
      const next = json.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  if (bytes > maxBytes) {
    return {
      ok: false,
      kind: 'too-large',
      message:
        'The result is ' + bytes + ' bytes of JSON, over the limit of ' + maxBytes + ' bytes',
    };
  }
  return { ok: true, json, bytes };
}

/**
 * One-line description of a thrown/rejected value: `Name: message (line L:C)` for errors, where
 * the location comes from the first stack frame in `sourceName` (the tool's eval'd source), whose
 * first line is offset by `firstLineColumnOffset` columns.
 */
export function describeThrown(
  reason: unknown,
  sourceName: string,
  firstLineColumnOffset: number,
): string {
  try {
    if (reason instanceof Error) {
      const name = String(reason.name || 'Error');
      const message = String(reason.message);
      let text = message ? name + ': ' + message : name;
      const stack = typeof reason.stack === 'string' ? reason.stack : '';
      const escaped = sourceName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const match = new RegExp(escaped + ':(\\d+):(\\d+)').exec(stack);
      if (match) {
        const line = Number(match[1]);
        const column = Number(match[2]) - (line === 1 ? firstLineColumnOffset : 0);
        text += ' (line ' + line + ':' + column + ')';
      }
      return text;
    }
    if (typeof reason === 'string') return reason;
    if (reason === undefined) return 'undefined';
    const json = JSON.stringify(reason);
    return typeof json === 'string' ? json : String(reason);
  } catch {
    try {
      return String(reason);
    } catch {
      return '[unprintable value]';
    }
  }
}

/** Frame side: validates a message from the parent (app). Returns null for anything unexpected. */
export function parseParentMessage(data: unknown): ParentToFrame | null {
  if (typeof data !== 'object' || data === null) return null;
  const m = data as Record<string, unknown>;
  const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64;
  const isCount = (v: unknown): v is number =>
    typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 1e9;
  if (m.type === 'ping') {
    return isCount(m.seq) ? { type: 'ping', seq: m.seq } : null;
  }
  if (m.type === 'cancel') {
    return isId(m.id) ? { type: 'cancel', id: m.id } : null;
  }
  if (m.type === 'init') {
    return m.wasm instanceof ArrayBuffer ? { type: 'init', wasm: m.wasm } : null;
  }
  if (m.type === 'run') {
    const l = m.limits as Record<string, unknown> | null;
    if (!isId(m.id) || typeof m.source !== 'string' || typeof m.argsJson !== 'string') return null;
    if (typeof l !== 'object' || l === null) return null;
    if (!isCount(l.timeoutMs) || l.timeoutMs < 1) return null;
    if (!isCount(l.maxResultBytes) || !isCount(l.maxLogEntries) || !isCount(l.maxLogChars)) {
      return null;
    }
    const memory = l.maxMemoryBytes;
    if (typeof memory !== 'number' || !Number.isInteger(memory) || memory < 1 || memory > 2 ** 31) {
      return null;
    }
    return {
      type: 'run',
      id: m.id,
      source: m.source,
      argsJson: m.argsJson,
      limits: {
        timeoutMs: l.timeoutMs,
        maxResultBytes: l.maxResultBytes,
        maxLogEntries: l.maxLogEntries,
        maxLogChars: l.maxLogChars,
        maxMemoryBytes: memory,
      },
    };
  }
  return null;
}

/** Frame side: validates a message from a tool worker. */
export function parseWorkerMessage(data: unknown): WorkerToFrame | null {
  if (typeof data !== 'object' || data === null) return null;
  const m = data as Record<string, unknown>;
  const levels = ['log', 'info', 'warn', 'error', 'debug'];
  const failures = [
    'threw',
    'rejected',
    'not-serializable',
    'too-large',
    'syntax',
    'timeout',
    'out-of-memory',
  ];
  if (m.type === 'log') {
    if (typeof m.level !== 'string' || !levels.includes(m.level) || typeof m.text !== 'string') {
      return null;
    }
    return { type: 'log', level: m.level as LogLevel, text: m.text };
  }
  if (m.type === 'logs-truncated') return { type: 'logs-truncated' };
  if (m.type === 'result') {
    return typeof m.json === 'string' ? { type: 'result', json: m.json } : null;
  }
  if (m.type === 'failed') {
    if (typeof m.kind !== 'string' || !failures.includes(m.kind)) return null;
    if (typeof m.message !== 'string') return null;
    return { type: 'failed', kind: m.kind as WorkerFailureKind, message: m.message };
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Entry points (run in the browser only; exercised by the Playwright harness)
// ---------------------------------------------------------------------------------------------

export interface FrameConfig {
  nonce: string;
  workerSource: string;
}

/**
 * The iframe's script. Opaque origin (sandbox without allow-same-origin): it cannot touch the
 * app's DOM or storage. It accepts exactly one MessagePort from its parent, compiles the engine
 * it is sent (`init`) once, then runs each call in a fresh Blob-URL worker, hands it the compiled
 * engine, and terminates it when the call ends, times out or is cancelled.
 */
export function frameMain(
  config: FrameConfig,
  parseParent: (data: unknown) => ParentToFrame | null,
  parseWorker: (data: unknown) => WorkerToFrame | null,
): void {
  // The margin lets the parent's own timer (the authority) fire first; this one is a backstop.
  const BACKSTOP_MARGIN_MS = 500;
  const workerUrl = URL.createObjectURL(
    new Blob([config.workerSource], { type: 'text/javascript' }),
  );
  interface Run {
    worker: Worker;
    timer: ReturnType<typeof setTimeout>;
    logs: number;
    maxLogEntries: number;
    maxLogChars: number;
    truncatedSent: boolean;
  }
  const runs = new Map<string, Run>();
  let port: MessagePort | null = null;
  // The engine, compiled once; a WebAssembly.Module can be posted to this frame's own workers.
  let engine: Promise<WebAssembly.Module> | null = null;

  const send = (message: FrameToParent): void => {
    if (port) port.postMessage(message);
  };

  const finish = (id: string, message: FrameToParent | null): void => {
    const run = runs.get(id);
    if (!run) return;
    runs.delete(id);
    clearTimeout(run.timer);
    run.worker.terminate();
    if (message) send(message);
  };

  const crashed = (id: string, message: string): void => {
    finish(id, { type: 'done', id, outcome: { kind: 'sandbox-crashed', message } });
  };

  const start = (msg: ParentToFrame & { type: 'run' }): void => {
    if (runs.has(msg.id)) return;
    let worker: Worker;
    try {
      worker = new Worker(workerUrl, { name: 'tool-' + msg.id });
    } catch (e) {
      send({
        type: 'done',
        id: msg.id,
        outcome: {
          kind: 'sandbox-crashed',
          message: 'could not start a worker: ' + (e instanceof Error ? e.message : String(e)),
        },
      });
      return;
    }
    const run: Run = {
      worker,
      timer: setTimeout(() => {
        finish(msg.id, {
          type: 'done',
          id: msg.id,
          outcome: { kind: 'timeout', message: 'stopped after ' + msg.limits.timeoutMs + ' ms' },
        });
      }, msg.limits.timeoutMs + BACKSTOP_MARGIN_MS),
      logs: 0,
      maxLogEntries: msg.limits.maxLogEntries,
      maxLogChars: msg.limits.maxLogChars,
      truncatedSent: false,
    };
    runs.set(msg.id, run);
    worker.onmessage = (event: MessageEvent) => {
      if (runs.get(msg.id) !== run) return;
      const wm = parseWorker(event.data);
      if (!wm) return;
      if (wm.type === 'log' || wm.type === 'logs-truncated') {
        if (wm.type === 'log' && run.logs < run.maxLogEntries) {
          run.logs++;
          const text =
            wm.text.length > run.maxLogChars
              ? wm.text.slice(0, run.maxLogChars) + '… [truncated]'
              : wm.text;
          send({ type: 'log', id: msg.id, level: wm.level, text });
        } else if (!run.truncatedSent) {
          run.truncatedSent = true;
          send({ type: 'logs-truncated', id: msg.id });
        }
        return;
      }
      if (wm.type === 'result') {
        finish(msg.id, { type: 'done', id: msg.id, outcome: { kind: 'value', json: wm.json } });
      } else {
        finish(msg.id, {
          type: 'done',
          id: msg.id,
          outcome: { kind: wm.kind, message: wm.message },
        });
      }
    };
    worker.onerror = (event: ErrorEvent) => {
      // Tool code runs inside the engine and cannot throw here: this is the worker's own failure.
      event.preventDefault();
      crashed(msg.id, 'worker error: ' + (event.message || '?'));
    };
    worker.onmessageerror = () => crashed(msg.id, 'a worker message could not be read');
    // The worker starts while the engine compiles (the first time) or right away (later).
    const compiled = engine ?? Promise.reject(new Error('the JavaScript engine was not loaded'));
    compiled.then(
      (wasm) => {
        if (runs.get(msg.id) !== run) return;
        worker.postMessage({
          type: 'run',
          source: msg.source,
          argsJson: msg.argsJson,
          limits: msg.limits,
          wasm,
        });
      },
      (e: unknown) =>
        crashed(
          msg.id,
          'could not compile the JavaScript engine: ' +
            (e instanceof Error ? e.message : String(e)),
        ),
    );
  };

  const onParentMessage = (event: MessageEvent): void => {
    const msg = parseParent(event.data);
    if (!msg) return;
    if (msg.type === 'ping') send({ type: 'pong', seq: msg.seq });
    else if (msg.type === 'cancel') {
      finish(msg.id, null);
      send({ type: 'cancelled', id: msg.id });
    } else if (msg.type === 'init') {
      if (!engine) {
        engine = WebAssembly.compile(msg.wasm);
        engine.catch(() => {}); // reported through each run
      }
    } else start(msg);
  };

  window.addEventListener('message', (event: MessageEvent) => {
    // One connection only, from the embedding window, with this document's nonce and a port.
    if (port || event.source !== window.parent || event.ports.length !== 1) return;
    const data = event.data as { type?: unknown; nonce?: unknown } | null;
    if (!data || data.type !== 'connect' || data.nonce !== config.nonce) return;
    port = event.ports[0];
    port.onmessage = onParentMessage;
    send({ type: 'hello', nonce: config.nonce });
  });
  window.parent.postMessage({ type: 'ready', nonce: config.nonce }, '*');
}

/** What the engine library text evaluates to (see quickjs-engine.ts); typed loosely on purpose. */
export interface WorkerEngine {
  core: unknown;
  QuickJSFFI: unknown;
  QuickJSRaw: unknown;
}

/** The part of a worker's global scope the worker script uses. */
export interface WorkerScope {
  postMessage(message: WorkerToFrame): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}

/**
 * The per-call worker's script. Handles one `run` message: instantiates the engine (QuickJS) from
 * the compiled module it is sent, with its own WebAssembly.Memory capped near the memory limit,
 * sets the limits (heap, stack, deadline), installs the guest's globals (`guestSource`, see
 * guest.ts) over the host primitives below, evaluates the tool's source as an expression, calls
 * it and reports the outcome. Tool code only ever runs inside the engine; what crosses back is
 * strings (bounded: log lines are formatted and cut inside the engine, results are measured
 * there) and ArrayBuffers.
 */
export function workerMain(engine: WorkerEngine, guestSource: string, scope: WorkerScope): void {
  /* eslint-disable @typescript-eslint/no-explicit-any -- the engine's API is used untyped here */
  const MIB = 1024 * 1024;
  const SOURCE_NAME = 'tool-source.js';
  // QuickJS checks its stack against this; each of its frames also uses the worker's native
  // stack, which is small, so this stays well under it (about 1 500 nested calls).
  const MAX_STACK_BYTES = 256 * 1024;
  // After the tool hit the memory limit, the limit is raised by this much so that the engine has
  // room to describe what happened.
  const REPORT_HEADROOM_BYTES = 16 * MIB;
  const MAX_INTL_CACHE = 64;
  const INITIAL_MEMORY_BYTES = 256 * 65536;
  // Host-side caps, whatever the guest's own bookkeeping says (tool code can tamper with it).
  const MAX_HOST_TIMERS = 10_000;
  const MAX_FETCHES = 64;
  const post = scope.postMessage.bind(scope);

  const execute = async (
    source: string,
    argsJson: string,
    limits: RunLimits,
    wasm: WebAssembly.Module,
  ): Promise<void> => {
    const deadline = performance.now() + limits.timeoutMs;
    const memoryLimit = limits.maxMemoryBytes;
    // A hard cap under the engine's own accounting: its allocator cannot grow past this.
    const maxPages = Math.min(32768, Math.ceil((memoryLimit * 1.5 + 32 * MIB) / 65536));
    const memory = new WebAssembly.Memory({
      initial: INITIAL_MEMORY_BYTES / 65536,
      maximum: maxPages,
    });
    const core = engine.core as any;
    const variant = core.newVariant(
      {
        type: 'sync',
        importFFI: () => Promise.resolve(engine.QuickJSFFI),
        importModuleLoader: () => Promise.resolve(engine.QuickJSRaw),
      },
      { wasmModule: wasm, wasmMemory: memory },
    );
    const QuickJS = await core.newQuickJSWASMModuleFromVariant(variant);
    const rt = QuickJS.newRuntime();
    rt.setMaxStackSize(MAX_STACK_BYTES);
    let interrupting = true;
    rt.setInterruptHandler(() => interrupting && performance.now() >= deadline);
    rt.setMemoryLimit(memoryLimit);
    const ctx = rt.newContext();

    let finished = false;
    let logs = 0;
    const hostTimers = new Map<number, ReturnType<typeof setTimeout>>();
    const fetches = new Map<number, AbortController>();
    const bodies = new Map<number, Uint8Array>();
    let heldBodyBytes = 0;
    const intlCache = new Map<string, any>();
    let api: any = null;

    /**
     * The engine's heap reached (about) its limit at some point: the WebAssembly memory never
     * shrinks, and it holds the heap plus a few MiB of stack and static data. It starts at
     * 16 MiB, so under a limit that small only an explicit "out of memory" error tells.
     */
    const memoryExhausted = (): boolean =>
      memory.buffer.byteLength > Math.max(memoryLimit * 0.9, INITIAL_MEMORY_BYTES);

    const finish = (message: WorkerToFrame): void => {
      if (finished) return;
      finished = true;
      for (const timer of hostTimers.values()) clearTimeout(timer);
      hostTimers.clear();
      for (const controller of fetches.values()) controller.abort();
      fetches.clear();
      bodies.clear();
      post(message);
    };
    const failWith = (kind: WorkerFailureKind, message: string): void =>
      finish({ type: 'failed', kind, message });

    /** The engine itself broke (a host-level exception): say why as well as can be told. */
    const engineBroke = (e: unknown): void => {
      if (finished) return;
      if (performance.now() >= deadline) failWith('timeout', '');
      else if (memoryExhausted()) failWith('out-of-memory', '');
      else if (e instanceof RangeError) {
        failWith('threw', 'InternalError: stack overflow (the engine ran out of native stack)');
      } else {
        finished = true;
        // Re-thrown outside the promise chain, so that the frame's worker.onerror reports it.
        setTimeout(() => {
          throw e instanceof Error ? e : new Error(String(e));
        });
      }
    };
    const guard = (fn: () => void): void => {
      if (finished) return;
      try {
        fn();
      } catch (e) {
        engineBroke(e);
      }
    };

    /** The engine returned an exception that the guest driver did not handle. */
    const engineError = (error: any, context: 'source' | 'run'): void => {
      if (finished) return;
      if (performance.now() >= deadline) return failWith('timeout', '');
      interrupting = false;
      rt.setMemoryLimit(memoryLimit + REPORT_HEADROOM_BYTES);
      let info: { timeout: boolean; oom: boolean; syntax: boolean; text: string } | null = null;
      try {
        if (api) {
          const fn = ctx.getProp(api, 'describeError');
          const r = ctx.callFunction(fn, ctx.undefined, error);
          if (!r.error) info = JSON.parse(ctx.getString(r.value));
        }
      } catch {
        info = null;
      }
      if (info?.timeout) return failWith('timeout', '');
      if (info?.oom || (!info && memoryExhausted())) {
        return failWith('out-of-memory', '');
      }
      if (!info) return engineBroke(new Error('the engine failed and could not say why'));
      if (context === 'source' && info.syntax) return failWith('syntax', info.text);
      failWith(
        'threw',
        context === 'source' ? 'evaluating the source threw ' + info.text : info.text,
      );
    };

    const pump = (): void =>
      guard(() => {
        const r = rt.executePendingJobs();
        if (r.error) engineError(r.error, 'run');
      });

    // ---- host primitives (see GuestHost in guest.ts) ----
    const host = ctx.newObject();
    const fn = (name: string, impl: (...args: any[]) => any): void => {
      const handle = ctx.newFunction(name, impl);
      ctx.setProp(host, name, handle);
      handle.dispose();
    };
    const str = (h: any): string => ctx.getString(h);
    const num = (h: any): number => ctx.getNumber(h);
    const answer = (compute: () => unknown): string => {
      try {
        return JSON.stringify({ ok: true, value: compute() });
      } catch (e) {
        const err = e as { name?: unknown; message?: unknown } | null;
        return JSON.stringify({
          ok: false,
          name: typeof err?.name === 'string' ? err.name : 'Error',
          message: typeof err?.message === 'string' ? err.message : String(e),
        });
      }
    };

    fn('log', (level: any, text: any) => {
      if (finished) return;
      if (logs >= limits.maxLogEntries) {
        if (logs === limits.maxLogEntries) post({ type: 'logs-truncated' });
        logs = limits.maxLogEntries + 1;
        return;
      }
      logs++;
      post({ type: 'log', level: str(level) as LogLevel, text: str(text) });
    });
    fn('done', (kind: any, payload: any) => {
      const k = str(kind);
      const p = str(payload);
      if (k === 'value') finish({ type: 'result', json: p });
      else failWith(k as WorkerFailureKind, p);
    });
    fn('memoryExhausted', () => (memoryExhausted() ? ctx.true : ctx.false));
    fn('setTimer', (idHandle: any, msHandle: any) => {
      const id = num(idHandle);
      clearTimeout(hostTimers.get(id));
      hostTimers.delete(id);
      if (finished) return;
      if (hostTimers.size >= MAX_HOST_TIMERS) throw new RangeError('Too many timers');
      hostTimers.set(
        id,
        setTimeout(() => {
          hostTimers.delete(id);
          guard(() => {
            const idValue = ctx.newNumber(id);
            const fire = ctx.getProp(api, 'fireTimer');
            const r = ctx.callFunction(fire, ctx.undefined, idValue);
            if (r.error) engineError(r.error, 'run');
            else r.value.dispose();
          });
          pump();
        }, num(msHandle)),
      );
    });
    fn('clearTimer', (idHandle: any) => {
      const id = num(idHandle);
      clearTimeout(hostTimers.get(id));
      hostTimers.delete(id);
    });
    fn('fetch', (idHandle: any, urlHandle: any, initHandle: any, bodyHandle: any) => {
      const id = num(idHandle);
      if (fetches.size >= MAX_FETCHES) {
        throw new TypeError('Too many requests at once (' + MAX_FETCHES + ')');
      }
      const url = str(urlHandle);
      const init = JSON.parse(str(initHandle)) as Record<string, any>;
      let body: BodyInit | undefined =
        typeof init.bodyText === 'string' ? init.bodyText : undefined;
      if (bodyHandle && ctx.typeof(bodyHandle) === 'object') {
        const bytes = ctx.getArrayBuffer(bodyHandle);
        body = bytes.value.slice();
        bytes.dispose();
      }
      const deferred = ctx.newPromise();
      const controller = new AbortController();
      fetches.set(id, controller);
      const request: RequestInit = { headers: init.headers, body, signal: controller.signal };
      for (const key of ['method', 'redirect', 'cache', 'credentials', 'mode', 'referrerPolicy']) {
        if (typeof init[key] === 'string') (request as Record<string, unknown>)[key] = init[key];
      }
      const settle = (text: string): void => {
        fetches.delete(id);
        guard(() => {
          const value = ctx.newString(text);
          deferred.resolve(value);
          value.dispose();
        });
        pump();
      };
      const run = async (): Promise<unknown> => {
        const response = await fetch(url, request);
        // The body is read now, up to the memory limit (all held bodies together).
        const chunks: Uint8Array[] = [];
        let total = 0;
        const reader = response.body ? response.body.getReader() : null;
        while (reader) {
          const { done, value } = await reader.read();
          if (done) break;
          total += value.byteLength;
          if (heldBodyBytes + total > memoryLimit) {
            void reader.cancel();
            throw new RangeError(
              'The response body is larger than the memory limit of the tool (' +
                Math.round(memoryLimit / MIB) +
                ' MiB)',
            );
          }
          chunks.push(value);
        }
        const bytes = new Uint8Array(total);
        let at = 0;
        for (const chunk of chunks) {
          bytes.set(chunk, at);
          at += chunk.byteLength;
        }
        heldBodyBytes += total;
        bodies.set(id, bytes);
        return {
          id,
          status: response.status,
          statusText: response.statusText,
          url: response.url,
          redirected: response.redirected,
          type: response.type,
          headers: [...response.headers],
        };
      };
      run().then(
        (meta) => settle(answer(() => meta)),
        (e: unknown) =>
          settle(
            answer(() => {
              throw e;
            }),
          ),
      );
      return deferred.handle;
    });
    fn('abortFetch', (idHandle: any) => {
      fetches.get(num(idHandle))?.abort();
    });
    fn('body', (idHandle: any, asHandle: any) => {
      const id = num(idHandle);
      const bytes = bodies.get(id);
      if (!bytes) throw new TypeError('Body has already been consumed.');
      bodies.delete(id);
      heldBodyBytes -= bytes.byteLength;
      if (str(asHandle) === 'bytes') return ctx.newArrayBuffer(bytes.buffer);
      return ctx.newString(new TextDecoder().decode(bytes));
    });
    fn('bytes', (opHandle: any, input: any, optionsHandle: any) => {
      const op = str(opHandle);
      if (op === 'encode') return ctx.newArrayBuffer(new TextEncoder().encode(str(input)).buffer);
      if (op === 'random') {
        const n = num(input);
        if (!(n >= 0 && n <= 65536)) throw new RangeError('At most 65536 random bytes at once');
        return ctx.newArrayBuffer(crypto.getRandomValues(new Uint8Array(n)).buffer);
      }
      if (op === 'decode') {
        const view = ctx.getArrayBuffer(input);
        const bytes = view.value.slice();
        view.dispose();
        const options = JSON.parse(str(optionsHandle)) as {
          label: string;
          fatal: boolean;
          ignoreBOM: boolean;
        };
        return ctx.newString(
          answer(() =>
            new TextDecoder(options.label, {
              fatal: options.fatal,
              ignoreBOM: options.ignoreBOM,
            }).decode(bytes),
          ),
        );
      }
      throw new TypeError('unknown byte operation');
    });

    const INTL_METHODS = [
      'format',
      'formatToParts',
      'formatRange',
      'formatRangeToParts',
      'resolvedOptions',
      'compare',
      'select',
      'selectRange',
      'of',
    ];
    const INTL_TYPES = [
      'DateTimeFormat',
      'NumberFormat',
      'Collator',
      'PluralRules',
      'RelativeTimeFormat',
      'ListFormat',
      'DisplayNames',
    ];
    const URL_PROPS = [
      'href',
      'protocol',
      'username',
      'password',
      'host',
      'hostname',
      'port',
      'pathname',
      'search',
      'hash',
    ];
    const urlRecord = (u: URL): Record<string, string> => {
      const record: Record<string, string> = { origin: u.origin };
      for (const prop of URL_PROPS) record[prop] = (u as unknown as Record<string, string>)[prop];
      return record;
    };
    const hostCall = (r: Record<string, any>): unknown => {
      const I = Intl as unknown as Record<string, any>;
      switch (r.op) {
        case 'intl': {
          if (!INTL_TYPES.includes(r.type) || !INTL_METHODS.includes(r.method)) {
            throw new TypeError('unsupported Intl call');
          }
          const key = JSON.stringify([r.type, r.locales, r.options]);
          let formatter = intlCache.get(key);
          if (!formatter) {
            formatter = new I[r.type](r.locales, r.options);
            if (intlCache.size >= MAX_INTL_CACHE) intlCache.clear();
            intlCache.set(key, formatter);
          }
          if (typeof formatter[r.method] !== 'function') {
            throw new TypeError('Intl.' + r.type + ' has no ' + r.method);
          }
          return formatter[r.method](...(r.args as unknown[]));
        }
        case 'intlStatic':
          if (r.type === '' && r.method === 'getCanonicalLocales') {
            return Intl.getCanonicalLocales(r.args[0]);
          }
          if (r.type === '' && r.method === 'supportedValuesOf') {
            return I.supportedValuesOf(r.args[0]);
          }
          if (INTL_TYPES.includes(r.type) && r.method === 'supportedLocalesOf') {
            return I[r.type].supportedLocalesOf(r.args[0], r.args[1]);
          }
          throw new TypeError('unsupported Intl call');
        case 'locale':
          if (r.kind === 'date') {
            if (
              !['toLocaleString', 'toLocaleDateString', 'toLocaleTimeString'].includes(r.method)
            ) {
              throw new TypeError('unsupported locale call');
            }
            return (new Date(r.value) as unknown as Record<string, any>)[r.method](
              r.locales,
              r.options,
            );
          }
          if (r.kind === 'number') return Number(r.value).toLocaleString(r.locales, r.options);
          if (r.kind === 'bigint') return BigInt(r.value).toLocaleString(r.locales, r.options);
          if (r.kind === 'string') {
            return String(r.value[0]).localeCompare(String(r.value[1]), r.locales, r.options);
          }
          throw new TypeError('unsupported locale call');
        case 'parseUrl':
          return urlRecord(r.base === undefined ? new URL(r.url) : new URL(r.url, r.base));
        case 'setUrl': {
          if (!URL_PROPS.includes(r.prop)) throw new TypeError('unsupported URL property');
          const u = new URL(r.href);
          (u as unknown as Record<string, string>)[r.prop] = r.value;
          return urlRecord(u);
        }
        case 'parseQuery':
          return [...new URLSearchParams(String(r.value))];
        case 'stringifyQuery':
          return new URLSearchParams(r.value as [string, string][]).toString();
        case 'atob':
          return atob(r.value);
        case 'btoa':
          return btoa(r.value);
        case 'uuid':
          return crypto.randomUUID();
        case 'now':
          return performance.now();
        case 'decoderEncoding':
          return new TextDecoder(r.label).encoding;
        default:
          throw new TypeError('unsupported host call');
      }
    };
    fn('call', (requestHandle: any) =>
      ctx.newString(answer(() => hostCall(JSON.parse(str(requestHandle))))),
    );

    // ---- the guest's globals, then the tool ----
    guard(() => startTool());
    function startTool(): void {
      const factory = ctx.evalCode(guestSource, 'sandbox-guest.js');
      if (factory.error) return engineBroke(new Error('the sandbox globals failed to load'));
      const made = ctx.callFunction(factory.value, ctx.undefined, host);
      if (made.error) {
        return engineError(made.error, 'run');
      }
      api = made.value;

      // `(source)` makes a declaration, an expression and an arrow all evaluate to the function.
      const trimmed = source.replace(/[\s;]+$/, '');
      const evaluated = ctx.evalCode('(' + trimmed + '\n)', SOURCE_NAME);
      if (evaluated.error) return engineError(evaluated.error, 'source');
      const tool = evaluated.value;
      const kind = ctx.typeof(tool);
      if (kind !== 'function') {
        const what = kind === 'object' && ctx.dump(tool) === null ? 'null' : kind;
        return failWith(
          'syntax',
          'The source must be a single function (declaration, expression or arrow); it evaluated to ' +
            what,
        );
      }
      const runFn = ctx.getProp(api, 'run');
      const started = ctx.callFunction(
        runFn,
        ctx.undefined,
        tool,
        ctx.newString(argsJson),
        ctx.newNumber(limits.maxResultBytes),
        ctx.newNumber(limits.maxLogChars),
      );
      if (started.error) return engineError(started.error, 'run');
      pump();
    }
  };

  const onRun = (event: MessageEvent): void => {
    scope.removeEventListener('message', onRun);
    const data = event.data as {
      source?: unknown;
      argsJson?: unknown;
      limits?: RunLimits;
      wasm?: unknown;
    };
    if (
      typeof data?.source !== 'string' ||
      typeof data.argsJson !== 'string' ||
      !data.limits ||
      !(data.wasm instanceof WebAssembly.Module)
    ) {
      return;
    }
    execute(data.source, data.argsJson, data.limits, data.wasm).catch((e: unknown) => {
      // A failure of the worker itself (not of the tool): let the frame's onerror report it.
      setTimeout(() => {
        throw e instanceof Error ? e : new Error(String(e));
      });
    });
  };
  scope.addEventListener('message', onRun);
  /* eslint-enable @typescript-eslint/no-explicit-any */
}
