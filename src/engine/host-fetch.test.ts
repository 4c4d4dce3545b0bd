import { afterEach, describe, expect, it, vi } from 'vitest';
import { EngineError } from './errors';
import { createHostFetch, takeHtmlAnswer } from './host-fetch';

const opts = { headerTimeoutMs: 1000, stallTimeoutMs: 5000 };
const code = (e: unknown) => (e instanceof EngineError ? e.code : String(e));

afterEach(() => {
  vi.useRealTimers();
  takeHtmlAnswer();
});

describe('host fetch', () => {
  it('passes model files through untouched', async () => {
    const f = createHostFetch(
      async () => new Response('{"a":1}', { headers: { 'content-type': 'application/json' } }),
      opts,
    );
    const res = await f('http://h/org/m/resolve/main/config.json');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ a: 1 });
  });

  it('a refused connection is "host_unreachable", not "not found"', async () => {
    const f = createHostFetch(async () => {
      throw new TypeError('Failed to fetch');
    }, opts);
    await expect(f('http://h/x').catch(code)).resolves.toBe('host_unreachable');
  });

  it('a host that never answers times out', async () => {
    vi.useFakeTimers();
    const f = createHostFetch(
      (_input, init) =>
        new Promise((_, reject) =>
          init?.signal?.addEventListener('abort', () =>
            reject(new DOMException('aborted', 'AbortError')),
          ),
        ),
      opts,
    );
    const pending = f('http://h/x').catch(code);
    await vi.advanceTimersByTimeAsync(1000);
    await expect(pending).resolves.toBe('timeout');
  });

  it('a download that stops sending data errors as a timeout', async () => {
    vi.useFakeTimers();
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array([1, 2, 3]));
      },
    });
    const f = createHostFetch(async () => new Response(body), opts);
    const res = await f('http://h/org/m/resolve/main/onnx/model.onnx');
    const reader = res.body!.getReader();
    expect((await reader.read()).value).toEqual(new Uint8Array([1, 2, 3]));
    const next = reader.read().catch(code);
    await vi.advanceTimersByTimeAsync(5000);
    await expect(next).resolves.toBe('timeout');
  });

  it('a web page where a model file should be becomes a 404 and is remembered', async () => {
    const f = createHostFetch(
      async () =>
        new Response('<!doctype html><p>hi', { headers: { 'content-type': 'text/html' } }),
      opts,
    );
    const res = await f('http://h/org/m/resolve/main/config.json');
    expect(res.status).toBe(404);
    expect(takeHtmlAnswer()?.code).toBe('not_model_repo');
    expect(takeHtmlAnswer()).toBeNull();
  });

  it("the caller's own abort is passed on as it is", async () => {
    const ctl = new AbortController();
    const f = createHostFetch(
      (_i, init) =>
        new Promise((_, reject) =>
          init?.signal?.addEventListener('abort', () =>
            reject(new DOMException('x', 'AbortError')),
          ),
        ),
      opts,
    );
    const pending = f('http://h/x', { signal: ctl.signal }).catch((e: Error) => e.name);
    ctl.abort();
    await expect(pending).resolves.toBe('AbortError');
  });
});
