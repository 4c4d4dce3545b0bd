import { describe, expect, it } from 'vitest';
import { EngineClient, type WorkerLike } from '../../engine/client';
import type {
  ControlMessage,
  EngineRequest,
  PromptRequest,
  WorkerEvent,
} from '../../engine/protocol';
import type { ToolRunResult } from '../../sandbox/tool-sandbox';
import { createAppStore } from '../../store/create-store';
import { eventually } from '../../store/test-store';

const CALL = '<|tool_call_start|>[get_weather(city="Paris")]<|tool_call_end|>';

/** Answers like the scripted fixture: a call when tools are offered, an answer after a result. */
class LoopWorker implements WorkerLike {
  onmessage: ((e: MessageEvent<WorkerEvent>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  generations: PromptRequest[] = [];
  reply = (req: PromptRequest): string =>
    req.messages.at(-1)?.role === 'tool' ? 'It is sunny in Paris.' : req.tools ? CALL : 'Hello!';
  private emit(e: WorkerEvent) {
    queueMicrotask(() => this.onmessage?.({ data: e } as MessageEvent<WorkerEvent>));
  }
  postMessage(m: EngineRequest | ControlMessage) {
    if (m.type === 'stop') return;
    if (m.type === 'load')
      this.emit({
        type: 'result',
        id: m.id,
        value: {
          repo: 'r',
          device: 'wasm',
          dtype: 'q8',
          specialTokens: [],
          eosToken: '',
          warnings: [],
        },
      });
    if (m.type === 'render')
      this.emit({
        type: 'result',
        id: m.id,
        value: {
          text: 'sys\nList of tools: <|tool_list_start|>[…]<|tool_list_end|><|im_end|>\n',
          tokenCount: 9,
        },
      });
    if (m.type === 'generate') {
      this.generations.push(m.params);
      const text = this.reply(m.params);
      this.emit({ type: 'result', id: m.id, value: { text, finishReason: 'eos', stats: {} } });
    }
  }
  terminate() {}
}

async function setup(
  run: (source: string, args: Record<string, unknown>) => Promise<ToolRunResult>,
) {
  const worker = new LoopWorker();
  const ran: Record<string, unknown>[] = [];
  const store = createAppStore(new EngineClient(() => worker), () => ({
    run: (source, args) => {
      ran.push(args);
      return run(source, args);
    },
  }));
  store.getState().setToolSettings({ offerTools: true });
  await store.getState().loadSelected();
  const conv = () => store.getState().chat.conversations[store.getState().chat.activeId];
  return { worker, store, ran, conv };
}

const ok = (value: unknown): ToolRunResult => ({
  ok: true,
  value,
  logs: [{ level: 'log', text: 'hi' }],
  durationMs: 3,
});

describe('the four-step tool loop', () => {
  it('offers tools, runs the call, returns the result as a tool message, then answers', async () => {
    const { worker, store, ran, conv } = await setup(async () => ok({ temperature: 22 }));
    await store.getState().send('Weather in Paris?');
    // (1) the enabled, valid tools went to the template as bare definitions
    expect(worker.generations[0].tools?.map((t) => (t as { name: string }).name)).toContain(
      'get_weather',
    );
    // (2) parsed call, (3) executed with the parsed arguments, (4) final answer
    expect(ran).toEqual([{ city: 'Paris' }]);
    const [user, call, tool, answer] = conv().messages;
    expect(user.content).toBe('Weather in Paris?');
    expect(call.toolCalls).toMatchObject({
      raw: '[get_weather(city="Paris")]',
      calls: [{ name: 'get_weather', args: { city: 'Paris' } }],
    });
    expect(call.toolCalls?.toolPrompt).toMatch(/^List of tools:/);
    expect(tool).toMatchObject({
      role: 'tool',
      execution: { status: 'done', result: { temperature: 22 }, durationMs: 3 },
    });
    expect(answer).toMatchObject({ role: 'assistant', content: 'It is sunny in Paris.' });
    // The second generation saw the result as a tool turn carrying the object itself.
    expect(worker.generations[1].messages.at(-1)).toEqual({
      role: 'tool',
      content: { temperature: 22 },
    });
  });

  it('a tool that throws becomes a tool error the model reads', async () => {
    const { worker, store, conv } = await setup(async () => ({
      ok: false,
      kind: 'threw',
      message: 'boom',
      logs: [],
      durationMs: 1,
    }));
    await store.getState().send('Weather?');
    expect(conv().messages[2].execution).toMatchObject({ status: 'error', error: 'boom' });
    expect(worker.generations[1].messages.at(-1)).toEqual({ role: 'tool', content: 'Error: boom' });
  });

  it('an unknown function is reported at stage 2 and returned to the model', async () => {
    const { worker, store, ran, conv } = await setup(async () => ok(1));
    worker.reply = (req) =>
      req.messages.at(-1)?.role === 'tool'
        ? 'Sorry.'
        : '<|tool_call_start|>[launch_rocket(x=1)]<|tool_call_end|>';
    await store.getState().send('Go');
    expect(ran).toEqual([]);
    expect(conv().messages[1].toolCalls?.calls[0].error).toMatch(/Unknown function launch_rocket/);
    expect(worker.generations[1].messages.at(-1)?.content).toMatch(
      /^Error: Unknown function launch_rocket/,
    );
    expect(conv().messages.at(-1)?.content).toBe('Sorry.');
  });

  it('an unparsable block is an error; with the setting off it is not sent back', async () => {
    const { worker, store, conv } = await setup(async () => ok(1));
    store.getState().setToolSettings({ returnErrorsToModel: false });
    worker.reply = () => '<|tool_call_start|>[get_weather(city="Par]<|tool_call_end|>';
    await store.getState().send('Go');
    expect(worker.generations).toHaveLength(1);
    expect(conv().messages[1].toolCalls?.parseError).toMatch(/Could not parse/);
    expect(store.getState().chat.notice).toMatch(/not sent back/);
  });

  it('arguments failing the schema are refused before running', async () => {
    const { worker, store, ran, conv } = await setup(async () => ok(1));
    worker.reply = (req) =>
      req.messages.at(-1)?.role === 'tool'
        ? 'ok'
        : '<|tool_call_start|>[get_weather(city=42)]<|tool_call_end|>';
    await store.getState().send('Go');
    expect(ran).toEqual([]);
    expect(conv().messages[2].execution?.error).toMatch(
      /Invalid arguments for get_weather: city must be string/,
    );
  });

  it('several calls in one block each get their own tool message, in order', async () => {
    const { worker, store, ran, conv } = await setup(async (_s, a) => ok(a));
    worker.reply = (req) =>
      req.messages.at(-1)?.role === 'tool'
        ? 'done'
        : '<|tool_call_start|>[get_weather(city="Paris"), get_weather("London")]<|tool_call_end|>';
    await store.getState().send('Both');
    expect(ran).toEqual([{ city: 'Paris' }, { city: 'London' }]);
    expect(
      conv()
        .messages.filter((m) => m.role === 'tool')
        .map((m) => m.execution?.args),
    ).toEqual([{ city: 'Paris' }, { city: 'London' }]);
  });

  it('stops after the configured number of rounds', async () => {
    const { worker, store } = await setup(async () => ok(1));
    store.getState().setToolSettings({ maxRounds: 2 });
    worker.reply = () => CALL; // never answers in text
    await store.getState().send('Loop');
    expect(worker.generations).toHaveLength(3);
    expect(store.getState().chat.notice).toMatch(/Stopped after 2 tool round/);
  });

  it('asks before running when the tool says so, and a refusal is returned to the model', async () => {
    const { worker, store, ran, conv } = await setup(async () => ok(1));
    const weather = store.getState().tools.list[0];
    store.getState().updateTool(weather.id, { askBeforeRunning: true });
    const sending = store.getState().send('Weather?');
    await eventually(() => expect(conv().messages[2]?.execution?.status).toBe('awaiting-approval'));
    const pending = conv().messages[2];
    store.getState().approveToolCall(pending.id, false);
    await sending;
    expect(ran).toEqual([]);
    expect(worker.generations[1].messages.at(-1)?.content).toMatch(
      /did not allow running get_weather/,
    );
  });

  it('without "offer tools" the model gets no tool list and nothing runs', async () => {
    const { worker, store, ran } = await setup(async () => ok(1));
    store.getState().setToolSettings({ offerTools: false });
    await store.getState().send('Hi');
    expect(worker.generations[0].tools).toBeUndefined();
    expect(ran).toEqual([]);
  });

  it('Stop during a tool round ends the loop: a pending approval is refused and nothing more is generated', async () => {
    const { worker, store, ran, conv } = await setup(async () => ok(1));
    store.getState().updateTool(store.getState().tools.list[0].id, { askBeforeRunning: true });
    const sending = store.getState().send('Weather?');
    await eventually(() =>
      expect(store.getState().chat.reply).toMatchObject({
        conversationId: conv().id,
        phase: 'awaiting-approval',
      }),
    );
    // A second message while the reply is in progress is refused, and says why.
    expect(store.getState().send('another')).toBeNull();
    expect(store.getState().chat.notice).toMatch(/Wait for the current reply/);
    expect(conv().messages.filter((m) => m.role === 'user')).toHaveLength(1);
    store.getState().stop();
    await sending;
    expect(ran).toEqual([]);
    // Stopped, not refused by the user: the model would read it as interrupted.
    expect(conv().messages[2].execution?.status).toBe('interrupted');
    expect(worker.generations).toHaveLength(1);
    expect(store.getState().chat.reply).toBeNull();
  });
});
