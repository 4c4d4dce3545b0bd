import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { EngineClient, type WorkerLike } from '../engine/client';
import type {
  ControlMessage,
  EngineErrorInfo,
  EngineRequest,
  WorkerEvent,
} from '../engine/protocol';
import { createAppStore } from './create-store';
import { PlaygroundDb } from './db';
import { attachPersistence } from './persistence';
import { eventually } from './test-store';

/** A scripted worker: answers load/generate like the real one, token by token. */
class ScriptedWorker implements WorkerLike {
  onmessage: ((e: MessageEvent<WorkerEvent>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  requests: EngineRequest[] = [];
  holdGeneration = false;
  failGeneration: EngineErrorInfo | null = null;
  terminated = 0;
  private emit(e: WorkerEvent) {
    queueMicrotask(() => this.onmessage?.({ data: e } as MessageEvent<WorkerEvent>));
  }
  postMessage(m: EngineRequest | ControlMessage) {
    if (m.type === 'stop') return;
    this.requests.push(m);
    if (m.type === 'load')
      this.emit({
        type: 'result',
        id: m.id,
        value: {
          repo: m.params.repo,
          device: 'wasm',
          dtype: 'q8',
          specialTokens: ['<|im_end|>'],
          eosToken: '<|im_end|>',
          warnings: [],
        },
      });
    if (m.type === 'generate' && this.failGeneration) {
      this.emit({ type: 'error', id: m.id, error: this.failGeneration });
      this.emit({ type: 'fatal', error: this.failGeneration });
      return;
    }
    if (m.type === 'generate') {
      for (const t of ['Hel', 'lo', '!']) this.emit({ type: 'token', id: m.id, text: t });
      if (!this.holdGeneration)
        this.emit({
          type: 'result',
          id: m.id,
          value: { text: 'Hello!', finishReason: 'eos', stats: { outputTokens: 3 } },
        });
    }
  }
  terminate() {
    this.terminated++;
  }
}

function setup() {
  const worker = new ScriptedWorker();
  const store = createAppStore(new EngineClient(() => worker), () => ({
    run: async () => ({ ok: true, value: null, logs: [], durationMs: 0 }),
  }));
  return { worker, store };
}

describe('chat flow through the store', () => {
  it('refuses to send without a loaded model and says what to do', async () => {
    const { store } = setup();
    await store.getState().send('hi');
    expect(store.getState().chat.notice).toMatch(/Load a model first/);
    const conv = store.getState().chat.conversations[store.getState().chat.activeId];
    expect(conv.messages).toHaveLength(0);
  });

  it('streams a reply, then stores the final text and stats; regenerate replaces it', async () => {
    const { store, worker } = setup();
    await store.getState().loadSelected();
    store.getState().setSystemPrompt('Be brief.');
    await store.getState().send('hi');
    let conv = store.getState().chat.conversations[store.getState().chat.activeId];
    expect(conv.title).toBe('hi');
    expect(conv.messages.map((m) => [m.role, m.content, m.status])).toEqual([
      ['user', 'hi', 'done'],
      ['assistant', 'Hello!', 'done'],
    ]);
    const gen = worker.requests.find((r) => r.type === 'generate')!;
    expect(gen.type === 'generate' && gen.params.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'hi' },
    ]);
    await store.getState().regenerate();
    conv = store.getState().chat.conversations[store.getState().chat.activeId];
    expect(conv.messages).toHaveLength(2);
  });

  it('edit and resend drops what followed the edited message', async () => {
    const { store } = setup();
    await store.getState().loadSelected();
    await store.getState().send('first');
    await store.getState().send('second');
    const conv = store.getState().chat.conversations[store.getState().chat.activeId];
    await store.getState().editAndResend(conv.messages[0].id, 'edited');
    const after = store.getState().chat.conversations[conv.id];
    expect(after.messages.map((m) => m.content)).toEqual(['edited', 'Hello!']);
  });

  it('passes the assistant prefill and keeps it in the reply', async () => {
    const { store, worker } = setup();
    await store.getState().loadSelected();
    await store.getState().send('json please', '{"name": ');
    const gen = worker.requests.find((r) => r.type === 'generate')!;
    expect(gen.type === 'generate' && gen.params.prefill).toBe('{"name": ');
    const conv = store.getState().chat.conversations[store.getState().chat.activeId];
    expect(conv.messages[1].content).toBe('{"name": Hello!');
  });

  it('a reload mid-generation keeps what was shown, marked interrupted', async () => {
    const name = `test-db-${Math.random()}`;
    const a = setup();
    const persisted = await attachPersistence(a.store, new PlaygroundDb(name), `${name}-a`);
    await a.store.getState().loadSelected();
    a.worker.holdGeneration = true;
    void a.store.getState().send('tell me');
    const shown = () => a.store.getState().chat.conversations[a.store.getState().chat.activeId];
    // Streamed text reaches the store (and IndexedDB) in 50 ms batches.
    await eventually(() => expect(shown().messages[1]?.content).toBe('Hello!'));
    await persisted.flushed();
    const b = setup();
    await attachPersistence(b.store, new PlaygroundDb(name), `${name}-b`);
    const conv = b.store.getState().chat.conversations[b.store.getState().chat.activeId];
    expect(conv.messages.map((m) => [m.content, m.status])).toEqual([
      ['tell me', 'done'],
      ['Hello!', 'interrupted'],
    ]);
  });
});

describe('engine failures', () => {
  const crash = (worker: ScriptedWorker) =>
    worker.onerror?.({ message: 'out of memory', preventDefault() {} } as ErrorEvent);
  const loads = (worker: ScriptedWorker) => worker.requests.filter((r) => r.type === 'load').length;

  it('a worker crash fails the running reply, keeps the conversation and reloads the model by itself', async () => {
    const { store, worker } = setup();
    await store.getState().loadSelected();
    worker.holdGeneration = true;
    const sending = store.getState().send('hello');
    await eventually(() => expect(worker.requests.some((r) => r.type === 'generate')).toBe(true));
    crash(worker);
    await sending;
    const conv = () => store.getState().chat.conversations[store.getState().chat.activeId];
    expect(conv().messages[0].content).toBe('hello');
    expect(conv().messages[1]).toMatchObject({
      status: 'error',
      error: { code: 'worker_crashed' },
    });
    expect(store.getState().chat.reply).toBeNull();
    // A fresh worker loads the same model again; the chat goes on.
    await eventually(() =>
      expect(store.getState().models).toMatchObject({
        status: 'ready',
        fatal: null,
        recovering: false,
      }),
    );
    expect(loads(worker)).toBe(2);
    worker.holdGeneration = false;
    await store.getState().send('again');
    expect(conv().messages.at(-1)).toMatchObject({ content: 'Hello!', status: 'done' });
  });

  it('a runtime error while generating is fatal: the worker restarts and the model reloads', async () => {
    const { store, worker } = setup();
    await store.getState().loadSelected();
    worker.failGeneration = {
      code: 'unknown',
      message: 'Something went wrong.',
      detail: 'Integer overflow',
    };
    await store.getState().send('a very long prompt');
    await eventually(() => expect(loads(worker)).toBe(2));
    await eventually(() => expect(store.getState().models.status).toBe('ready'));
    expect(worker.terminated).toBe(1);
  });

  it('a second crash within a minute does not reload again: it offers a reload instead', async () => {
    const { store, worker } = setup();
    await store.getState().loadSelected();
    crash(worker);
    await eventually(() => expect(store.getState().models.status).toBe('ready'));
    crash(worker);
    expect(store.getState().models.fatal?.code).toBe('worker_crashed');
    expect(store.getState().models.loaded).toBeNull();
    expect(loads(worker)).toBe(2);
  });
});
