/**
 * The inference worker in a real browser, driven through `EngineClient` exactly as the app does:
 * ONNX Runtime Web's wasm (served at /ort/), the tiny fixture models (served at /hub/ by
 * `npm run fixtures` + the hub plugin), Cache Storage, cross-origin isolation. Run by
 * `npm run test:browser`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dtype } from '../lib/device-choice';
import type { GenerationParams } from '../lib/generation-params';
import { createBrowserEngine, type EngineClient } from './client';
import { EngineError } from './errors';
import type { ChatTurn, LoadOptions, LoadProgress } from './protocol';

const SCRIPTED = 'test-org/LFM2-tiny-scripted-ONNX';
/** What the scripted fixture answers a plain chat (scripts/fixtures/scripts.mjs). */
const GREETING = 'Hello! How can I help you today?';
/** Served by the test server in vitest.browser.config.ts: a vision repo (config only). */
const VISION = 'test-org/LFM2-VL-tiny-ONNX';

const HOST = `${location.origin}/hub/`;
const LOAD: LoadOptions = { repo: SCRIPTED, host: HOST, device: 'wasm', dtype: 'auto', threads: 2 };
const GREEDY: GenerationParams = {
  temperature: 0,
  topP: 1,
  topK: 0,
  minP: 0,
  repetitionPenalty: 1,
  maxNewTokens: 64,
  greedy: true,
};
const HI: ChatTurn[] = [{ role: 'user', content: 'Hi' }];

/** The fixture index written by `npm run fixtures`: each repo's dtype files and their sizes. */
async function fixtureSizes(repo: string): Promise<Partial<Record<Dtype, number>>> {
  const res = await fetch('/hub/fixtures.json');
  const index = (await res.json()) as { id: string; dtypes: Partial<Record<Dtype, number>> }[];
  const entry = index.find((m) => m.id === repo);
  if (!entry) throw new Error(`${repo} is not in fixtures/models/index.json: run npm run fixtures`);
  return entry.dtypes;
}

/** The EngineError a rejected request carries (fails the test if it resolved). */
async function engineError(promise: Promise<unknown>): Promise<EngineError> {
  const error = await promise.then(
    () => expect.unreachable('the request should have failed'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EngineError);
  return error as EngineError;
}

describe('inference worker through EngineClient', () => {
  let client: EngineClient;

  beforeAll(() => {
    client = createBrowserEngine();
  });

  afterAll(() => {
    client?.restart();
  });

  it('reports a cross-origin isolated worker with hardware threads', async () => {
    const caps = await client.request('capabilities', {});
    expect(caps.crossOriginIsolated).toBe(true);
    expect(caps.hardwareThreads).toBe(navigator.hardwareConcurrency);
    expect(caps.hardwareThreads).toBeGreaterThanOrEqual(1);
    expect(caps.ortVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('inspects the scripted fixture: a text model with every dtype file and its size', async () => {
    const info = await client.request('inspect', { repo: SCRIPTED, host: HOST });
    const sizes = await fixtureSizes(SCRIPTED);
    expect(Object.keys(sizes).sort()).toEqual(['fp16', 'fp32', 'q4', 'q4f16', 'q8']);
    expect(info).toMatchObject({ repo: SCRIPTED, modelType: 'lfm2', kind: 'text' });
    expect(info.sizes).toEqual(sizes);
  });

  it('loads the scripted fixture on wasm with 2 threads and reports its special tokens', async () => {
    const progress: LoadProgress[] = [];
    const result = await client.request('load', LOAD, { onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({
      repo: SCRIPTED,
      device: 'wasm',
      threads: 2,
      eosToken: '<|im_end|>',
      warnings: [],
    });
    expect(['q4', 'q8', 'fp32']).toContain(result.dtype);
    expect(result.specialTokens).toEqual(
      expect.arrayContaining(['<|im_start|>', '<|im_end|>', '<|startoftext|>']),
    );
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.some((p) => p.phase === 'download' && p.total > 0)).toBe(true);
  });

  it('renders the prompt with the chat template, special tokens included', async () => {
    const rendered = await client.request('render', {
      messages: [{ role: 'system', content: 'Be brief.' }, ...HI],
    });
    expect(rendered.text).toBe(
      '<|startoftext|><|im_start|>system\nBe brief.<|im_end|>\n' +
        '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n',
    );
    expect(rendered.tokenCount).toBeGreaterThan(0);
  });

  it('streams the scripted reply through onToken and returns it', async () => {
    const rendered = await client.request('render', { messages: HI });
    const tokens: string[] = [];
    const result = await client.request(
      'generate',
      { messages: HI, params: GREEDY },
      { onToken: (t) => tokens.push(t) },
    );
    expect(result.text).toBe(GREETING);
    expect(result.finishReason).toBe('eos');
    expect(tokens.length).toBeGreaterThan(0);
    expect(tokens.join('')).toMatch(new RegExp(`^${escapeRegExp(GREETING)}(<\\|im_end\\|>)?$`));
    expect(result.stats).toMatchObject({ promptTokens: rendered.tokenCount, cachedTokens: 0 });
    expect(result.stats.outputTokens).toBeGreaterThan(1);
  });

  it('reuses the previous turn from the cache when the conversation only grows', async () => {
    const messages: ChatTurn[] = [
      ...HI,
      { role: 'assistant', content: GREETING },
      { role: 'user', content: 'Thanks' },
    ];
    const result = await client.request('generate', { messages, params: GREEDY });
    expect(result.text).toBe(GREETING);
    expect(result.stats.cachedTokens).toBeGreaterThan(0);
    expect(result.stats.cachedTokens).toBeLessThan(result.stats.promptTokens);
  });

  it('stops a running generation: finishReason "stopped"', async () => {
    let stopped = false;
    const result = await client.request(
      'generate',
      // "story" makes the scripted model tell a ~1,900-token story.
      {
        messages: [{ role: 'user', content: 'Tell me a story' }],
        params: { ...GREEDY, maxNewTokens: 4096 },
      },
      {
        onToken: () => {
          if (stopped) return;
          stopped = true;
          client.stop();
        },
      },
    );
    expect(stopped).toBe(true);
    expect(result.finishReason).toBe('stopped');
    expectStoryStart(result.text);
    expect(result.stats.outputTokens).toBeLessThan(1000);
  });

  it('runs model requests one at a time, in the order they were sent', async () => {
    const order: string[] = [];
    const first = client.request('load', LOAD).then((r) => (order.push('load 1'), r));
    const second = client.request('load', LOAD).then((r) => (order.push('load 2'), r));
    // Queued behind both loads, so it sees the second model, fully loaded.
    const render = client
      .request('render', { messages: HI })
      .then((r) => (order.push('render'), r));
    const [a, b, rendered] = await Promise.all([first, second, render]);
    expect(order).toEqual(['load 1', 'load 2', 'render']);
    expect(a.repo).toBe(SCRIPTED);
    expect(b.repo).toBe(SCRIPTED);
    expect(rendered.text).toContain('<|im_start|>user\nHi<|im_end|>');
  });

  it("lists the fixture's cached files and deletes them", async () => {
    const sizes = await fixtureSizes(SCRIPTED);
    const cached = await client.request('listCached', {});
    const entry = cached.find((c) => c.repo === SCRIPTED);
    expect(entry).toBeDefined();
    // At least the config, the tokenizer files and the weights of the loaded dtype.
    expect(entry!.files).toBeGreaterThanOrEqual(4);
    expect(entry!.bytes).toBeGreaterThanOrEqual(Math.min(...Object.values(sizes)));

    const deleted = await client.request('deleteCached', { repo: SCRIPTED });
    expect(deleted).toBe(entry!.files);
    const after = await client.request('listCached', {});
    expect(after.map((c) => c.repo)).not.toContain(SCRIPTED);
  });

  it('rejects a repo the host does not have with model_not_found', async () => {
    const error = await engineError(
      client.request('load', { ...LOAD, repo: 'test-org/no-such-model-ONNX' }),
    );
    expect(error.code).toBe('model_not_found');
  });

  it('recognises a vision repo and refuses to load it with unsupported_model', async () => {
    const host = `${location.origin}/test-hub/`;
    const info = await client.request('inspect', { repo: VISION, host });
    expect(info).toMatchObject({ repo: VISION, modelType: 'lfm2_vl', kind: 'vision' });
    const error = await engineError(client.request('load', { ...LOAD, repo: VISION, host }));
    expect(error.message).toContain('lfm2_vl');
    expect(error.code).toBe('unsupported_model');
  });

  it('rejects a dtype the repo has no file for with dtype_unavailable', async () => {
    const error = await engineError(
      client.request('load', { ...LOAD, dtype: 'int2' as unknown as Dtype }),
    );
    expect(error.code).toBe('dtype_unavailable');
  });

  it('still loads and generates after those failures', async () => {
    const loaded = await client.request('load', LOAD);
    expect(loaded.repo).toBe(SCRIPTED);
    const result = await client.request('generate', { messages: HI, params: GREEDY });
    expect(result.text).toBe(GREETING);
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The scripted story's opening (scripts/fixtures/story.mjs). */
const STORY_START = '# The Lighthouse Keeper\n\nOnce upon a time';

/** A stopped story: some of it, from its start. */
function expectStoryStart(text: string) {
  expect(text.length).toBeGreaterThan(0);
  const n = Math.min(text.length, STORY_START.length);
  expect(text.slice(0, n)).toBe(STORY_START.slice(0, n));
}
