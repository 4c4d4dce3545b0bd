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
    if (!stack || !stack.includes(message)) return head;
    // Drop frames of the sandbox's own bootstrap (a blob: URL); the tool's are `tool-source.js`.
    return stack
      .split('\n')
      .filter((line) => !/^\s+at .*blob:/.test(line))
      .join('\n');
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
  const bytes = new TextEncoder().encode(json).length;
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
  if (m.type === 'run') {
    const l = m.limits as Record<string, unknown> | null;
    if (!isId(m.id) || typeof m.source !== 'string' || typeof m.argsJson !== 'string') return null;
    if (typeof l !== 'object' || l === null) return null;
    if (!isCount(l.timeoutMs) || l.timeoutMs < 1) return null;
    if (!isCount(l.maxResultBytes) || !isCount(l.maxLogEntries) || !isCount(l.maxLogChars)) {
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
      },
    };
  }
  return null;
}

/** Frame side: validates a message from a tool worker (which user code can forge). */
export function parseWorkerMessage(data: unknown): WorkerToFrame | null {
  if (typeof data !== 'object' || data === null) return null;
  const m = data as Record<string, unknown>;
  const levels = ['log', 'info', 'warn', 'error', 'debug'];
  const failures = ['threw', 'rejected', 'not-serializable', 'too-large', 'syntax'];
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
 * app's DOM or storage. It accepts exactly one MessagePort from its parent, then runs each call in
 * a fresh Blob-URL worker and terminates it when the call ends, times out or is cancelled.
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
      // The worker bootstrap swallows errors from user code, so this is a load/start failure.
      event.preventDefault();
      finish(msg.id, {
        type: 'done',
        id: msg.id,
        outcome: { kind: 'sandbox-crashed', message: 'worker error: ' + (event.message || '?') },
      });
    };
    worker.onmessageerror = () => {
      finish(msg.id, {
        type: 'done',
        id: msg.id,
        outcome: { kind: 'sandbox-crashed', message: 'a worker message could not be read' },
      });
    };
    worker.postMessage({
      type: 'run',
      source: msg.source,
      argsJson: msg.argsJson,
      limits: msg.limits,
    });
  };

  const onParentMessage = (event: MessageEvent): void => {
    const msg = parseParent(event.data);
    if (!msg) return;
    if (msg.type === 'ping') send({ type: 'pong', seq: msg.seq });
    else if (msg.type === 'cancel') {
      finish(msg.id, null);
      send({ type: 'cancelled', id: msg.id });
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

/**
 * The per-call worker's script. Handles one `run` message: captures the console, evaluates the
 * source as an expression in the global scope (indirect eval, so none of this bootstrap's
 * variables are visible), calls the function with the arguments and reports the outcome.
 */
export function workerMain(
  format: (args: readonly unknown[], maxChars: number) => string,
  toJson: (value: unknown, maxBytes: number) => JsonResult,
  describe: (reason: unknown, sourceName: string, firstLineColumnOffset: number) => string,
): void {
  const SOURCE_NAME = 'tool-source.js';
  interface Scope {
    postMessage(message: WorkerToFrame): void;
    addEventListener(type: string, listener: (event: Event) => void): void;
    removeEventListener(type: string, listener: (event: Event) => void): void;
  }
  const scope = self as unknown as Scope;
  // Captured before user code runs, which could replace the global ones.
  const post = scope.postMessage.bind(scope);
  const globalEval = eval;
  const levels: LogLevel[] = ['log', 'info', 'warn', 'error', 'debug'];

  const onRun = async (event: Event): Promise<void> => {
    scope.removeEventListener('message', onRun as (event: Event) => void);
    const data = (event as MessageEvent).data as {
      source?: unknown;
      argsJson?: unknown;
      limits?: RunLimits;
    };
    if (typeof data?.source !== 'string' || typeof data.argsJson !== 'string' || !data.limits) {
      return;
    }
    const limits = data.limits;
    let logs = 0;
    const log = (level: LogLevel, args: readonly unknown[]): void => {
      if (logs >= limits.maxLogEntries) {
        if (logs === limits.maxLogEntries) post({ type: 'logs-truncated' });
        logs = limits.maxLogEntries + 1;
        return;
      }
      logs++;
      post({ type: 'log', level, text: format(args, limits.maxLogChars) });
    };
    const con = console as unknown as Record<string, unknown>;
    for (const level of levels) con[level] = (...args: unknown[]) => log(level, args);
    scope.addEventListener('error', (e) => {
      const ev = e as ErrorEvent;
      ev.preventDefault();
      log('error', [
        'Uncaught ' + (ev.error !== undefined ? describe(ev.error, SOURCE_NAME, 1) : ev.message),
      ]);
    });
    scope.addEventListener('unhandledrejection', (e) => {
      const ev = e as PromiseRejectionEvent;
      ev.preventDefault();
      log('error', ['Uncaught (in promise) ' + describe(ev.reason, SOURCE_NAME, 1)]);
    });

    const fail = (kind: 'threw' | 'rejected' | 'syntax', message: string): void => {
      post({ type: 'failed', kind, message });
    };

    // `(source)` makes a declaration, an expression and an arrow all evaluate to the function.
    const source = data.source.replace(/[\s;]+$/, '');
    let fn: unknown;
    try {
      fn = globalEval('(' + source + '\n)\n//# sourceURL=' + SOURCE_NAME);
    } catch (e) {
      if (e instanceof SyntaxError) fail('syntax', describe(e, SOURCE_NAME, 1));
      else fail('threw', 'evaluating the source threw ' + describe(e, SOURCE_NAME, 1));
      return;
    }
    if (typeof fn !== 'function') {
      fail(
        'syntax',
        'The source must be a single function (declaration, expression or arrow); it evaluated to ' +
          (fn === null ? 'null' : typeof fn),
      );
      return;
    }
    const args = JSON.parse(data.argsJson) as unknown;

    let returned: unknown;
    try {
      returned = (fn as (args: unknown) => unknown).call(undefined, args);
    } catch (e) {
      fail('threw', describe(e, SOURCE_NAME, 1));
      return;
    }
    let value: unknown;
    try {
      value = await returned;
    } catch (e) {
      fail('rejected', describe(e, SOURCE_NAME, 1));
      return;
    }
    const result = toJson(value, limits.maxResultBytes);
    if (result.ok) post({ type: 'result', json: result.json });
    else post({ type: 'failed', kind: result.kind, message: result.message });
  };
  scope.addEventListener('message', onRun as (event: Event) => void);
}
