import { describe, expect, it } from 'vitest';
import { buildGuestSource, buildSrcdoc, buildWorkerSource } from './bootstrap';
import * as runtime from './sandbox-runtime';

/**
 * These functions ship as source text, so test copies re-created from that text in an empty
 * scope: a reference to anything outside the function would fail here.
 */
function isolate<T extends (...args: never[]) => unknown>(fn: T): T {
  return new Function('"use strict"; return (' + fn.toString() + ');')() as T;
}

const formatLogArgs = isolate(runtime.formatLogArgs);
const toJsonResult = isolate(runtime.toJsonResult);
const describeThrown = isolate(runtime.describeThrown);
const parseParentMessage = isolate(runtime.parseParentMessage);
const parseWorkerMessage = isolate(runtime.parseWorkerMessage);

describe('formatLogArgs', () => {
  const fmt = (...args: unknown[]) => formatLogArgs(args, 2000);

  it('prints strings raw at top level and values as JSON-like text', () => {
    expect(fmt('looking up', 'Paris')).toBe('looking up Paris');
    expect(fmt({ city: 'Paris', t: 22, ok: true, n: null })).toBe(
      '{"city":"Paris","t":22,"ok":true,"n":null}',
    );
    expect(fmt([1, 'a', [2]])).toBe('[1,"a",[2]]');
    expect(fmt(undefined, -0, 10n, Symbol('s'))).toBe('undefined -0 10n Symbol(s)');
  });

  it('names functions, marks cycles and limits depth', () => {
    function named() {}
    expect(fmt(named, () => 1)).toBe('[Function: named] [Function (anonymous)]');
    expect(fmt({ f: named })).toBe('{"f":[Function: named]}');
    const cyc: Record<string, unknown> = { a: 1 };
    cyc.self = cyc;
    expect(fmt(cyc)).toBe('{"a":1,"self":[Circular]}');
    expect(fmt({ a: { b: { c: { d: { e: 1 } } } } })).toBe('{"a":{"b":{"c":{"d":[Object]}}}}');
    // Shared (non-cyclic) references are printed twice, not as cycles.
    const shared = { x: 1 };
    expect(fmt([shared, shared])).toBe('[{"x":1},{"x":1}]');
  });

  it('prints errors, dates, maps, sets and class instances', () => {
    const err = new TypeError('bad');
    expect(fmt(err)).toContain('TypeError: bad');
    err.stack = 'TypeError: bad\n    at get (tool-source.js:2:9)\n    at run (blob:null/abc:4:347)';
    expect(fmt(err)).toBe('TypeError: bad\n    at get (tool-source.js:2:9)');
    expect(fmt({ e: err })).toBe('{"e":[TypeError: bad]}');
    // QuickJS's stack has only the frames; the sandbox's own (sandbox-guest.js) are dropped.
    err.stack = '    at get (tool-source.js:2:9)\n    at run (sandbox-guest.js:40:3)\n';
    expect(fmt(err)).toBe('TypeError: bad\n    at get (tool-source.js:2:9)');
    expect(fmt(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(fmt(new Map([['k', 1]]), new Set([1, 2]))).toBe('Map(1) {"k" => 1} Set(2) {1, 2}');
    class Point {
      constructor(
        public x: number,
        public y: number,
      ) {}
    }
    expect(fmt(new Point(1, 2))).toBe('Point {"x":1,"y":2}');
  });

  it('caps long output and many items', () => {
    const out = formatLogArgs(['x'.repeat(100)], 10);
    expect(out).toBe('xxxxxxxxxx… [truncated]');
    const huge = formatLogArgs([Array.from({ length: 100_000 }, (_, i) => i)], 50);
    expect(huge.startsWith('[0,1,2,3')).toBe(true);
    expect(huge.length).toBeLessThan(100);
    expect(fmt(Array.from({ length: 60 }, () => 0))).toContain(',… 10 more]');
  });

  it('survives hostile getters and proxies', () => {
    const evil = {
      get boom() {
        throw new Error('nope');
      },
    };
    expect(fmt('a', evil, 'b')).toBe('a [unformattable value: nope] b');
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    expect(fmt(proxy)).toBe('[unformattable value: trap]');
  });
});

describe('toJsonResult', () => {
  const ok = (v: unknown) => {
    const r = toJsonResult(v, 65536);
    if (!r.ok) throw new Error(r.message);
    return JSON.parse(r.json) as unknown;
  };
  const bad = (v: unknown) => {
    const r = toJsonResult(v, 65536);
    if (r.ok) throw new Error('expected failure, got ' + r.json);
    return r;
  };

  it('accepts plain JSON data and applies toJSON', () => {
    expect(ok({ city: 'Paris', temperature: 22, tags: ['a', null], nested: { x: true } })).toEqual({
      city: 'Paris',
      temperature: 22,
      tags: ['a', null],
      nested: { x: true },
    });
    expect(ok(new Date(0))).toBe('1970-01-01T00:00:00.000Z');
    expect(ok({ when: new Date(0) })).toEqual({ when: '1970-01-01T00:00:00.000Z' });
    expect(ok('text')).toBe('text');
  });

  it('follows JSON for undefined: top level → null, property dropped, array item → null', () => {
    expect(ok(undefined)).toBe(null);
    expect(ok({ a: undefined, b: 1 })).toEqual({ b: 1 });
    expect(ok([undefined])).toEqual([null]);
  });

  it('keeps __proto__ keys as data', () => {
    const value = JSON.parse('{"__proto__":{"polluted":true}}') as unknown;
    const r = toJsonResult(value, 65536);
    expect(r.ok && r.json).toBe('{"__proto__":{"polluted":true}}');
  });

  it('rejects what JSON would mangle, naming the path', () => {
    expect(bad({ f: () => 1 }).message).toBe('result.f is a function');
    expect(bad([1, Symbol('s')]).message).toBe('result[1] is a symbol');
    expect(bad({ n: 10n }).message).toContain('result.n is a BigInt');
    expect(bad({ 'a b': NaN }).message).toBe('result["a b"] is NaN, which JSON cannot represent');
    expect(bad({ m: new Map() }).message).toBe('result.m is a Map, not plain JSON data');
    expect(bad(new Uint8Array(2)).message).toBe('result is a Uint8Array, not plain JSON data');
    expect(bad(Promise.resolve(1)).kind).toBe('not-serializable');
    const cyc: Record<string, unknown> = {};
    cyc.me = cyc;
    expect(bad(cyc).message).toBe('result.me is a circular reference');
    const throwing = {
      toJSON() {
        throw new Error('no');
      },
    };
    expect(bad(throwing).message).toBe('converting the result to JSON threw Error: no');
    let deep: unknown = 1;
    for (let i = 0; i < 1000; i++) deep = [deep];
    expect(bad(deep).message).toContain('nested too deeply');
  });

  it('allows shared references that are not cycles', () => {
    const shared = { x: 1 };
    expect(ok({ a: shared, b: shared })).toEqual({ a: { x: 1 }, b: { x: 1 } });
  });

  it('enforces the byte cap on UTF-8 JSON', () => {
    const r = toJsonResult('é'.repeat(10), 20); // "…" = 2 quote bytes + 20 bytes
    expect(r).toEqual({
      ok: false,
      kind: 'too-large',
      message: 'The result is 22 bytes of JSON, over the limit of 20 bytes',
    });
    expect(toJsonResult('é'.repeat(9), 20).ok).toBe(true);
  });
});

describe('describeThrown', () => {
  it('gives name, message and the location in the tool source', () => {
    const e = new Error('boom');
    e.stack = 'Error: boom\n    at get_weather (tool-source.js:3:11)\n    at other.js:1:1';
    expect(describeThrown(e, 'tool-source.js', 1)).toBe('Error: boom (line 3:11)');
    e.stack = 'Error: boom\n    at tool-source.js:1:20';
    expect(describeThrown(e, 'tool-source.js', 1)).toBe('Error: boom (line 1:19)');
  });

  it('describes non-errors', () => {
    expect(describeThrown('plain', 'x', 0)).toBe('plain');
    expect(describeThrown({ code: 4 }, 'x', 0)).toBe('{"code":4}');
    expect(describeThrown(undefined, 'x', 0)).toBe('undefined');
    expect(describeThrown(Symbol('s'), 'x', 0)).toBe('Symbol(s)');
  });
});

describe('parseParentMessage (frame side)', () => {
  const limits = {
    timeoutMs: 1000,
    maxResultBytes: 10,
    maxLogEntries: 5,
    maxLogChars: 100,
    maxMemoryBytes: 256 * 1024 * 1024,
  };

  it('accepts well-formed messages and copies only known fields', () => {
    const run = { type: 'run', id: '1', source: 'x', argsJson: '{}', limits, extra: 1 };
    expect(parseParentMessage(run)).toEqual({
      type: 'run',
      id: '1',
      source: 'x',
      argsJson: '{}',
      limits,
    });
    expect(parseParentMessage({ type: 'cancel', id: '7' })).toEqual({ type: 'cancel', id: '7' });
    expect(parseParentMessage({ type: 'ping', seq: 3 })).toEqual({ type: 'ping', seq: 3 });
    const wasm = new ArrayBuffer(8);
    expect(parseParentMessage({ type: 'init', wasm, x: 1 })).toEqual({ type: 'init', wasm });
  });

  it('rejects malformed messages', () => {
    for (const m of [
      null,
      'run',
      { type: 'run', id: '1', source: 1, argsJson: '{}', limits },
      { type: 'run', id: '', source: 'x', argsJson: '{}', limits },
      { type: 'run', id: '1', source: 'x', argsJson: '{}', limits: { ...limits, timeoutMs: 0 } },
      { type: 'run', id: '1', source: 'x', argsJson: '{}', limits: { ...limits, maxLogChars: -1 } },
      { type: 'run', id: '1', source: 'x', argsJson: {}, limits },
      {
        type: 'run',
        id: '1',
        source: 'x',
        argsJson: '{}',
        limits: { ...limits, maxMemoryBytes: 0 },
      },
      {
        type: 'run',
        id: '1',
        source: 'x',
        argsJson: '{}',
        limits: { ...limits, maxMemoryBytes: 2 ** 32 },
      },
      { type: 'cancel', id: 'x'.repeat(65) },
      { type: 'init', wasm: new Uint8Array(8) },
      { type: 'init' },
      { type: 'ping', seq: 1.5 },
      { type: 'eval', code: '1' },
    ]) {
      expect(parseParentMessage(m)).toBeNull();
    }
  });
});

describe('parseWorkerMessage (frame side)', () => {
  it('accepts the worker protocol', () => {
    expect(parseWorkerMessage({ type: 'log', level: 'warn', text: 'hi' })).toEqual({
      type: 'log',
      level: 'warn',
      text: 'hi',
    });
    expect(parseWorkerMessage({ type: 'result', json: '1' })).toEqual({
      type: 'result',
      json: '1',
    });
    expect(parseWorkerMessage({ type: 'failed', kind: 'threw', message: 'x' })).toEqual({
      type: 'failed',
      kind: 'threw',
      message: 'x',
    });
    expect(parseWorkerMessage({ type: 'logs-truncated' })).toEqual({ type: 'logs-truncated' });
    // The engine's interrupt handler and heap limit are inside the worker.
    for (const kind of ['timeout', 'out-of-memory']) {
      expect(parseWorkerMessage({ type: 'failed', kind, message: '' })).toEqual({
        type: 'failed',
        kind,
        message: '',
      });
    }
  });

  it('rejects forged or malformed messages', () => {
    for (const m of [
      undefined,
      { type: 'log', level: 'trace', text: 'x' },
      { type: 'log', level: 'log', text: { toString: () => 'x' } },
      { type: 'result', json: 1 },
      // A worker cannot claim a crash or a cancellation: those are decided outside it.
      { type: 'failed', kind: 'sandbox-crashed', message: 'x' },
      { type: 'failed', kind: 'cancelled', message: 'x' },
      { type: 'done', id: '1' },
    ]) {
      expect(parseWorkerMessage(m)).toBeNull();
    }
  });
});

describe('bootstrap sources', () => {
  it('builds a worker source that parses', () => {
    const src = buildWorkerSource();
    // Parse only (quickjs-worker.test.ts runs it): wrapping in a function compiles it.
    expect(() => new Function(src)).not.toThrow();
    // The engine's library is inlined: no import, no import.meta.
    expect(src).not.toMatch(/\bimport\.meta\b|^\s*import\s|^\s*export\s/m);
  });

  it('builds a guest source that is one function expression', () => {
    const guest = buildGuestSource();
    expect(typeof new Function('return ' + guest)()).toBe('function');
  });

  it('builds a srcdoc with the nonce, and a CSP only when the network is blocked', () => {
    const open = buildSrcdoc({ nonce: 'abc123', allowNetwork: true });
    expect(open).toContain('<script nonce="abc123">');
    expect(open).not.toContain('Content-Security-Policy');
    const closed = buildSrcdoc({ nonce: 'abc123', allowNetwork: false });
    expect(closed).toContain("script-src 'nonce-abc123' 'unsafe-eval' blob:");
    // Exactly one script element: nothing inside the JSON config can close it early.
    expect(closed.match(/<\/script>/g)).toHaveLength(1);
    expect(() => buildSrcdoc({ nonce: 'a"b', allowNetwork: true })).toThrow();
  });
});
