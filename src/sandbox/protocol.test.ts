import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  MAX_LIMITS,
  MIN_MEMORY_BYTES,
  clampText,
  formatMiB,
  outOfMemoryMessage,
  isReadyMessage,
  parseFrameMessage,
  resolveLimits,
  utf8ByteLength,
} from './protocol';

describe('parseFrameMessage (parent side)', () => {
  it('accepts each message type and copies only known fields', () => {
    expect(parseFrameMessage({ type: 'hello', nonce: 'n' })).toEqual({ type: 'hello', nonce: 'n' });
    expect(parseFrameMessage({ type: 'pong', seq: 2 })).toEqual({ type: 'pong', seq: 2 });
    expect(parseFrameMessage({ type: 'cancelled', id: '1' })).toEqual({
      type: 'cancelled',
      id: '1',
    });
    expect(parseFrameMessage({ type: 'logs-truncated', id: '1' })).toEqual({
      type: 'logs-truncated',
      id: '1',
    });
    expect(parseFrameMessage({ type: 'log', id: '1', level: 'error', text: 't', x: 1 })).toEqual({
      type: 'log',
      id: '1',
      level: 'error',
      text: 't',
    });
    expect(
      parseFrameMessage({ type: 'done', id: '1', outcome: { kind: 'value', json: '{}' } }),
    ).toEqual({ type: 'done', id: '1', outcome: { kind: 'value', json: '{}' } });
    expect(
      parseFrameMessage({ type: 'done', id: '1', outcome: { kind: 'timeout', message: 'm' } }),
    ).toEqual({ type: 'done', id: '1', outcome: { kind: 'timeout', message: 'm' } });
    expect(
      parseFrameMessage({ type: 'done', id: '1', outcome: { kind: 'out-of-memory', message: '' } }),
    ).toEqual({ type: 'done', id: '1', outcome: { kind: 'out-of-memory', message: '' } });
  });

  it('rejects malformed messages', () => {
    for (const m of [
      null,
      42,
      'done',
      { type: 'ready', nonce: 'n' },
      { type: 'hello' },
      { type: 'pong', seq: '1' },
      { type: 'log', id: '1', level: 'trace', text: 't' },
      { type: 'log', id: 1, level: 'log', text: 't' },
      { type: 'log', id: '1', level: 'log', text: ['t'] },
      { type: 'done', id: '1' },
      { type: 'done', id: '1', outcome: { kind: 'value', json: {} } },
      { type: 'done', id: '1', outcome: { kind: 'value', value: 1 } },
      { type: 'done', id: '1', outcome: { kind: 'exploded', message: 'm' } },
      { type: 'done', id: '1', outcome: { kind: 'threw' } },
      { type: 'done', id: 'x'.repeat(65), outcome: { kind: 'threw', message: 'm' } },
    ]) {
      expect(parseFrameMessage(m)).toBeNull();
    }
  });
});

describe('isReadyMessage', () => {
  it('needs the type and the exact nonce', () => {
    expect(isReadyMessage({ type: 'ready', nonce: 'abc' }, 'abc')).toBe(true);
    expect(isReadyMessage({ type: 'ready', nonce: 'abd' }, 'abc')).toBe(false);
    expect(isReadyMessage({ type: 'hello', nonce: 'abc' }, 'abc')).toBe(false);
    expect(isReadyMessage(null, 'abc')).toBe(false);
  });
});

describe('resolveLimits', () => {
  it('uses the defaults: 10 s, 64 KiB, 256 MiB', () => {
    expect(resolveLimits(undefined)).toEqual(DEFAULT_LIMITS);
    expect(DEFAULT_LIMITS.timeoutMs).toBe(10_000);
    expect(DEFAULT_LIMITS.maxResultBytes).toBe(65_536);
    expect(DEFAULT_LIMITS.maxMemoryBytes).toBe(256 * 1024 * 1024);
  });

  it('clamps and floors, and ignores non-numbers', () => {
    expect(
      resolveLimits({
        timeoutMs: 0,
        maxResultBytes: 1e12,
        maxLogEntries: -3,
        maxLogChars: 10.7,
        maxMemoryBytes: 1,
      }),
    ).toEqual({
      timeoutMs: 1,
      maxResultBytes: MAX_LIMITS.maxResultBytes,
      maxLogEntries: 0,
      maxLogChars: 10,
      maxMemoryBytes: MIN_MEMORY_BYTES,
    });
    expect(resolveLimits({ maxMemoryBytes: 1e15 }).maxMemoryBytes).toBe(1024 * 1024 * 1024);
    expect(resolveLimits({ timeoutMs: NaN, maxLogEntries: '5' as unknown as number })).toEqual(
      DEFAULT_LIMITS,
    );
  });
});

describe('outOfMemoryMessage', () => {
  it('states the limit in MiB', () => {
    expect(outOfMemoryMessage(256 * 1024 * 1024)).toBe(
      'The tool used more than 256 MiB of memory and was stopped',
    );
    expect(formatMiB(1.5 * 1024 * 1024)).toBe('1.5 MiB');
  });
});

describe('utf8ByteLength', () => {
  it('matches TextEncoder, lone surrogates included', () => {
    for (const s of ['', 'abc', 'é', '€', '😀', 'a😀é€', '\ud800', '\udc00x', 'x\ud800\ud800']) {
      expect(utf8ByteLength(s)).toBe(new TextEncoder().encode(s).length);
    }
  });
});

describe('clampText', () => {
  it('cuts and marks long text only', () => {
    expect(clampText('abc', 3)).toBe('abc');
    expect(clampText('abcd', 3)).toBe('abc… [truncated]');
  });
});
