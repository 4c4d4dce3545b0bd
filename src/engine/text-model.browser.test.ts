/**
 * `TextModel` used directly in the page (no worker), on ONNX Runtime Web's wasm, with the scripted
 * fixture served at /hub/ (`npm run fixtures`). Run by `npm run test:browser`.
 */
import type { ProgressInfo } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GenerationParams } from '../lib/generation-params';
import { EngineError } from './errors';
import type { ChatTurn, GenerateResult } from './protocol';
import { configureRuntime } from './runtime';
import { TextModel } from './text-model';

const SCRIPTED = 'test-org/LFM2-tiny-scripted-ONNX';
const HOST = `${location.origin}/hub/`;
/** The scripted fixture's replies (scripts/fixtures/scripts.mjs). */
const TOOL_CALL_REPLY = '<|tool_call_start|>[get_weather(city="Paris")]<|tool_call_end|>';
const AFTER_TOOL_REPLY = 'The weather in Paris is sunny and 22 degrees.';

const GREEDY: GenerationParams = {
  temperature: 0,
  topP: 1,
  topK: 0,
  minP: 0,
  repetitionPenalty: 1,
  maxNewTokens: 64,
  greedy: true,
};

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: {
    type: 'object',
    properties: { city: { type: 'string' } },
    required: ['city'],
  },
};
/** The tool as the template's `tojson` writes it: key order kept, `", "` and `": "` separators. */
const WEATHER_TOOL_JSON =
  '{"name": "get_weather", "description": "Current weather for a city", "parameters": ' +
  '{"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}';

const ASK: ChatTurn[] = [
  { role: 'system', content: 'You can look up the weather.' },
  { role: 'user', content: 'What is the weather in Paris?' },
];

function expectSaneStats(result: GenerateResult, promptTokens: number) {
  const { stats } = result;
  expect(stats.promptTokens).toBe(promptTokens);
  expect(stats.outputTokens).toBeGreaterThan(1);
  for (const key of [
    'ttftMs',
    'totalMs',
    'prefillTokPerSec',
    'decodeTokPerSec',
  ] as const satisfies (keyof typeof stats)[]) {
    expect(Number.isFinite(stats[key]), `${key} = ${stats[key]}`).toBe(true);
    expect(stats[key]).toBeGreaterThanOrEqual(0);
  }
  expect(stats.totalMs).toBeGreaterThanOrEqual(stats.ttftMs);
  expect(stats.prefillTokPerSec).toBeGreaterThan(0);
}

describe('TextModel in the page', () => {
  let model: TextModel;
  const progress: ProgressInfo[] = [];

  beforeAll(async () => {
    configureRuntime({ host: HOST, threads: 2 });
    model = await TextModel.load({ repo: SCRIPTED, host: HOST }, 'wasm', 'fp32', (p) =>
      progress.push(p),
    );
  });

  afterAll(async () => {
    await model?.dispose();
  });

  it('loads the fixture, reporting progress and its special tokens', () => {
    expect(crossOriginIsolated).toBe(true);
    expect(progress.some((p) => p.status === 'done')).toBe(true);
    expect(model.kind).toBe('text');
    expect(model.eosToken).toBe('<|im_end|>');
    expect(model.specialTokens).toEqual(
      expect.arrayContaining(['<|im_start|>', '<|im_end|>', '<|startoftext|>']),
    );
  });

  it('renders the tool list into the system prompt with the model template', () => {
    const withTools = model.render({ messages: ASK, tools: [WEATHER_TOOL] });
    expect(withTools.text).toBe(
      '<|startoftext|><|im_start|>system\nYou can look up the weather.\n' +
        `List of tools: <|tool_list_start|>[${WEATHER_TOOL_JSON}]<|tool_list_end|><|im_end|>\n` +
        '<|im_start|>user\nWhat is the weather in Paris?<|im_end|>\n<|im_start|>assistant\n',
    );
    const without = model.render({ messages: ASK });
    expect(without.text).not.toContain('<|tool_list_start|>');
    expect(withTools.tokenCount).toBeGreaterThan(without.tokenCount);
  });

  it('appends the prefill after the generation prompt', () => {
    const { text } = model.render({ messages: ASK, prefill: '{"name": ' });
    expect(text.endsWith('<|im_start|>assistant\n{"name": ')).toBe(true);
  });

  it('generates the scripted tool call, streaming it, with complete stats', async () => {
    const request = { messages: ASK, tools: [WEATHER_TOOL] };
    const { tokenCount } = model.render(request);
    const streamed: string[] = [];
    const result = await model.generate(request, GREEDY, (t) => streamed.push(t));
    expect(result.text).toBe(TOOL_CALL_REPLY);
    expect(result.finishReason).toBe('eos');
    expect(streamed.join('')).toContain(TOOL_CALL_REPLY);
    expect(result.stats.cachedTokens).toBe(0);
    expectSaneStats(result, tokenCount);
  });

  it('answers after the tool result, serving the earlier turn from its cache', async () => {
    const request = {
      messages: [
        ...ASK,
        { role: 'assistant', content: TOOL_CALL_REPLY },
        { role: 'tool', content: { city: 'Paris', sky: 'sunny', celsius: 22 } },
      ] satisfies ChatTurn[],
      tools: [WEATHER_TOOL],
    };
    const rendered = model.render(request);
    expect(rendered.text).toContain(
      '<|im_start|>tool\n<|tool_response_start|>{"city": "Paris", "sky": "sunny", "celsius": 22}' +
        '<|tool_response_end|><|im_end|>',
    );
    const result = await model.generate(request, GREEDY, () => {});
    expect(result.text).toBe(AFTER_TOOL_REPLY);
    expect(result.finishReason).toBe('eos');
    expect(result.stats.cachedTokens).toBeGreaterThan(0);
    expectSaneStats(result, rendered.tokenCount);
  });

  it('refuses a second generation while one runs, and stops the running one', async () => {
    const story = { messages: [{ role: 'user', content: 'Tell me a story' }] satisfies ChatTurn[] };
    let second: Promise<unknown> | undefined;
    const result = await model.generate(story, { ...GREEDY, maxNewTokens: 4096 }, () => {
      if (second) return;
      second = model.generate({ messages: ASK }, GREEDY, () => {});
      model.stop();
    });
    expect(second).toBeDefined();
    await expect(second).rejects.toBeInstanceOf(EngineError);
    await expect(second).rejects.toMatchObject({ code: 'busy' });
    expect(result.finishReason).toBe('stopped');
    expectStoryStart(result.text);
    expect(result.stats.outputTokens).toBeLessThan(1000);
  });

  it('reports the length limit as finishReason "length"', async () => {
    const result = await model.generate(
      { messages: ASK },
      { ...GREEDY, maxNewTokens: 3 },
      () => {},
    );
    expect(result.finishReason).toBe('length');
    expect(result.stats.outputTokens).toBe(3);
  });
});

/** The scripted story's opening (scripts/fixtures/story.mjs). */
const STORY_START = '# The Lighthouse Keeper\n\nOnce upon a time';

/** A stopped story: some of it, from its start. */
function expectStoryStart(text: string) {
  expect(text.length).toBeGreaterThan(0);
  const n = Math.min(text.length, STORY_START.length);
  expect(text.slice(0, n)).toBe(STORY_START.slice(0, n));
}
