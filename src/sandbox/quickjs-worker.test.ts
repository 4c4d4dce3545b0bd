/**
 * The tool worker as it ships (bootstrap's worker source: the QuickJS library, `workerMain` and
 * the guest), run in Node against the real engine. The browser adds the iframe, the Blob worker
 * and `worker.terminate()` around it (e2e/sandbox*.spec.ts).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { starterTools } from '../features/tools/starter-tools';
import { buildWorkerSource } from './bootstrap';
import { DEFAULT_LIMITS, type RunLimits, type WorkerToFrame } from './protocol';

const MIB = 1024 * 1024;
let wasm: WebAssembly.Module;
let workerSource: string;

beforeAll(async () => {
  const require = createRequire(import.meta.url);
  const path = require.resolve('@jitl/quickjs-wasmfile-release-sync/wasm');
  wasm = await WebAssembly.compile(readFileSync(path));
  workerSource = buildWorkerSource();
});

afterEach(() => {
  vi.unstubAllGlobals();
});

interface Outcome {
  end: WorkerToFrame;
  logs: string[];
}

/** Starts one worker (the real script, with a stand-in for its global scope) and runs a tool. */
function runTool(
  source: string,
  args: unknown = {},
  limits: Partial<RunLimits> = {},
): Promise<Outcome> {
  return new Promise((resolve) => {
    const logs: string[] = [];
    let onMessage: ((event: MessageEvent) => void) | null = null;
    const scope = {
      postMessage(message: WorkerToFrame) {
        if (message.type === 'log') logs.push(`[${message.level}] ${message.text}`);
        else if (message.type === 'logs-truncated') logs.push('…');
        else resolve({ end: message, logs });
      },
      addEventListener(_type: string, listener: (event: MessageEvent) => void) {
        onMessage = listener;
      },
      removeEventListener() {
        onMessage = null;
      },
    };
    new Function('self', workerSource)(scope);
    onMessage!({
      data: {
        type: 'run',
        source,
        argsJson: JSON.stringify(args),
        limits: { ...DEFAULT_LIMITS, ...limits },
        wasm,
      },
    } as MessageEvent);
  });
}

async function value(source: string, args: unknown = {}, limits: Partial<RunLimits> = {}) {
  const { end, logs } = await runTool(source, args, limits);
  if (end.type !== 'result') throw new Error('expected a value, got ' + JSON.stringify(end));
  return { value: JSON.parse(end.json) as unknown, logs };
}

async function failure(source: string, args: unknown = {}, limits: Partial<RunLimits> = {}) {
  const { end, logs } = await runTool(source, args, limits);
  if (end.type !== 'failed') throw new Error('expected a failure, got ' + JSON.stringify(end));
  return { kind: end.kind, message: end.message, logs };
}

describe('running a tool', () => {
  it('returns the value of an async function, with its console output', async () => {
    const out = await value(
      `async function add({ a, b }) {
        console.log('adding', a, b, { deep: [1, 'x'] });
        console.warn('careful');
        return { sum: a + b, when: new Date(0) };
      }`,
      { a: 2, b: 3 },
    );
    expect(out.value).toEqual({ sum: 5, when: '1970-01-01T00:00:00.000Z' });
    expect(out.logs).toEqual(['[log] adding 2 3 {"deep":[1,"x"]}', '[warn] careful']);
  });

  it('accepts arrows and expressions, and `undefined` becomes null', async () => {
    expect((await value('({ x }) => x * 2;', { x: 21 })).value).toBe(42);
    expect((await value('function () {}')).value).toBeNull();
  });

  it('reports thrown errors and rejections with their line', async () => {
    const sync = await failure(`function f() {\n  return null.x;\n}`);
    expect(sync.kind).toBe('threw');
    expect(sync.message).toMatch(/^TypeError: .*\(line 2:\d+\)$/);
    const rejected = await failure(`async function f() {\n\n  throw new Error('no such city');\n}`);
    expect(rejected).toMatchObject({ kind: 'rejected' });
    expect(rejected.message).toMatch(/^Error: no such city \(line 3:\d+\)$/);
  });

  it('reports syntax errors and sources that are not a function', async () => {
    const bad = await failure('async function f() {\n  return {;\n}');
    expect(bad.kind).toBe('syntax');
    expect(bad.message).toMatch(/^SyntaxError: .*\(line 2:\d+\)$/);
    expect(await failure('42')).toMatchObject({
      kind: 'syntax',
      message: expect.stringContaining('it evaluated to number'),
    });
    expect(await failure('null')).toMatchObject({
      message: expect.stringContaining('it evaluated to null'),
    });
  });

  it('refuses results JSON cannot carry and results over the limit', async () => {
    expect(await failure('() => ({ m: new Map() })')).toMatchObject({
      kind: 'not-serializable',
      message: 'result.m is a Map, not plain JSON data',
    });
    expect(await failure(`() => 'é'.repeat(100)`, {}, { maxResultBytes: 100 })).toMatchObject({
      kind: 'too-large',
      message: 'The result is 202 bytes of JSON, over the limit of 100 bytes',
    });
  });

  it('caps console output', async () => {
    const out = await value(
      `() => { for (let i = 0; i < 5; i++) console.log('x'.repeat(50), i); return 1; }`,
      {},
      { maxLogEntries: 2, maxLogChars: 10 },
    );
    expect(out.logs).toEqual([
      '[log] xxxxxxxxxx… [truncated]',
      '[log] xxxxxxxxxx… [truncated]',
      '…',
    ]);
  });

  it('logs errors thrown in timers as uncaught, and the call goes on', async () => {
    const out = await value(`async () => {
      setTimeout(() => { throw new RangeError('in a timer'); });
      await new Promise((r) => setTimeout(r, 5));
      return 'done';
    }`);
    expect(out.value).toBe('done');
    expect(out.logs).toEqual([expect.stringMatching(/^\[error\] Uncaught RangeError: in a timer/)]);
  });

  it('stops a runaway tool at the deadline', async () => {
    expect(await failure('() => { while (true) {} }', {}, { timeoutMs: 100 })).toMatchObject({
      kind: 'timeout',
    });
  });

  it('turns deep recursion into an error, not a crash', async () => {
    const out = await failure('function f(n) { return f(n + 1) + 1; }');
    expect(out.kind).toBe('threw');
    expect(out.message).toContain('stack overflow');
  });
});

describe('memory', () => {
  const limits = { maxMemoryBytes: 32 * MIB };
  const bombs: [string, string][] = [
    ['a growing array', 'const a = []; while (true) a.push(new Array(1e6).fill(1));'],
    [
      'a growing string',
      "let s = ''; const parts = []; while (true) parts.push(s += 'x'.repeat(1e5));",
    ],
    ['a huge typed array', 'return new Uint8Array(1e9).length;'],
    ['many typed arrays', 'const keep = []; for (;;) keep.push(new Uint8Array(1e6).fill(1));'],
    ['nested objects', 'let o = {}; for (;;) o = { o, x: [1, 2, 3] };'],
    ['a map', 'const m = new Map(); let i = 0; for (;;) m.set(i, { i: i++ });'],
    [
      'global data',
      'globalThis.keep = []; for (;;) globalThis.keep.push("item " + Math.random());',
    ],
  ];
  for (const [name, body] of bombs) {
    it(`ends ${name} as out-of-memory`, async () => {
      const out = await failure(`async function get_weather() { ${body} }`, {}, limits);
      expect(out.kind).toBe('out-of-memory');
    });
  }

  it('ends a bomb in a timer callback as out-of-memory', async () => {
    const out = await failure(
      `() => new Promise(() => setTimeout(() => { const a = []; for (;;) a.push(new Array(1e5).fill(0)); }))`,
      {},
      limits,
    );
    expect(out.kind).toBe('out-of-memory');
  });

  it('lets a tool that catches running out of memory carry on', async () => {
    const out = await value(
      `() => { let a = []; try { for (;;) a.push(new Array(1e5).fill(1)); } catch (e) { a = null; return 'recovered: ' + e.message; } }`,
      {},
      limits,
    );
    expect(out.value).toBe('recovered: out of memory');
  });

  it('an impossible typed array is a plain RangeError', async () => {
    const out = await failure('() => new Uint8Array(8e9).length', {}, limits);
    expect(out).toMatchObject({ kind: 'threw', message: expect.stringContaining('RangeError') });
  });

  it('uses the memory the limit allows', async () => {
    const out = await value(
      '() => { const a = new Uint8Array(20 * 1024 * 1024); a.fill(7); return a[a.length - 1]; }',
      {},
      limits,
    );
    expect(out.value).toBe(7);
  });
});

describe('platform globals inside the engine', () => {
  it('has no storage, DOM or worker APIs', async () => {
    const out = await value(`() => [
      'indexedDB', 'localStorage', 'caches', 'document', 'window', 'XMLHttpRequest',
      'WebSocket', 'importScripts', 'postMessage', 'close', 'Worker', 'navigator',
    ].map((name) => name + ':' + typeof globalThis[name])`);
    expect(out.value).toEqual([
      'indexedDB:undefined',
      'localStorage:undefined',
      'caches:undefined',
      'document:undefined',
      'window:undefined',
      'XMLHttpRequest:undefined',
      'WebSocket:undefined',
      'importScripts:undefined',
      'postMessage:undefined',
      'close:undefined',
      'Worker:undefined',
      'navigator:undefined',
    ]);
  });

  it('formats dates and numbers with the browser Intl', async () => {
    const out = await value(`() => ({
      date: new Date(Date.UTC(2024, 0, 15, 12, 30)).toLocaleString('en-GB', { timeZone: 'Europe/Paris', dateStyle: 'full', timeStyle: 'long' }),
      dateOnly: new Date(Date.UTC(2024, 0, 15)).toLocaleDateString('en-US', { timeZone: 'UTC' }),
      zone: typeof Intl.DateTimeFormat().resolvedOptions().timeZone,
      parts: new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric' }).formatToParts(0),
      number: (1234567.891).toLocaleString('de-DE'),
      currency: new Intl.NumberFormat('en-US', { style: 'currency', currency: 'EUR' }).format(12.5),
      big: 12345678901234567890n.toLocaleString('en-US'),
      plural: new Intl.PluralRules('en-US').select(1),
      relative: new Intl.RelativeTimeFormat('en', { numeric: 'auto' }).format(-1, 'day'),
      list: new Intl.ListFormat('en', { type: 'conjunction' }).format(['a', 'b', 'c']),
      sorted: ['b', 'a', 'C'].sort(new Intl.Collator('en').compare),
      compare: 'a'.localeCompare('b'),
      mapped: [1000, 2000].map(new Intl.NumberFormat('en-US').format),
    })`);
    // The same calls in Node (the host's Intl answers the engine's).
    expect(out.value).toEqual({
      date: new Date(Date.UTC(2024, 0, 15, 12, 30)).toLocaleString('en-GB', {
        timeZone: 'Europe/Paris',
        dateStyle: 'full',
        timeStyle: 'long',
      }),
      dateOnly: '1/15/2024',
      zone: 'string',
      parts: [{ type: 'year', value: '1970' }],
      number: '1.234.567,891',
      currency: '€12.50',
      big: '12,345,678,901,234,567,890',
      plural: 'one',
      relative: 'yesterday',
      list: 'a, b, and c',
      sorted: ['a', 'b', 'C'],
      compare: -1,
      mapped: ['1,000', '2,000'],
    });
    expect(
      await failure(`() => new Intl.DateTimeFormat('en', { timeZone: 'Mars/Base' })`),
    ).toMatchObject({ kind: 'threw', message: expect.stringMatching(/^RangeError: /) });
  });

  it('has URL and URLSearchParams', async () => {
    const out = await value(`() => {
      const u = new URL('/search?q=a b&x=1#top', 'https://example.com/base/');
      u.searchParams.append('city', 'São Paulo');
      u.searchParams.delete('x');
      const p = new URLSearchParams({ a: '1', b: 'two words' });
      let invalid;
      try { new URL('not a url'); } catch (e) { invalid = e instanceof TypeError; }
      return { href: u.href, host: u.host, path: u.pathname, q: u.searchParams.get('q'),
        p: p.toString(), invalid, json: JSON.stringify({ u }), canParse: URL.canParse('https://a.b') };
    }`);
    expect(out.value).toEqual({
      href: 'https://example.com/search?q=a+b&city=S%C3%A3o+Paulo#top',
      host: 'example.com',
      path: '/search',
      q: 'a b',
      p: 'a=1&b=two+words',
      invalid: true,
      json: '{"u":"https://example.com/search?q=a+b&city=S%C3%A3o+Paulo#top"}',
      canParse: true,
    });
  });

  it('has TextEncoder/TextDecoder, atob/btoa, crypto and performance', async () => {
    const out = await value(`() => {
      const bytes = new TextEncoder().encode('héllo');
      const random = crypto.getRandomValues(new Uint8Array(16));
      return {
        bytes: Array.from(bytes),
        text: new TextDecoder().decode(bytes),
        b64: btoa('hello'),
        plain: atob('aGVsbG8='),
        uuid: /^[0-9a-f-]{36}$/.test(crypto.randomUUID()),
        random: random.length,
        now: typeof performance.now(),
      };
    }`);
    expect(out.value).toEqual({
      bytes: [104, 195, 169, 108, 108, 111],
      text: 'héllo',
      b64: 'aGVsbG8=',
      plain: 'hello',
      uuid: true,
      random: 16,
      now: 'number',
    });
  });

  it('bridges fetch with a Response-like result', async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      seen.push({ url, init });
      return new Response(JSON.stringify({ temperature: 22 }), {
        status: 201,
        statusText: 'Created',
        headers: { 'Content-Type': 'application/json', 'X-Thing': 'a' },
      });
    });
    const out = await value(
      `async function get_weather({ city }) {
      const res = await fetch('https://api.example/weather?city=' + encodeURIComponent(city), {
        method: 'POST', headers: { 'X-Key': 'k' }, body: JSON.stringify({ city }),
      });
      const data = await res.json();
      let again;
      try { await res.text(); } catch (e) { again = e.name; }
      return { ok: res.ok, status: res.status, statusText: res.statusText,
        type: res.headers.get('content-type'), thing: res.headers.get('x-thing'), data, again };
    }`,
      { city: 'Paris' },
    );
    expect(out.value).toEqual({
      ok: true,
      status: 201,
      statusText: 'Created',
      type: 'application/json',
      thing: 'a',
      data: { temperature: 22 },
      again: 'TypeError',
    });
    expect(seen).toHaveLength(1);
    expect(seen[0].url).toBe('https://api.example/weather?city=Paris');
    expect(seen[0].init).toMatchObject({ method: 'POST', body: '{"city":"Paris"}' });
    expect(seen[0].init.headers).toEqual(
      expect.arrayContaining([
        ['x-key', 'k'],
        ['content-type', 'text/plain;charset=UTF-8'],
      ]),
    );
  });

  it('rejects fetch with the browser error, and bodies over the memory limit', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(await failure(`async () => { await fetch('https://x.example'); }`)).toMatchObject({
      kind: 'rejected',
      message: 'TypeError: Failed to fetch',
    });
    vi.stubGlobal('fetch', async () => new Response(new Uint8Array(9 * MIB)));
    expect(
      await failure(
        `async () => (await fetch('https://x.example')).status`,
        {},
        { maxMemoryBytes: 8 * MIB },
      ),
    ).toMatchObject({
      kind: 'rejected',
      message: expect.stringMatching(
        /^RangeError: The response body is larger than the memory limit/,
      ),
    });
  });
});

describe('the starter tools', () => {
  const tools = Object.fromEntries(
    starterTools().map((t) => [JSON.parse(t.definition).name as string, t.implementation]),
  );

  it('get_weather, get_candidate_status, calculate and convert_units', async () => {
    expect((await value(tools.get_weather, { city: 'Paris' })).value).toEqual({
      city: 'Paris',
      temperature: 22,
      condition: 'sunny',
      unit: 'celsius',
    });
    expect(await failure(tools.get_weather, { city: 'Atlantis' })).toMatchObject({
      kind: 'rejected',
      message: expect.stringContaining('No weather data for Atlantis'),
    });
    expect((await value(tools.get_candidate_status, { candidate_id: '12345' })).value).toEqual({
      candidate_id: '12345',
      status: 'Interview Scheduled',
    });
    expect((await value(tools.calculate, { expression: '(2 + 3) * 4 ^ 2' })).value).toEqual({
      expression: '(2 + 3) * 4 ^ 2',
      result: 80,
    });
    expect(
      (await value(tools.convert_units, { value: 100, from_unit: 'c', to_unit: 'f' })).value,
    ).toEqual({ value: 100, from_unit: 'c', to_unit: 'f', result: 212 });
  });

  it('get_current_datetime, with and without a time zone', async () => {
    const paris = (await value(tools.get_current_datetime, { timezone: 'Europe/Paris' }))
      .value as Record<string, string>;
    expect(paris.timezone).toBe('Europe/Paris');
    expect(paris.iso).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(paris.formatted).toBe(
      new Date(paris.iso).toLocaleString('en-GB', {
        timeZone: 'Europe/Paris',
        dateStyle: 'full',
        timeStyle: 'long',
      }),
    );
    expect(paris.formatted).toMatch(/2\d{3}/);
    const local = (await value(tools.get_current_datetime, {})).value as Record<string, string>;
    expect(local.timezone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });
});
