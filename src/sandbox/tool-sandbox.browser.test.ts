/**
 * The tool sandbox in a real browser: the opaque-origin iframe, its per-call workers, timeouts,
 * cancellation and isolation from the app's storage. Run by `npm run test:browser`.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ToolSandbox } from './tool-sandbox';

/** Asks the test server (vitest.browser.config.ts) whether sandboxed code called its beacon. */
async function beaconSeen(key: string): Promise<boolean> {
  const res = await fetch(`/test-beacon/seen/${key}`);
  return ((await res.json()) as { seen: boolean }).seen;
}

/** A tool that calls the beacon, then never returns. */
const SPIN_AFTER_BEACON = `async function spin({ beacon }) {
  await fetch(beacon);
  while (true) {}
}`;

const SECRET_DB = 'browser-test-app-secrets';

describe('ToolSandbox in Chromium', () => {
  let sandbox: ToolSandbox;

  beforeAll(() => {
    sandbox = new ToolSandbox();
  });

  afterAll(() => {
    sandbox.dispose();
  });

  it('returns a tool value as a JSON clone, with its console output', async () => {
    const result = await sandbox.run(
      `async function add({ a, b }) {
        console.log('adding', a, b);
        return { sum: a + b, args: [a, b], nested: { ok: true, none: null } };
      }`,
      { a: 2, b: 3 },
    );
    expect(result).toMatchObject({
      ok: true,
      value: { sum: 5, args: [2, 3], nested: { ok: true, none: null } },
      logs: [{ level: 'log', text: 'adding 2 3' }],
    });
  });

  it('reports a thrown error as kind "threw" with its message', async () => {
    const result = await sandbox.run(`() => { throw new Error('no such city'); }`, {});
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.kind).toBe('threw');
    expect(result.message).toContain('no such city');
  });

  it('stops a runaway call at its timeout, and the next call still works', async () => {
    const result = await sandbox.run(`() => { while (true) {} }`, {}, { timeoutMs: 500 });
    expect(result).toMatchObject({ ok: false, kind: 'timeout' });
    const next = await sandbox.run(`() => 'still alive'`, {});
    expect(next).toMatchObject({ ok: true, value: 'still alive' });
  });

  it('ends a running call when its signal is aborted, and the next call still works', async () => {
    const key = `spin-${crypto.randomUUID()}`;
    const controller = new AbortController();
    const pending = sandbox.run(
      SPIN_AFTER_BEACON,
      { beacon: `${location.origin}/test-beacon/hit/${key}` },
      // Far beyond the 10 s default: had the abort no effect, the call would end as 'timeout'.
      { timeoutMs: 30_000, signal: controller.signal },
    );
    // The tool is inside its endless loop once the beacon was called.
    await expect.poll(() => beaconSeen(key), { timeout: 20_000 }).toBe(true);
    controller.abort();
    const result = await pending;
    expect(result).toMatchObject({ ok: false, kind: 'cancelled' });
    const next = await sandbox.run(`({ x }) => x * 2`, { x: 21 });
    expect(next).toMatchObject({ ok: true, value: 42 });
  }, 45_000);

  it('never runs a call whose signal is already aborted', async () => {
    const key = `never-${crypto.randomUUID()}`;
    const controller = new AbortController();
    controller.abort();
    const result = await sandbox.run(
      `async function beacon({ beacon }) { await fetch(beacon); return 'ran'; }`,
      { beacon: `${location.origin}/test-beacon/hit/${key}` },
      { signal: controller.signal },
    );
    expect(result).toMatchObject({ ok: false, kind: 'cancelled' });
    // The same tool without the abort does run and reach the beacon: the check below is real.
    const control = `ran-${crypto.randomUUID()}`;
    const ran = await sandbox.run(
      `async function beacon({ beacon }) { await fetch(beacon); return 'ran'; }`,
      { beacon: `${location.origin}/test-beacon/hit/${control}` },
    );
    expect(ran).toMatchObject({ ok: true, value: 'ran' });
    expect(await beaconSeen(control)).toBe(true);
    expect(await beaconSeen(key)).toBe(false);
  });

  it("cannot read the app's localStorage, IndexedDB or Cache Storage", async () => {
    // Secrets the page keeps (the test page's origin stands for the app's).
    localStorage.setItem('browser-test-secret', 'app-local-storage');
    await new Promise<void>((resolve, reject) => {
      const req = indexedDB.open(SECRET_DB, 1);
      req.onupgradeneeded = () => req.result.createObjectStore('secrets');
      req.onsuccess = () => {
        req.result.close();
        resolve();
      };
      req.onerror = () => reject(req.error);
    });
    onTestFinished(() => {
      localStorage.removeItem('browser-test-secret');
      indexedDB.deleteDatabase(SECRET_DB);
    });

    const result = await sandbox.run(
      `async function probe() {
        const r = { ran: true };
        if (typeof localStorage === 'undefined') r.localStorage = 'absent';
        else {
          try { r.localStorage = String(localStorage.getItem('browser-test-secret')); }
          catch (e) { r.localStorage = e.name; }
        }
        if (typeof indexedDB === 'undefined') r.indexedDB = 'absent';
        else {
          try {
            const db = await new Promise((ok, fail) => {
              const q = indexedDB.open(${JSON.stringify(SECRET_DB)});
              q.onsuccess = () => ok(q.result);
              q.onerror = () => fail(q.error);
            });
            r.indexedDB = Array.from(db.objectStoreNames);
          } catch (e) { r.indexedDB = e.name; }
        }
        if (typeof caches === 'undefined') r.caches = 'absent';
        else {
          try { r.caches = await caches.keys(); } catch (e) { r.caches = e.name; }
        }
        return r;
      }`,
      {},
    );
    // The probe ran, and each store was refused outright: the API does not exist where tool code
    // runs, or the browser throws SecurityError (an opaque origin has no storage). Any data, even
    // an empty list of stores, would fail this.
    expect(result.ok).toBe(true);
    const value = (result as { value: Record<string, unknown> }).value;
    expect(value.ran).toBe(true);
    for (const store of ['localStorage', 'indexedDB', 'caches']) {
      expect(['absent', 'SecurityError'], `${store}: ${JSON.stringify(value[store])}`).toContain(
        value[store],
      );
    }

    // The iframe itself is cross-origin to the page: the page cannot reach into it either way.
    const frames = [
      ...document.querySelectorAll<HTMLIFrameElement>('iframe[title="Tool sandbox"]'),
    ];
    expect(frames).toHaveLength(1);
    expect(frames[0].getAttribute('sandbox')).toBe('allow-scripts');
    expect(frames[0].contentDocument).toBeNull();
    expect(() => frames[0].contentWindow!.localStorage).toThrow(
      expect.objectContaining({ name: 'SecurityError' }),
    );
  });
});
