/**
 * Messages between the app (parent), the sandbox iframe (frame) and a tool worker, and the
 * parent-side validation of what comes back from the frame. Everything that crosses a boundary is
 * plain data; the tool's result travels as JSON text so the parent can measure and parse it itself.
 *
 * parent ──init/run/cancel/ping──▶ frame ──run──▶ worker (one per call, running QuickJS)
 * parent ◀─hello/log/done/cancelled/pong── frame ◀─log/result/failed── worker
 *
 * `init` carries the JavaScript engine (QuickJS compiled to WebAssembly) once per frame: the app
 * loads it from its own origin, the frame compiles it once and hands the compiled module to each
 * worker.
 */

export type LogLevel = 'log' | 'info' | 'warn' | 'error' | 'debug';

export const LOG_LEVELS: readonly LogLevel[] = ['log', 'info', 'warn', 'error', 'debug'];

export type FailureKind =
  | 'timeout'
  | 'threw'
  | 'rejected'
  | 'not-serializable'
  | 'too-large'
  | 'syntax'
  | 'sandbox-crashed'
  /** The caller aborted the run (Stop); its worker was terminated. */
  | 'cancelled'
  /** The tool used more memory than `maxMemoryBytes` allows; its engine refused to allocate. */
  | 'out-of-memory';

export const FAILURE_KINDS: readonly FailureKind[] = [
  'timeout',
  'threw',
  'rejected',
  'not-serializable',
  'too-large',
  'syntax',
  'sandbox-crashed',
  'out-of-memory',
];

/**
 * The failures a worker itself can report. Crashes and cancellations are decided outside it; a
 * worker reports `timeout` when its engine's interrupt handler stopped the tool at the deadline.
 */
export type WorkerFailureKind = Exclude<FailureKind, 'sandbox-crashed' | 'cancelled'>;

export interface RunLimits {
  timeoutMs: number;
  maxResultBytes: number;
  maxLogEntries: number;
  maxLogChars: number;
  /** Heap of the tool's JavaScript engine (QuickJS), in bytes. */
  maxMemoryBytes: number;
}

export type ParentToFrame =
  /** The engine's WebAssembly bytes, sent once per frame before any run. */
  | { type: 'init'; wasm: ArrayBuffer }
  | { type: 'run'; id: string; source: string; argsJson: string; limits: RunLimits }
  | { type: 'cancel'; id: string }
  | { type: 'ping'; seq: number };

export type RunOutcome = { kind: 'value'; json: string } | { kind: FailureKind; message: string };

export type FrameToParent =
  | { type: 'hello'; nonce: string }
  | { type: 'log'; id: string; level: LogLevel; text: string }
  | { type: 'logs-truncated'; id: string }
  | { type: 'done'; id: string; outcome: RunOutcome }
  | { type: 'cancelled'; id: string }
  | { type: 'pong'; seq: number };

export type WorkerToFrame =
  | { type: 'log'; level: LogLevel; text: string }
  | { type: 'logs-truncated' }
  | { type: 'result'; json: string }
  | { type: 'failed'; kind: WorkerFailureKind; message: string };

const MIB = 1024 * 1024;

export const DEFAULT_LIMITS: RunLimits = {
  timeoutMs: 10_000,
  maxResultBytes: 64 * 1024,
  maxLogEntries: 100,
  maxLogChars: 2_000,
  maxMemoryBytes: 256 * MIB,
};

/** Upper bounds on what a caller may ask for, so a typo cannot disable the limits. */
export const MAX_LIMITS: RunLimits = {
  timeoutMs: 10 * 60_000,
  maxResultBytes: 16 * 1024 * 1024,
  maxLogEntries: 10_000,
  maxLogChars: 100_000,
  maxMemoryBytes: 1024 * MIB,
};

/** The smallest memory limit: the engine and the sandbox's own globals need a few MiB. */
export const MIN_MEMORY_BYTES = 8 * MIB;

/** Fills in defaults and clamps each limit to [min, MAX_LIMITS]; non-numbers give the default. */
export function resolveLimits(opts: Partial<RunLimits> | undefined): RunLimits {
  const pick = (key: keyof RunLimits, min: number): number => {
    const v = opts?.[key];
    if (typeof v !== 'number' || Number.isNaN(v)) return DEFAULT_LIMITS[key];
    return Math.min(MAX_LIMITS[key], Math.max(min, Math.floor(v)));
  };
  return {
    timeoutMs: pick('timeoutMs', 1),
    maxResultBytes: pick('maxResultBytes', 1),
    maxLogEntries: pick('maxLogEntries', 0),
    maxLogChars: pick('maxLogChars', 1),
    maxMemoryBytes: pick('maxMemoryBytes', MIN_MEMORY_BYTES),
  };
}

/** "256 MiB", "1.5 MiB": a memory limit as people read it. */
export function formatMiB(bytes: number): string {
  const mib = bytes / MIB;
  return (Number.isInteger(mib) ? String(mib) : mib.toFixed(1)) + ' MiB';
}

/** The message of an `out-of-memory` failure. */
export function outOfMemoryMessage(maxMemoryBytes: number): string {
  return `The tool used more than ${formatMiB(maxMemoryBytes)} of memory and was stopped`;
}

const isId = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 64;

/**
 * Parent side: validates a message from the frame's port. The frame only runs our bootstrap, but
 * it shares a process with user code, so nothing it sends is trusted beyond its shape.
 */
export function parseFrameMessage(data: unknown): FrameToParent | null {
  if (typeof data !== 'object' || data === null) return null;
  const m = data as Record<string, unknown>;
  switch (m.type) {
    case 'hello':
      return typeof m.nonce === 'string' ? { type: 'hello', nonce: m.nonce } : null;
    case 'pong':
      return typeof m.seq === 'number' && Number.isInteger(m.seq)
        ? { type: 'pong', seq: m.seq }
        : null;
    case 'cancelled':
    case 'logs-truncated':
      return isId(m.id) ? { type: m.type, id: m.id } : null;
    case 'log':
      if (!isId(m.id) || typeof m.text !== 'string') return null;
      if (typeof m.level !== 'string' || !(LOG_LEVELS as readonly string[]).includes(m.level)) {
        return null;
      }
      return { type: 'log', id: m.id, level: m.level as LogLevel, text: m.text };
    case 'done': {
      if (!isId(m.id) || typeof m.outcome !== 'object' || m.outcome === null) return null;
      const o = m.outcome as Record<string, unknown>;
      if (o.kind === 'value') {
        return typeof o.json === 'string'
          ? { type: 'done', id: m.id, outcome: { kind: 'value', json: o.json } }
          : null;
      }
      if (typeof o.kind !== 'string' || !(FAILURE_KINDS as readonly string[]).includes(o.kind)) {
        return null;
      }
      if (typeof o.message !== 'string') return null;
      return {
        type: 'done',
        id: m.id,
        outcome: { kind: o.kind as FailureKind, message: o.message },
      };
    }
    default:
      return null;
  }
}

/** Validates the frame's first message on the window (before the port exists). */
export function isReadyMessage(data: unknown, nonce: string): boolean {
  if (typeof data !== 'object' || data === null) return false;
  const m = data as Record<string, unknown>;
  return m.type === 'ready' && m.nonce === nonce;
}

/** UTF-8 length of a string without allocating the encoded bytes. */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Cuts a log line to `maxChars`, marking the cut. */
export function clampText(text: string, maxChars: number): string {
  return text.length > maxChars ? text.slice(0, maxChars) + '… [truncated]' : text;
}
