import type { StateCreator } from 'zustand';
import type { EngineClient } from '../../engine/client';
import type { ToolSandbox } from '../../sandbox/tool-sandbox';
import { readyTools, type ReadyTool } from '../tools/tools-slice';
import { planToolCalls, toolListExcerpt, type PlannedCall } from './tool-turn';
import type { AppState } from '../../store/app-state';
import { toErrorInfo } from '../../store/errors';
import {
  createConversation,
  importConversation,
  newId,
  titleFrom,
  toTurns,
  type ChatMessage,
  type Conversation,
  type ExampleTurn,
  type ToolExecution,
} from './conversation';

/** Runs a user's tool in isolation; the browser passes its ToolSandbox, tests a fake. */
export type ToolRunner = Pick<ToolSandbox, 'run'>;

export interface ChatSlice {
  chat: {
    conversations: Record<string, Conversation>;
    /** Most recent first. */
    order: string[];
    activeId: string;
    generating: { conversationId: string; messageId: string } | null;
    /** The conversation whose reply (generation and tool rounds) is in progress. */
    busy: string | null;
    notice: string | null;
  };
  newConversation(): void;
  selectConversation(id: string): void;
  deleteConversation(id: string): void;
  renameConversation(id: string, title: string): void;
  setSystemPrompt(text: string): void;
  setExamples(examples: ExampleTurn[]): void;
  importConversationJson(json: string): string | null;
  send(text: string, prefill?: string): Promise<void>;
  regenerate(): Promise<void>;
  editAndResend(messageId: string, text: string): Promise<void>;
  stop(): void;
  /** Answers an "ask before running" prompt for a pending tool call. */
  approveToolCall(messageId: string, allow: boolean): void;
  dismissNotice(): void;
  hydrateChat(conversations: Conversation[], activeId?: string): void;
}

export function initialChat(): ChatSlice['chat'] {
  const first = createConversation();
  return {
    conversations: { [first.id]: first },
    order: [first.id],
    activeId: first.id,
    generating: null,
    busy: null,
    notice: null,
  };
}

export const createChatSlice =
  (engine: EngineClient, tools: () => ToolRunner): StateCreator<AppState, [], [], ChatSlice> =>
  (set, get) => {
    const approvals = new Map<string, (allow: boolean) => void>();
    let stopRequested = false;
    const patchChat = (p: Partial<ChatSlice['chat']>) =>
      set((s) => ({ chat: { ...s.chat, ...p } }));
    const updateConv = (id: string, f: (c: Conversation) => Conversation) =>
      set((s) => {
        const c = s.chat.conversations[id];
        if (!c) return s;
        return {
          chat: {
            ...s.chat,
            conversations: { ...s.chat.conversations, [id]: { ...f(c), updatedAt: Date.now() } },
          },
        };
      });
    const updateMsg = (convId: string, msgId: string, f: (m: ChatMessage) => ChatMessage) =>
      updateConv(convId, (c) => ({
        ...c,
        messages: c.messages.map((m) => (m.id === msgId ? f(m) : m)),
      }));
    const active = () => get().chat.conversations[get().chat.activeId];
    /** Puts a conversation first in the list and opens it. */
    const addConversation = (c: Conversation) =>
      set((s) => ({
        chat: {
          ...s.chat,
          conversations: { ...s.chat.conversations, [c.id]: c },
          order: [c.id, ...s.chat.order],
          activeId: c.id,
        },
      }));

    /** Generates one assistant message; returns it once finished (null if nothing ran). */
    async function generateReply(
      convId: string,
      prefill: string | undefined,
      toolDefs: object[] | undefined,
    ): Promise<ChatMessage | null> {
      const s = get();
      const loaded = s.models.loaded;
      if (!loaded) {
        patchChat({ notice: 'Load a model first: pick one in the Models panel and press Load.' });
        return null;
      }
      if (s.chat.generating) return null;
      const conv = s.chat.conversations[convId];
      const turns = toTurns(conv);
      const msg: ChatMessage = {
        id: newId(),
        role: 'assistant',
        content: prefill ?? '',
        prefill: prefill || undefined,
        status: 'streaming',
        createdAt: Date.now(),
        model: { repo: loaded.repo, device: loaded.device, dtype: loaded.dtype },
      };
      updateConv(convId, (c) => ({ ...c, messages: [...c.messages, msg] }));
      patchChat({ generating: { conversationId: convId, messageId: msg.id }, notice: null });
      // Streamed text reaches the store (and so the screen and IndexedDB) at most every 50 ms:
      // re-rendering markdown per token would saturate the main thread on fast models.
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
            tools: toolDefs,
            prefill: prefill || undefined,
            params: s.settings.params,
          },
          {
            onToken: (t) => {
              pending += t;
              timer ??= setTimeout(flush, 50);
            },
          },
        );
        if (timer) clearTimeout(timer);
        updateMsg(convId, msg.id, (m) => ({
          ...m,
          content: (prefill ?? '') + result.text,
          status: result.finishReason === 'stopped' ? 'stopped' : 'done',
          stats: result.stats,
        }));
      } catch (e) {
        if (timer) clearTimeout(timer);
        flush();
        updateMsg(convId, msg.id, (m) => ({ ...m, status: 'error', error: toErrorInfo(e) }));
      } finally {
        patchChat({ generating: null });
      }
      return get().chat.conversations[convId]?.messages.find((m) => m.id === msg.id) ?? null;
    }

    const appendMessage = (convId: string, m: ChatMessage) =>
      updateConv(convId, (c) => ({ ...c, messages: [...c.messages, m] }));

    const updateExecution = (convId: string, msgId: string, patch: Partial<ToolExecution>) =>
      updateMsg(convId, msgId, (m) => ({ ...m, execution: { ...m.execution!, ...patch } }));

    /** Stage 3 for one call: approval if asked for, then the sandboxed run. */
    async function execute(convId: string, call: PlannedCall): Promise<ToolExecution> {
      const msg: ChatMessage = {
        id: newId(),
        role: 'tool',
        content: '',
        status: 'done',
        createdAt: Date.now(),
        execution: { name: call.name, args: call.args, status: 'running' },
      };
      appendMessage(convId, msg);
      const finish = (patch: Partial<ToolExecution>): ToolExecution => {
        updateExecution(convId, msg.id, patch);
        // The conversation may have been deleted meanwhile; the loop then just ends.
        const saved = get().chat.conversations[convId]?.messages.find((m) => m.id === msg.id);
        return saved?.execution ?? { ...msg.execution!, ...patch };
      };
      if (!call.tool) return finish({ status: 'error', error: call.error });
      const tool: ReadyTool = call.tool;
      if (tool.tool.askBeforeRunning) {
        updateExecution(convId, msg.id, { status: 'awaiting-approval' });
        const allowed = await new Promise<boolean>((resolve) => approvals.set(msg.id, resolve));
        approvals.delete(msg.id);
        if (!allowed) return finish({ status: 'denied' });
        updateExecution(convId, msg.id, { status: 'running' });
      }
      const r = await tools().run(tool.tool.implementation, call.args, {
        timeoutMs: get().tools.settings.timeoutMs,
      });
      return r.ok
        ? finish({
            status: 'done',
            result: r.value as ToolExecution['result'],
            logs: r.logs,
            durationMs: r.durationMs,
          })
        : finish({ status: 'error', error: r.message, logs: r.logs, durationMs: r.durationMs });
    }

    /**
     * The four-step loop: the model sees the enabled tools (1), writes calls (2), we run them and
     * return each result as a `tool` message (3), and it continues until it answers in text (4).
     */
    async function respond(convId: string, prefill?: string): Promise<void> {
      if (get().chat.busy) return;
      stopRequested = false;
      patchChat({ busy: convId });
      try {
        await runRounds(convId, prefill);
      } finally {
        patchChat({ busy: null });
      }
    }

    async function runRounds(convId: string, prefill?: string): Promise<void> {
      const { list, settings } = get().tools;
      const ready = settings.offerTools ? readyTools(list) : [];
      const toolDefs = ready.length ? ready.map((r) => r.definition) : undefined;
      for (let round = 0; ; round++) {
        const reply = await generateReply(convId, round === 0 ? prefill : undefined, toolDefs);
        if (!reply || reply.status !== 'done' || !toolDefs || stopRequested) return;
        const plan = planToolCalls(reply.content, ready);
        if (!plan) return;
        const rendered = await engine
          .request('render', {
            messages: toTurns(get().chat.conversations[convId]),
            tools: toolDefs,
          })
          .catch(() => null);
        updateMsg(convId, reply.id, (m) => ({
          ...m,
          toolCalls: {
            ...plan.info,
            toolPrompt: rendered ? toolListExcerpt(rendered.text) : undefined,
          },
        }));
        if (round + 1 > settings.maxRounds) {
          patchChat({
            notice: `Stopped after ${settings.maxRounds} tool round(s) without a final answer (Tools → max rounds).`,
          });
          return;
        }
        const failures = plan.planned.filter((c) => c.error);
        if (failures.length && !settings.returnErrorsToModel) {
          for (const c of plan.planned)
            await execute(
              convId,
              c.error
                ? c
                : {
                    ...c,
                    tool: undefined,
                    error: 'not run: another call in this block was invalid',
                  },
            );
          patchChat({
            notice:
              'The model made an invalid tool call; errors are not sent back to it (Tools settings).',
          });
          return;
        }
        // Several calls in one block each get their own tool message, in order.
        for (const call of plan.planned) {
          if (stopRequested) return;
          await execute(convId, call);
        }
        if (stopRequested || !get().chat.conversations[convId]) return;
      }
    }

    return {
      chat: initialChat(),
      newConversation: () => {
        const c = createConversation(active()?.systemPrompt ?? '');
        addConversation(c);
      },
      selectConversation: (id) => patchChat({ activeId: id }),
      deleteConversation: (id) => {
        if (get().chat.busy === id) get().stop();
        set((s) => {
          const { [id]: _gone, ...rest } = s.chat.conversations;
          let order = s.chat.order.filter((x) => x !== id);
          if (order.length === 0) {
            const c = createConversation();
            rest[c.id] = c;
            order = [c.id];
          }
          const activeId = s.chat.activeId === id ? order[0] : s.chat.activeId;
          return { chat: { ...s.chat, conversations: rest, order, activeId } };
        });
      },
      renameConversation: (id, title) =>
        updateConv(id, (c) => ({ ...c, title: title.trim() || c.title })),
      setSystemPrompt: (text) =>
        updateConv(get().chat.activeId, (c) => ({ ...c, systemPrompt: text })),
      setExamples: (examples) => updateConv(get().chat.activeId, (c) => ({ ...c, examples })),
      importConversationJson: (json) => {
        const r = importConversation(json);
        if (!r.ok) return r.error;
        const c = r.conversation;
        addConversation(c);
        return null;
      },
      send: async (text, prefill) => {
        const conv = active();
        if (!text.trim() || get().chat.busy) return;
        if (!get().models.loaded) {
          patchChat({ notice: 'Load a model first: pick one in the Models panel and press Load.' });
          return;
        }
        const user: ChatMessage = {
          id: newId(),
          role: 'user',
          content: text,
          status: 'done',
          createdAt: Date.now(),
        };
        updateConv(conv.id, (c) => ({
          ...c,
          title: c.messages.length === 0 ? titleFrom(text) : c.title,
          messages: [...c.messages, user],
        }));
        await respond(conv.id, prefill);
      },
      regenerate: async () => {
        const conv = active();
        if (get().chat.busy) return;
        // The whole reply to the last user message goes, tool calls and results included.
        const lastUser = conv.messages.findLastIndex((m) => m.role === 'user');
        if (lastUser < 0) return;
        const prefill = conv.messages
          .slice(lastUser + 1)
          .find((m) => m.role === 'assistant')?.prefill;
        updateConv(conv.id, (c) => ({ ...c, messages: c.messages.slice(0, lastUser + 1) }));
        await respond(conv.id, prefill);
      },
      editAndResend: async (messageId, text) => {
        const conv = active();
        const i = conv.messages.findIndex((m) => m.id === messageId);
        if (i < 0 || conv.messages[i].role !== 'user' || !text.trim() || get().chat.busy) return;
        updateConv(conv.id, (c) => ({
          ...c,
          messages: [...c.messages.slice(0, i), { ...c.messages[i], content: text }],
        }));
        await respond(conv.id);
      },
      stop: () => {
        stopRequested = true;
        engine.stop();
        // A call waiting for approval is answered "no"; a running call finishes (or times out).
        for (const answer of approvals.values()) answer(false);
      },
      approveToolCall: (messageId, allow) => approvals.get(messageId)?.(allow),
      dismissNotice: () => patchChat({ notice: null }),
      hydrateChat: (conversations, activeId) => {
        if (conversations.length === 0) return;
        const byId: Record<string, Conversation> = {};
        for (const c of conversations) {
          // A reply that was streaming when the page went away is kept as it was shown.
          byId[c.id] = {
            ...c,
            messages: c.messages.map((m) =>
              m.status === 'streaming' ? { ...m, status: 'interrupted' } : m,
            ),
          };
        }
        const order = conversations.sort((a, b) => b.updatedAt - a.updatedAt).map((c) => c.id);
        patchChat({
          conversations: byId,
          order,
          activeId: activeId && byId[activeId] ? activeId : order[0],
        });
      },
    };
  };
