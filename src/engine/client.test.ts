import { describe, expect, it } from 'vitest';
import { EngineClient, type EngineStatusEvent, type WorkerLike } from './client';
import { EngineError } from './errors';
import type { ControlMessage, EngineRequest, WorkerEvent } from './protocol';

class FakeWorker implements WorkerLike {
  sent: (EngineRequest | ControlMessage)[] = [];
  terminated = false;
  onmessage: ((e: MessageEvent<WorkerEvent>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  postMessage(m: EngineRequest | ControlMessage) {
    this.sent.push(m);
  }
  terminate() {
    this.terminated = true;
  }
  emit(e: WorkerEvent) {
    this.onmessage?.({ data: e } as MessageEvent<WorkerEvent>);
  }
}

function setup() {
  const workers: FakeWorker[] = [];
  const client = new EngineClient(() => {
    const w = new FakeWorker();
    workers.push(w);
    return w;
  });
  return { client, workers };
}

describe('EngineClient', () => {
  it('sends typed requests with unique ids and resolves each with its own result', async () => {
    const { client, workers } = setup();
    const a = client.request('render', { messages: [{ role: 'user', content: 'hi' }] });
    const b = client.request('unload', {});
    const [ra, rb] = workers[0].sent as EngineRequest[];
    expect(ra.type).toBe('render');
    expect(ra.id).not.toBe(rb.id);
    workers[0].emit({ type: 'result', id: rb.id, value: null });
    workers[0].emit({ type: 'result', id: ra.id, value: { text: 'P', tokenCount: 3 } });
    await expect(a).resolves.toEqual({ text: 'P', tokenCount: 3 });
    await expect(b).resolves.toBeNull();
  });

  it('streams tokens and progress to the matching request only', async () => {
    const { client, workers } = setup();
    const tokens: string[] = [];
    const p = client.request(
      'generate',
      { messages: [], params: {} as never },
      { onToken: (t) => tokens.push(t) },
    );
    const { id } = workers[0].sent[0] as EngineRequest;
    workers[0].emit({ type: 'token', id, text: 'Hel' });
    workers[0].emit({ type: 'token', id: id + 99, text: 'ignored' });
    workers[0].emit({ type: 'token', id, text: 'lo' });
    workers[0].emit({ type: 'result', id, value: { text: 'Hello' } });
    await p;
    expect(tokens).toEqual(['Hel', 'lo']);
  });

  it('rebuilds worker errors as EngineError with code and user message', async () => {
    const { client, workers } = setup();
    const p = client.request('load', {} as never);
    const { id } = workers[0].sent[0] as EngineRequest;
    workers[0].emit({
      type: 'error',
      id,
      error: { code: 'model_not_found', message: 'Not found', detail: '404' },
    });
    const err = await p.catch((e) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err.code).toBe('model_not_found');
    expect(err.message).toBe('Not found');
  });

  it('a crash rejects every pending call, reports it, and the next call gets a fresh worker', async () => {
    const { client, workers } = setup();
    const events: EngineStatusEvent[] = [];
    client.onStatus((e) => events.push(e));
    const a = client.request('render', { messages: [] });
    const b = client.request('capabilities', {});
    workers[0].onerror?.({ message: 'boom', preventDefault() {} } as ErrorEvent);
    await expect(a).rejects.toMatchObject({ code: 'worker_crashed' });
    await expect(b).rejects.toMatchObject({ code: 'worker_crashed' });
    expect(events.map((e) => e.type)).toEqual(['crashed']);
    expect(workers[0].terminated).toBe(true);
    void client.request('unload', {});
    expect(workers).toHaveLength(2);
  });

  it('restart cancels a running load', async () => {
    const { client } = setup();
    const p = client.request('load', {} as never);
    client.restart();
    await expect(p).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('stop is a control message without id', () => {
    const { client, workers } = setup();
    void client.request('unload', {});
    client.stop();
    expect(workers[0].sent.at(-1)).toEqual({ type: 'stop' });
  });
});
