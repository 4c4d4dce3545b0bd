import { describe, expect, it } from 'vitest';
import type {
  GenerateResult,
  PromptRequest,
  RenderedPrompt,
  RequestMap,
  RequestType,
} from '../../engine/protocol';
import type { GenerationParams } from '../../lib/generation-params';
import type { ToolRunOptions, ToolRunResult } from '../../sandbox/tool-sandbox';
import type { ChatState, ReplyPhase } from './chat-state';
import { settleConversation, toTurns, type Conversation } from './conversation';
import { createReplyRunner, type ReplyOutcome } from './reply-runner';
import { eventually, newIdleStore } from '../../store/test-store';

const CALL = '<|tool_call_start|>[get_weather(city="Paris")]<|tool_call_end|>';
const TWO_CALLS =
  '<|tool_call_start|>[get_weather(city="Paris"), get_weather(city="Rome")]<|tool_call_end|>';

const deferred = <T>() => {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
};

/**
 * A fake engine: replies from a script, and can hold a generation or a render open until
 * released (or, for generation, stopped: then it ends like the real one, finishReason "stopped").
 */
class FakeEngine {
  generations: PromptRequest[] = [];
  script: (req: PromptRequest) => string = (req) =>
    req.messages.at(-1)?.role === 'tool' ? 'Sunny.' : req.tools ? CALL : 'Hello!';
  holdGeneration = false;
  holdRender = false;
  /** When set, generation ends as if cut by the token limit. */
  cutAtLength = false;
  stops = 0;
  private releaseGeneration: (() => void) | null = null;
  private stopped = false;
  readonly renderHeld = deferred<void>();

  async request<K extends RequestType>(
    type: K,
    params: RequestMap[K]['params'],
    callbacks: { onToken?: (t: string) => void } = {},
  ): Promise<RequestMap[K]['result']> {
    if (type === 'render') {
      if (this.holdRender) await this.renderHeld.promise;
      const r: RenderedPrompt = {
        text: 'List of tools: [..]<|im_end|>',
        tokenCount: 5,
        plainSpecialSpans: [],
        contextLength: null,
      };
      return r as RequestMap[K]['result'];
    }
    if (type !== 'generate') throw new Error(`unexpected ${type}`);
    const req = params as PromptRequest & { params: GenerationParams };
    this.generations.push(req);
    this.stopped = false;
    const text = this.script(req);
    callbacks.onToken?.(text.slice(0, 4));
    if (this.holdGeneration) await new Promise<void>((r) => (this.releaseGeneration = r));
    const result: GenerateResult = {
      text: this.stopped ? text.slice(0, 4) : text,
      finishReason: this.stopped ? 'stopped' : this.cutAtLength ? 'length' : 'eos',
      stats: {
        promptTokens: 1,
        cachedTokens: 0,
        outputTokens: 1,
        ttftMs: 1,
        prefillTokPerSec: 1,
        decodeTokPerSec: 1,
        totalMs: 1,
      },
    };
    return result as RequestMap[K]['result'];
  }

  release() {
    this.releaseGeneration?.();
  }

  stop() {
    this.stops++;
    this.stopped = true;
    this.releaseGeneration?.();
  }
}

/** A fake sandbox: each run waits until finished by the test, or ends at once when aborted. */
class FakeSandbox {
  runs: { args: Record<string, unknown>; finish: (r: ToolRunResult) => void; aborted: boolean }[] =
    [];
  autoResult: ToolRunResult | null = {
    ok: true,
    value: { temperature: 22 },
    logs: [],
    durationMs: 2,
  };
  run(
    _source: string,
    args: Record<string, unknown>,
    opts?: ToolRunOptions,
  ): Promise<ToolRunResult> {
    return new Promise((resolve) => {
      const entry = { args, finish: resolve, aborted: false };
      this.runs.push(entry);
      opts?.signal?.addEventListener('abort', () => {
        entry.aborted = true;
        resolve({ ok: false, kind: 'cancelled', message: 'Stopped', logs: [], durationMs: 1 });
      });
      if (this.autoResult) resolve(this.autoResult);
    });
  }
}

function setup({ ask = false, offer = true } = {}) {
  const store = newIdleStore(() => new FakeSandbox());
  store.setState((s) => ({
    models: {
      ...s.models,
      status: 'ready',
      loaded: {
        repo: 'test/model',
        device: 'wasm',
        dtype: 'q8',
        deviceReason: '',
        dtypeReason: '',
        loadMs: 1,
        threads: 1,
        specialTokens: [],
        eosToken: '<|im_end|>',
        warnings: [],
        repack: null,
      },
    },
  }));
  store.getState().setToolSettings({ offerTools: offer });
  if (ask)
    store.getState().updateTool(store.getState().tools.list[0].id, { askBeforeRunning: true });
  const engine = new FakeEngine();
  const sandbox = new FakeSandbox();
  const runner = createReplyRunner({
    engine,
    tools: () => sandbox,
    get: store.getState,
    setChat: (f: (c: ChatState) => ChatState) => store.setState((s) => ({ chat: f(s.chat) })),
  });
  const convId = store.getState().chat.activeId;
  const conv = () => store.getState().chat.conversations[convId];
  const addUser = (text: string) =>
    store.setState((s) => ({
      chat: {
        ...s.chat,
        conversations: {
          ...s.chat.conversations,
          [convId]: {
            ...conv(),
            messages: [
              ...conv().messages,
              {
                id: crypto.randomUUID(),
                role: 'user',
                content: text,
                status: 'done',
                createdAt: 0,
              },
            ],
          },
        },
      },
    }));
  const phase = () => store.getState().chat.reply?.phase ?? null;
  return { store, engine, sandbox, runner, convId, conv, addUser, phase };
}

type Setup = ReturnType<typeof setup>;

/** What the next prompt would be after a reload: stored state, settled, rendered to turns. */
const afterReload = (c: Conversation) => toTurns(settleConversation(structuredClone(c)));

/** Every tool call the model wrote is answered by exactly one tool turn, in order. */
function expectWellFormed(c: Conversation) {
  const settled = settleConversation(structuredClone(c));
  for (const m of settled.messages) {
    expect(m.status).not.toBe('streaming');
    if (m.execution)
      expect(['done', 'error', 'denied', 'interrupted']).toContain(m.execution.status);
  }
  const calls = settled.messages.flatMap((m) => m.toolCalls?.calls ?? []).length;
  const tools = settled.messages.filter((m) => m.role === 'tool').length;
  expect(tools).toBe(calls);
}

async function reachPhase(t: Setup, p: ReplyPhase) {
  await eventually(() => expect(t.phase()).toBe(p));
}

describe('reply runner: phases', () => {
  it('walks generating → planning → executing → generating and ends done', async () => {
    const t = setup();
    const seen: (ReplyPhase | null)[] = [null];
    t.store.subscribe((s) => {
      const p = s.chat.reply?.phase ?? null;
      if (seen.at(-1) !== p) seen.push(p);
    });
    t.addUser('Weather?');
    expect(await t.runner.run(t.convId)).toBe('done');
    // The final answer is planned too: it holds no call, so the reply ends.
    expect(seen).toEqual([
      null,
      'generating',
      'planning',
      'executing',
      'generating',
      'planning',
      null,
    ]);
    expect(t.conv().messages.map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'tool',
      'assistant',
    ]);
    expect(t.conv().messages[2].execution).toMatchObject({
      status: 'done',
      result: { temperature: 22 },
    });
    expect(t.conv().messages[1].toolCalls?.toolPrompt).toMatch(/^List of tools:/);
    expect(t.store.getState().chat.reply).toBeNull();
  });

  it('records the round number in the reply state', async () => {
    const t = setup();
    const rounds = new Set<number>();
    t.store.subscribe((s) => s.chat.reply && rounds.add(s.chat.reply.round));
    t.addUser('Weather?');
    await t.runner.run(t.convId);
    expect([...rounds]).toEqual([0, 1]);
  });

  it('stores planned calls as pending tool messages before any runs', async () => {
    const t = setup();
    t.sandbox.autoResult = null;
    t.engine.script = (req) => (req.messages.at(-1)?.role === 'tool' ? 'ok' : TWO_CALLS);
    t.addUser('Both');
    const running = t.runner.run(t.convId);
    await reachPhase(t, 'executing');
    expect(
      t
        .conv()
        .messages.slice(2)
        .map((m) => m.execution?.status),
    ).toEqual(['running', 'pending']);
    t.sandbox.runs[0].finish({ ok: true, value: 1, logs: [], durationMs: 1 });
    await eventually(() => expect(t.sandbox.runs).toHaveLength(2));
    t.sandbox.runs[1].finish({ ok: true, value: 2, logs: [], durationMs: 1 });
    expect(await running).toBe('done');
    expect(
      t
        .conv()
        .messages.slice(2, 4)
        .map((m) => m.execution?.result),
    ).toEqual([1, 2]);
  });

  it('refuses a second reply while one runs', async () => {
    const t = setup({ offer: false });
    t.engine.holdGeneration = true;
    t.addUser('hi');
    const first = t.runner.run(t.convId);
    await reachPhase(t, 'generating');
    expect(await t.runner.run(t.convId)).toBe('busy');
    t.engine.release();
    expect(await first).toBe('done');
  });
});

describe('reply runner: Stop ends the reply at once in every phase', () => {
  it('generating: the partial reply is kept, marked stopped, nothing else runs', async () => {
    const t = setup();
    t.engine.holdGeneration = true;
    t.addUser('Weather?');
    const running = t.runner.run(t.convId);
    await reachPhase(t, 'generating');
    t.runner.stop();
    expect(await running).toBe<ReplyOutcome>('stopped');
    expect(t.engine.stops).toBe(1);
    const last = t.conv().messages.at(-1)!;
    expect(last).toMatchObject({ role: 'assistant', status: 'stopped', finishReason: 'stopped' });
    expect(t.sandbox.runs).toHaveLength(0);
    expect(t.store.getState().chat.reply).toBeNull();
  });

  it('planning (waiting for the rendered tool list): no call runs, each is answered', async () => {
    const t = setup();
    t.engine.holdRender = true;
    t.addUser('Weather?');
    const running = t.runner.run(t.convId);
    await reachPhase(t, 'planning');
    await eventually(() => expect(t.conv().messages.at(-1)?.role).toBe('tool'));
    t.runner.stop();
    t.engine.renderHeld.resolve();
    expect(await running).toBe('stopped');
    expect(t.sandbox.runs).toHaveLength(0);
    expect(t.conv().messages.at(-1)?.execution?.status).toBe('interrupted');
    expectWellFormed(t.conv());
  });

  it('awaiting approval: the prompt goes away, the call is interrupted, not denied', async () => {
    const t = setup({ ask: true });
    t.addUser('Weather?');
    const running = t.runner.run(t.convId);
    await reachPhase(t, 'awaiting-approval');
    t.runner.stop();
    expect(await running).toBe('stopped');
    expect(t.conv().messages.at(-1)?.execution?.status).toBe('interrupted');
    expect(t.sandbox.runs).toHaveLength(0);
    expect(t.engine.generations).toHaveLength(1);
  });

  it('executing: the running tool is cancelled through its signal (no waiting for a timeout)', async () => {
    const t = setup();
    t.sandbox.autoResult = null; // the tool never returns by itself: while (true) {}
    t.engine.script = (req) => (req.messages.at(-1)?.role === 'tool' ? 'ok' : TWO_CALLS);
    t.addUser('Both');
    const running = t.runner.run(t.convId);
    await reachPhase(t, 'executing');
    t.runner.stop();
    expect(await running).toBe('stopped');
    expect(t.sandbox.runs).toHaveLength(1);
    expect(t.sandbox.runs[0].aborted).toBe(true);
    const [first, second] = t.conv().messages.slice(2);
    expect(first.execution).toMatchObject({
      status: 'interrupted',
      error: 'Stopped while running',
    });
    // The call after it never started, and is answered too.
    expect(second.execution?.status).toBe('interrupted');
    expect(t.engine.generations).toHaveLength(1);
    expectWellFormed(t.conv());
  });

  it('a stopped reply leaves a valid next prompt: one tool turn per call, read as interrupted', async () => {
    const t = setup();
    t.sandbox.autoResult = null;
    t.addUser('Weather?');
    const running = t.runner.run(t.convId);
    await reachPhase(t, 'executing');
    t.runner.stop();
    await running;
    const turns = toTurns(t.conv());
    expect(turns.map((x) => x.role)).toEqual(['user', 'assistant', 'tool']);
    expect(turns[2].content).toMatch(/interrupted before it returned a result/);
  });

  it('stop with no reply running does nothing', () => {
    const t = setup();
    t.runner.stop();
    expect(t.engine.stops).toBe(0);
  });
});

describe('reply runner: a reload in any phase leaves a well-formed conversation', () => {
  // The store is what IndexedDB holds (every change is written); a reload reads it back and
  // settles it. Each case snapshots the conversation in one phase and checks the next prompt.
  it('generating: the streamed part is kept, marked interrupted', async () => {
    const t = setup();
    t.engine.holdGeneration = true;
    t.addUser('Weather?');
    void t.runner.run(t.convId);
    await eventually(() => expect(t.conv().messages[1]?.content).toBe('<|to'));
    const settled = settleConversation(structuredClone(t.conv()));
    expect(settled.messages[1]).toMatchObject({ status: 'interrupted', content: '<|to' });
    expectWellFormed(t.conv());
    t.runner.stop();
  });

  it.each<[string, ReplyPhase, { ask?: boolean; hold?: boolean }]>([
    ['planning', 'planning', { hold: true }],
    ['awaiting approval', 'awaiting-approval', { ask: true }],
    ['executing', 'executing', {}],
  ])('%s: every call has a tool turn the model can read', async (_name, p, opts) => {
    const t = setup({ ask: opts.ask });
    t.sandbox.autoResult = null;
    t.engine.holdRender = Boolean(opts.hold);
    t.addUser('Weather?');
    void t.runner.run(t.convId);
    await reachPhase(t, p);
    await eventually(() => expect(t.conv().messages.at(-1)?.role).toBe('tool'));
    expectWellFormed(t.conv());
    const turns = afterReload(t.conv());
    expect(turns.map((x) => x.role)).toEqual(['user', 'assistant', 'tool']);
    expect(turns[2].content).toMatch(/interrupted before it returned a result/);
    t.runner.stop();
    t.engine.renderHeld.resolve();
  });
});

describe('reply runner: continuing a reply cut by the token limit', () => {
  it('continues the same message from where it stopped, with the model text kept as model text', async () => {
    const t = setup({ offer: false });
    t.engine.cutAtLength = true;
    t.engine.script = () => 'Once upon';
    t.addUser('story');
    await t.runner.run(t.convId, { prefill: 'Sure: ' });
    const cut = t.conv().messages[1];
    expect(cut).toMatchObject({ content: 'Sure: Once upon', finishReason: 'length' });
    t.engine.cutAtLength = false;
    t.engine.script = () => ' a time.';
    expect(await t.runner.run(t.convId, { continue: cut })).toBe('done');
    const req = t.engine.generations[1];
    expect(req.prefill).toBe('Sure: ');
    expect(req.continuation).toBe('Once upon');
    expect(req.messages.map((m) => m.role)).toEqual(['user']);
    expect(t.conv().messages).toHaveLength(2);
    expect(t.conv().messages[1]).toMatchObject({
      id: cut.id,
      content: 'Sure: Once upon a time.',
      finishReason: 'eos',
      status: 'done',
    });
  });
});

describe('reply runner: rounds and errors', () => {
  it('an engine failure ends the reply as failed with the error on the message', async () => {
    const t = setup({ offer: false });
    t.engine.request = (async () => {
      throw new Error('boom');
    }) as FakeEngine['request'];
    t.addUser('hi');
    expect(await t.runner.run(t.convId)).toBe('failed');
    expect(t.conv().messages[1]).toMatchObject({ status: 'error', error: { code: 'unknown' } });
  });

  it('past max rounds the unanswered calls say why they did not run', async () => {
    const t = setup();
    t.store.getState().setToolSettings({ maxRounds: 1 });
    t.engine.script = () => CALL;
    t.addUser('loop');
    expect(await t.runner.run(t.convId)).toBe('done');
    expect(t.engine.generations).toHaveLength(2);
    expect(t.conv().messages.at(-1)?.execution?.error).toMatch(/limit of 1 tool round/);
    expect(t.store.getState().chat.notice).toMatch(/Stopped after 1 tool round/);
    expectWellFormed(t.conv());
  });

  it('a conversation deleted mid-reply ends the loop quietly', async () => {
    const t = setup();
    t.sandbox.autoResult = null;
    t.addUser('Weather?');
    const running = t.runner.run(t.convId);
    await reachPhase(t, 'executing');
    t.store.getState().newConversation();
    t.store.setState((s) => {
      const { [t.convId]: _gone, ...rest } = s.chat.conversations;
      return { chat: { ...s.chat, conversations: rest, order: Object.keys(rest) } };
    });
    t.sandbox.runs[0].finish({ ok: true, value: 1, logs: [], durationMs: 1 });
    expect(await running).toBe('stopped');
    expect(t.engine.generations).toHaveLength(1);
  });
});
