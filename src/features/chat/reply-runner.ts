import type { EngineClient } from '../../engine/client';
import type { ToolRunOptions, ToolRunResult } from '../../sandbox/tool-sandbox';
import { offeredTools, type OfferedTools } from '../../lib/tools/offered-tools';
import { planToolCalls, toolListExcerpt, type PlannedCall } from '../../lib/tools/plan-calls';
import type { AppState } from '../../store/app-state';
import { toErrorInfo } from '../../store/errors';
import {
  appendMessages,
  findMessage,
  withMessage,
  type ChatState,
  type ReplyPhase,
} from './chat-state';
import { isUnfinished, newId, toTurns, type ChatMessage, type ToolExecution } from './conversation';

/** Runs a user's tool in isolation; the browser passes its ToolSandbox, tests a fake. */
export interface ToolRunner {
  run(source: string, args: Record<string, unknown>, opts?: ToolRunOptions): Promise<ToolRunResult>;
}

export interface ReplyDeps {
  engine: Pick<EngineClient, 'request' | 'stop'>;
  tools: () => ToolRunner;
  get: () => AppState;
  setChat: (f: (chat: ChatState) => ChatState) => void;
}

/**
 * How the reply's first generation starts: fresh (optionally from the user's own words), or by
 * continuing the conversation's last assistant message (one cut by the token limit).
 */
export type ReplyStart = { prefill?: string } | { continue: ChatMessage };

/** How a reply ended. `busy`: another reply was running, so this one never started. */
export type ReplyOutcome = 'done' | 'stopped' | 'failed' | 'busy';

/** Streamed text reaches the store at most this often: per-token renders would swamp the page. */
const FLUSH_MS = 50;

/**
 * Runs one reply, in explicit phases: build the turns → generate (streaming) → plan the tool
 * calls → approve → execute each → next round … → done, stopped or failed. Every phase is written
 * to `chat.reply`, and the conversation is well-formed at every await: planned calls are stored
 * as `pending` tool messages before any runs, so a reload, a crash or Stop at any point leaves
 * one tool message per call (settled to "interrupted" when it never returned).
 *
 * One reply runs at a time (the engine generates one sequence at a time).
 */
export function createReplyRunner({ engine, tools, get, setChat }: ReplyDeps) {
  let active: {
    abort: AbortController;
    approvals: Map<string, (allow: boolean) => void>;
  } | null = null;

  const chat = () => get().chat;
  const phase = (conversationId: string, p: ReplyPhase, round: number, messageId: string | null) =>
    setChat((c) => ({ ...c, reply: { conversationId, phase: p, round, messageId } }));
  const updateMsg = (convId: string, msgId: string, f: (m: ChatMessage) => ChatMessage) =>
    setChat((c) => withMessage(c, convId, msgId, f));
  const updateExecution = (convId: string, msgId: string, patch: Partial<ToolExecution>) =>
    updateMsg(convId, msgId, (m) =>
      m.execution ? { ...m, execution: { ...m.execution, ...patch } } : m,
    );
  const notice = (text: string) => setChat((c) => ({ ...c, notice: text }));
  const exists = (convId: string) => Boolean(chat().conversations[convId]);

  /** Generates one assistant message into the conversation; returns it once finished. */
  async function generate(
    convId: string,
    round: number,
    start: ReplyStart,
    offered: OfferedTools,
  ): Promise<ChatMessage | null> {
    const s = get();
    const loaded = s.models.loaded;
    const conv = s.chat.conversations[convId];
    if (!loaded || !conv) return null;
    const continued = 'continue' in start ? start.continue : null;
    const prefill = 'continue' in start ? start.continue.prefill : start.prefill || undefined;
    // Continuing: the model's own earlier text goes back as model text, the user's start as plain.
    const base = continued ? continued.content : (prefill ?? '');
    const continuation = continued ? continued.content.slice(prefill?.length ?? 0) : undefined;
    const msg: ChatMessage = continued
      ? { ...continued, status: 'streaming', finishReason: undefined }
      : {
          id: newId(),
          role: 'assistant',
          content: base,
          prefill,
          status: 'streaming',
          createdAt: Date.now(),
          model: { repo: loaded.repo, device: loaded.device, dtype: loaded.dtype },
        };
    const turns = toTurns(
      conv,
      conv.messages.filter((m) => m.id !== msg.id),
    );
    setChat((c) =>
      continued ? withMessage(c, convId, msg.id, () => msg) : appendMessages(c, convId, [msg]),
    );
    phase(convId, 'generating', round, msg.id);
    let pending = '';
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      const text = pending;
      pending = '';
      if (text) updateMsg(convId, msg.id, (m) => ({ ...m, content: m.content + text }));
    };
    try {
      const result = await engine.request(
        'generate',
        {
          messages: turns,
          tools: offered.definitions,
          prefill,
          continuation: continuation || undefined,
          params: s.settings.params,
        },
        {
          onToken: (t) => {
            pending += t;
            timer ??= setTimeout(flush, FLUSH_MS);
          },
        },
      );
      if (timer) clearTimeout(timer);
      // The final text replaces what was streamed: it is exactly what the model generated.
      updateMsg(convId, msg.id, (m) => ({
        ...m,
        content: base + result.text,
        status: result.finishReason === 'stopped' ? 'stopped' : 'done',
        finishReason: result.finishReason,
        stats: result.stats,
      }));
    } catch (e) {
      if (timer) clearTimeout(timer);
      flush();
      updateMsg(convId, msg.id, (m) => ({ ...m, status: 'error', error: toErrorInfo(e) }));
    }
    return findMessage(chat(), convId, msg.id) ?? null;
  }

  /** Stage 3 for one call: approval if the tool asks for it, then the sandboxed run. */
  async function execute(
    convId: string,
    round: number,
    msgId: string,
    call: PlannedCall,
    signal: AbortSignal,
  ): Promise<void> {
    if (!call.tool) {
      updateExecution(convId, msgId, { status: 'error', error: call.error });
      return;
    }
    const { tool } = call.tool;
    if (tool.askBeforeRunning) {
      phase(convId, 'awaiting-approval', round, msgId);
      updateExecution(convId, msgId, { status: 'awaiting-approval' });
      const allowed = await new Promise<boolean>((resolve) => {
        active?.approvals.set(msgId, resolve);
        signal.addEventListener('abort', () => resolve(false), { once: true });
      });
      active?.approvals.delete(msgId);
      if (signal.aborted) return; // settled as interrupted below
      if (!allowed) {
        updateExecution(convId, msgId, { status: 'denied' });
        return;
      }
    }
    phase(convId, 'executing', round, msgId);
    updateExecution(convId, msgId, { status: 'running' });
    const r = await tools().run(tool.implementation, call.args, {
      timeoutMs: get().tools.settings.timeoutMs,
      signal,
    });
    const ran = { logs: r.logs, durationMs: r.durationMs };
    if (r.ok)
      updateExecution(convId, msgId, {
        status: 'done',
        result: r.value as ToolExecution['result'],
        ...ran,
      });
    else if (r.kind === 'cancelled')
      updateExecution(convId, msgId, {
        status: 'interrupted',
        error: 'Stopped while running',
        ...ran,
      });
    else updateExecution(convId, msgId, { status: 'error', error: r.message, ...ran });
  }

  /** Marks what a stopped round left unfinished, so every call has an answer the model can read. */
  function settleUnfinished(convId: string, ids: string[]) {
    for (const id of ids)
      updateMsg(convId, id, (m) =>
        m.execution && isUnfinished(m.execution)
          ? { ...m, execution: { ...m.execution, status: 'interrupted' } }
          : m,
      );
  }

  async function rounds(convId: string, first: ReplyStart, signal: AbortSignal) {
    // Computed once per reply, by the same selector the prompt inspector uses.
    const offered = offeredTools(get().tools);
    for (let round = 0; ; round++) {
      const reply = await generate(convId, round, round === 0 ? first : {}, offered);
      if (!reply) return 'failed';
      if (reply.status === 'stopped' || signal.aborted) return 'stopped';
      if (reply.status !== 'done') return 'failed';
      if (!offered.definitions) return 'done';

      phase(convId, 'planning', round, reply.id);
      const plan = planToolCalls(reply.content, offered.ready);
      if (!plan) return 'done';
      const { maxRounds, returnErrorsToModel } = get().tools.settings;
      const overLimit = round + 1 > maxRounds;
      const invalid = plan.planned.some((c) => c.error) && !returnErrorsToModel;
      // One tool message per call, stored with the parsed calls in a single update.
      const calls = plan.planned.map((call) => ({ call, id: newId() }));
      const notRun = overLimit
        ? `not run: the limit of ${maxRounds} tool round(s) was reached (Tools → max rounds)`
        : 'not run: another call in this block was invalid';
      setChat((c) =>
        appendMessages(
          withMessage(c, convId, reply.id, (m) => ({ ...m, toolCalls: plan.info })),
          convId,
          calls.map(({ call, id }) => ({
            id,
            role: 'tool',
            content: '',
            status: 'done',
            createdAt: Date.now(),
            execution:
              overLimit || invalid
                ? { name: call.name, args: call.args, status: 'error', error: call.error ?? notRun }
                : { name: call.name, args: call.args, status: 'pending' },
          })),
        ),
      );
      // Stage 1 as the model saw it: the tool list inside the rendered prompt.
      const conv = chat().conversations[convId];
      const rendered = conv
        ? await engine
            .request('render', { messages: toTurns(conv), tools: offered.definitions })
            .catch(() => null)
        : null;
      const toolPrompt = rendered ? toolListExcerpt(rendered.text) : undefined;
      if (toolPrompt)
        updateMsg(convId, reply.id, (m) =>
          m.toolCalls ? { ...m, toolCalls: { ...m.toolCalls, toolPrompt } } : m,
        );
      if (overLimit) {
        notice(
          `Stopped after ${maxRounds} tool round(s) without a final answer (Tools → max rounds).`,
        );
        return 'done';
      }
      if (invalid) {
        notice(
          'The model made an invalid tool call; errors are not sent back to it (Tools settings).',
        );
        return 'done';
      }
      // Calls in one block run in order, each answered by its own tool message.
      for (const { call, id } of calls) {
        if (signal.aborted || !exists(convId)) break;
        await execute(convId, round, id, call, signal);
      }
      if (signal.aborted) {
        settleUnfinished(
          convId,
          calls.map((c) => c.id),
        );
        return 'stopped';
      }
      if (!exists(convId)) return 'stopped';
    }
  }

  return {
    /**
     * Runs a reply for the conversation's current last message. Resolves when it has ended; the
     * conversation then holds every message it produced.
     */
    async run(convId: string, start: ReplyStart = {}): Promise<ReplyOutcome> {
      if (active) return 'busy';
      const abort = new AbortController();
      active = { abort, approvals: new Map() };
      setChat((c) => ({
        ...c,
        notice: null,
        reply: { conversationId: convId, phase: 'generating', round: 0, messageId: null },
      }));
      try {
        return await rounds(convId, start, abort.signal);
      } finally {
        active = null;
        setChat((c) => ({ ...c, reply: null }));
      }
    },
    /** Ends the running reply at once, whatever its phase. */
    stop(): void {
      if (!active) return;
      active.abort.abort();
      engine.stop();
    },
    approve(messageId: string, allow: boolean): void {
      active?.approvals.get(messageId)?.(allow);
    },
    get running(): boolean {
      return active !== null;
    },
  };
}

export type ReplyRunner = ReturnType<typeof createReplyRunner>;
