/**
 * Runs users' tool implementations away from the app.
 *
 * Isolation: a hidden `<iframe sandbox="allow-scripts" srcdoc>` (no allow-same-origin, so its
 * origin is opaque: no access to the app's DOM, IndexedDB, localStorage, Cache Storage or
 * cookies), and inside it one Blob-URL Worker per call (opaque as well), so a runaway call is
 * stopped with `worker.terminate()` and never blocks the app's main thread. In that worker the
 * tool's code runs in QuickJS compiled to WebAssembly (quickjs-engine.ts, guest.ts) with a heap
 * limit (`maxMemoryBytes`), so a tool that allocates without end fails with `out-of-memory`
 * instead of taking down the renderer process, which in browsers that keep the iframe in the
 * app's process (no site isolation for sandboxed frames) is the app's tab. The app talks to the
 * iframe over a MessageChannel handed over once, after the iframe's `ready` message was checked
 * to come from this iframe's window with this iframe's nonce; every message is validated by shape.
 * A watchdog (cancel acknowledgement + heartbeat while calls run) replaces an iframe that stops
 * answering. See bootstrap.ts for why srcdoc works under the app's COOP/COEP headers.
 */
import { buildSrcdoc } from './bootstrap';
import { ENGINE_WASM_URL } from './quickjs-engine';
import {
  clampText,
  isReadyMessage,
  outOfMemoryMessage,
  parseFrameMessage,
  resolveLimits,
  utf8ByteLength,
  type FailureKind,
  type FrameToParent,
  type LogLevel,
  type ParentToFrame,
  type RunLimits,
} from './protocol';

export interface SandboxLog {
  level: LogLevel;
  text: string;
}

export type ToolRunResult =
  | {
      ok: true;
      /** The tool's return value as a JSON-safe clone (a top-level `undefined` becomes `null`). */
      value: unknown;
      logs: SandboxLog[];
      durationMs: number;
      /** True when log entries were dropped because of `maxLogEntries`. */
      truncatedLogs?: boolean;
    }
  | {
      ok: false;
      kind: FailureKind;
      message: string;
      logs: SandboxLog[];
      durationMs: number;
      truncatedLogs?: boolean;
    };

export interface ToolSandboxOptions {
  /** Where the hidden iframe is attached; `document.body` by default. */
  container?: HTMLElement;
  /**
   * Whether tools may use the network (fetch, XHR, WebSocket, importScripts, import()). Default
   * true. When false, a Content-Security-Policy in the iframe document (inherited by the workers)
   * blocks all of it. Either way requests come from an opaque origin (`Origin: null`).
   */
  allowNetwork?: boolean;
}

export interface ToolRunOptions {
  /** Default 10 000 ms; the call's worker is terminated when it runs out. */
  timeoutMs?: number;
  /** Default 64 KiB of UTF-8 JSON. */
  maxResultBytes?: number;
  /** Default 100; later entries are dropped and `truncatedLogs` is set. */
  maxLogEntries?: number;
  /** Default 2 000 characters per log entry. */
  maxLogChars?: number;
  /**
   * Default 256 MiB (at least 8, at most 1024): the heap of the tool's JavaScript engine. A tool
   * that needs more ends with kind `out-of-memory`.
   */
  maxMemoryBytes?: number;
  /** Aborting ends the call at once (kind `cancelled`) and terminates its worker. */
  signal?: AbortSignal;
}

/** The engine's WebAssembly bytes, fetched once from the app's origin and kept. */
let engineBytes: Promise<ArrayBuffer> | null = null;
function loadEngine(): Promise<ArrayBuffer> {
  engineBytes ??= fetch(ENGINE_WASM_URL).then((res) => {
    if (!res.ok) throw new Error(`HTTP ${res.status} for the JavaScript engine`);
    return res.arrayBuffer();
  });
  engineBytes.catch(() => {
    engineBytes = null; // the next sandbox tries again
  });
  return engineBytes;
}

/** How long the iframe may take to load and answer the handshake (engine download included). */
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** How long the iframe may take to confirm it terminated a timed-out call's worker. */
const CANCEL_ACK_TIMEOUT_MS = 2_000;
/** While calls are in flight the iframe is pinged this often; two unanswered pings kill it. */
const HEARTBEAT_MS = 2_000;
const MAX_MESSAGE_CHARS = 4_000;

interface Frame {
  iframe: HTMLIFrameElement;
  port: MessagePort;
  nonce: string;
  ready: Promise<void>;
  markReady: () => void;
  markFailed: (reason: Error) => void;
  connected: boolean;
  hello: boolean;
  dead: boolean;
  onWindowMessage: (event: MessageEvent) => void;
  handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  heartbeat: ReturnType<typeof setInterval> | undefined;
  pingSent: number;
  pongSeen: number;
  cancelAcks: Map<string, ReturnType<typeof setTimeout>>;
}

interface PendingRun {
  id: string;
  frame: Frame;
  limits: RunLimits;
  calledAt: number;
  startedAt: number | undefined;
  logs: SandboxLog[];
  truncatedLogs: boolean;
  timer: ReturnType<typeof setTimeout> | undefined;
  settled: boolean;
  resolve: (result: ToolRunResult) => void;
}

type Failure = { ok: false; kind: FailureKind; message: string };
type Outcome = { ok: true; value: unknown } | Failure;

function randomHex(bytes: number): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(buf, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class ToolSandbox {
  readonly #container: HTMLElement | undefined;
  readonly #allowNetwork: boolean;
  #frame: Frame | null = null;
  #runs = new Map<string, PendingRun>();
  #nextId = 1;
  #disposed = false;

  constructor(options: ToolSandboxOptions = {}) {
    this.#container = options.container;
    this.#allowNetwork = options.allowNetwork ?? true;
  }

  /** Runs `source` (a function) with `args` in a fresh worker inside the sandbox iframe. */
  run(
    source: string,
    args: Record<string, unknown>,
    opts?: ToolRunOptions,
  ): Promise<ToolRunResult> {
    const calledAt = performance.now();
    const limits = resolveLimits(opts);
    const early = (kind: FailureKind, message: string): Promise<ToolRunResult> =>
      Promise.resolve({ ok: false, kind, message, logs: [], durationMs: 0 });

    if (this.#disposed) return early('sandbox-crashed', 'The tool sandbox was disposed');
    if (opts?.signal?.aborted) return early('cancelled', 'Stopped before it ran');
    if (typeof source !== 'string') return early('syntax', 'The tool source is not a string');
    if (source.trim() === '') return early('syntax', 'The tool source is empty');
    let argsJson: string | undefined;
    try {
      argsJson = JSON.stringify(args ?? {});
    } catch (e) {
      return early(
        'not-serializable',
        'The arguments are not JSON-serialisable: ' + (e instanceof Error ? e.message : String(e)),
      );
    }
    if (typeof argsJson !== 'string') {
      return early('not-serializable', 'The arguments are not JSON-serialisable');
    }
    const json = argsJson;

    let frame: Frame;
    try {
      frame = this.#ensureFrame();
    } catch (e) {
      return early(
        'sandbox-crashed',
        'Could not create the tool sandbox: ' + (e instanceof Error ? e.message : String(e)),
      );
    }
    const id = String(this.#nextId++);
    return new Promise<ToolRunResult>((resolve) => {
      const run: PendingRun = {
        id,
        frame,
        limits,
        calledAt,
        startedAt: undefined,
        logs: [],
        truncatedLogs: false,
        timer: undefined,
        settled: false,
        resolve,
      };
      this.#runs.set(id, run);
      opts?.signal?.addEventListener('abort', () => this.#cancel(run), { once: true });
      frame.ready.then(
        () => {
          if (run.settled || frame.dead) return;
          run.startedAt = performance.now();
          run.timer = setTimeout(() => this.#onTimeout(run), limits.timeoutMs);
          this.#post(frame, { type: 'run', id, source, argsJson: json, limits });
          this.#startHeartbeat(frame);
        },
        (reason: unknown) => {
          this.#finish(run, {
            ok: false,
            kind: 'sandbox-crashed',
            message: reason instanceof Error ? reason.message : String(reason),
          });
        },
      );
    });
  }

  /** Removes the iframe; calls in flight end with `sandbox-crashed`, later calls too. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    if (this.#frame) this.#teardown(this.#frame, 'The tool sandbox was disposed');
  }

  // -------------------------------------------------------------------------------------------

  #ensureFrame(): Frame {
    if (this.#frame && !this.#frame.dead) return this.#frame;
    const nonce = randomHex(16);
    const iframe = document.createElement('iframe');
    iframe.setAttribute('sandbox', 'allow-scripts');
    iframe.setAttribute('aria-hidden', 'true');
    iframe.tabIndex = -1;
    iframe.title = 'Tool sandbox';
    // Not display:none (hidden cross-origin frames may be throttled); just out of sight.
    iframe.style.cssText =
      'position:absolute;width:0;height:0;border:0;left:-10000px;top:-10000px;visibility:hidden';
    iframe.srcdoc = buildSrcdoc({ nonce, allowNetwork: this.#allowNetwork });

    const channel = new MessageChannel();
    let markReady!: () => void;
    let markFailed!: (reason: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      markFailed = reject;
    });
    ready.catch(() => {}); // failures are reported through each run
    const frame: Frame = {
      iframe,
      port: channel.port1,
      nonce,
      ready,
      markReady,
      markFailed,
      connected: false,
      hello: false,
      dead: false,
      onWindowMessage: () => {},
      handshakeTimer: undefined,
      heartbeat: undefined,
      pingSent: 0,
      pongSeen: 0,
      cancelAcks: new Map(),
    };
    frame.onWindowMessage = (event: MessageEvent) => {
      const win = iframe.contentWindow;
      // Only this iframe's window, with an opaque origin and this document's nonce.
      if (frame.dead || frame.connected || win === null || event.source !== win) return;
      if (event.origin !== 'null' || !isReadyMessage(event.data, nonce)) return;
      frame.connected = true;
      window.removeEventListener('message', frame.onWindowMessage);
      win.postMessage({ type: 'connect', nonce }, '*', [channel.port2]);
    };
    window.addEventListener('message', frame.onWindowMessage);
    channel.port1.onmessage = (event: MessageEvent) => this.#onFrameMessage(frame, event.data);
    frame.handshakeTimer = setTimeout(
      () => this.#teardown(frame, 'The tool sandbox did not start'),
      HANDSHAKE_TIMEOUT_MS,
    );
    (this.#container ?? document.body).appendChild(iframe);
    this.#frame = frame;
    return frame;
  }

  #post(frame: Frame, message: ParentToFrame): void {
    if (!frame.dead) frame.port.postMessage(message);
  }

  #onFrameMessage(frame: Frame, data: unknown): void {
    if (frame.dead) return;
    const msg: FrameToParent | null = parseFrameMessage(data);
    if (!msg) return;
    if (msg.type === 'hello') {
      if (msg.nonce !== frame.nonce || frame.hello) return;
      frame.hello = true;
      // The engine goes first on the port, so every run message finds it there.
      loadEngine().then(
        (wasm) => {
          if (frame.dead) return;
          clearTimeout(frame.handshakeTimer);
          this.#post(frame, { type: 'init', wasm });
          frame.markReady();
        },
        (e: unknown) =>
          this.#teardown(
            frame,
            'Could not load the JavaScript engine for tools: ' +
              (e instanceof Error ? e.message : String(e)),
          ),
      );
      return;
    }
    if (msg.type === 'pong') {
      frame.pongSeen = Math.max(frame.pongSeen, msg.seq);
      return;
    }
    if (msg.type === 'cancelled') {
      clearTimeout(frame.cancelAcks.get(msg.id));
      frame.cancelAcks.delete(msg.id);
      return;
    }
    const run = this.#runs.get(msg.id);
    if (!run || run.frame !== frame || run.settled) return;
    if (msg.type === 'log') {
      if (run.logs.length < run.limits.maxLogEntries) {
        run.logs.push({ level: msg.level, text: clampText(msg.text, run.limits.maxLogChars) });
      } else run.truncatedLogs = true;
    } else if (msg.type === 'logs-truncated') {
      run.truncatedLogs = true;
    } else {
      const outcome = msg.outcome;
      if (outcome.kind === 'value') this.#finish(run, this.#decode(outcome.json, run.limits));
      else if (outcome.kind === 'timeout') this.#finish(run, this.#timeoutFailure(run));
      else if (outcome.kind === 'out-of-memory') {
        this.#finish(run, {
          ok: false,
          kind: 'out-of-memory',
          message: outOfMemoryMessage(run.limits.maxMemoryBytes),
        });
      } else {
        const message = clampText(outcome.message, MAX_MESSAGE_CHARS);
        this.#finish(run, {
          ok: false,
          kind: outcome.kind,
          message:
            outcome.kind === 'sandbox-crashed' ? 'The tool sandbox failed: ' + message : message,
        });
      }
    }
  }

  /** The parent re-checks size and JSON validity itself: nothing from the frame is trusted. */
  #decode(json: string, limits: RunLimits): Outcome {
    const bytes = utf8ByteLength(json);
    if (bytes > limits.maxResultBytes) {
      return {
        ok: false,
        kind: 'too-large',
        message: `The result is ${bytes} bytes of JSON, over the limit of ${limits.maxResultBytes} bytes`,
      };
    }
    try {
      return { ok: true, value: JSON.parse(json) as unknown };
    } catch {
      // Only reachable if the tool forged a protocol message with broken JSON.
      return { ok: false, kind: 'not-serializable', message: 'The result was not valid JSON' };
    }
  }

  #timeoutFailure(run: PendingRun): Failure {
    return {
      ok: false,
      kind: 'timeout',
      message: `The tool did not finish within ${run.limits.timeoutMs} ms and was stopped`,
    };
  }

  #onTimeout(run: PendingRun): void {
    this.#end(run, this.#timeoutFailure(run));
  }

  #cancel(run: PendingRun): void {
    this.#end(run, { ok: false, kind: 'cancelled', message: 'Stopped' });
  }

  /** Settles a run from the app's side and makes sure its worker is gone. */
  #end(run: PendingRun, failure: Failure): void {
    if (run.settled) return;
    const frame = run.frame;
    const started = run.startedAt !== undefined;
    this.#finish(run, failure);
    if (frame.dead || !started) return;
    // The frame must confirm it terminated the worker; if it cannot, the whole frame goes.
    frame.cancelAcks.set(
      run.id,
      setTimeout(
        () => this.#teardown(frame, 'The tool sandbox stopped answering'),
        CANCEL_ACK_TIMEOUT_MS,
      ),
    );
    this.#post(frame, { type: 'cancel', id: run.id });
  }

  #startHeartbeat(frame: Frame): void {
    if (frame.heartbeat !== undefined) return;
    frame.pongSeen = frame.pingSent;
    let missed = 0;
    frame.heartbeat = setInterval(() => {
      // Counted in pings, not wall time, so timer throttling in a background tab is harmless.
      if (frame.pongSeen < frame.pingSent) missed++;
      else missed = 0;
      if (missed >= 2) {
        this.#teardown(frame, 'The tool sandbox stopped answering');
        return;
      }
      frame.pingSent++;
      this.#post(frame, { type: 'ping', seq: frame.pingSent });
    }, HEARTBEAT_MS);
  }

  #stopHeartbeatIfIdle(frame: Frame): void {
    for (const run of this.#runs.values()) if (run.frame === frame) return;
    clearInterval(frame.heartbeat);
    frame.heartbeat = undefined;
  }

  #finish(run: PendingRun, outcome: Outcome): void {
    if (run.settled) return;
    run.settled = true;
    clearTimeout(run.timer);
    this.#runs.delete(run.id);
    this.#stopHeartbeatIfIdle(run.frame);
    const durationMs = Math.round((performance.now() - (run.startedAt ?? run.calledAt)) * 10) / 10;
    const extra = run.truncatedLogs ? { truncatedLogs: true } : {};
    run.resolve({ ...outcome, logs: run.logs, durationMs, ...extra });
  }

  /** Removes a frame; its calls in flight end with `sandbox-crashed`. The next call makes a new one. */
  #teardown(frame: Frame, reason: string): void {
    if (frame.dead) return;
    frame.dead = true;
    clearTimeout(frame.handshakeTimer);
    clearInterval(frame.heartbeat);
    for (const timer of frame.cancelAcks.values()) clearTimeout(timer);
    frame.cancelAcks.clear();
    window.removeEventListener('message', frame.onWindowMessage);
    frame.port.onmessage = null;
    frame.port.close();
    frame.iframe.remove();
    if (this.#frame === frame) this.#frame = null;
    frame.markFailed(new Error(reason));
    for (const run of [...this.#runs.values()]) {
      if (run.frame === frame)
        this.#finish(run, { ok: false, kind: 'sandbox-crashed', message: reason });
    }
  }
}
