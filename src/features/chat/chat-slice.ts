import type { StateCreator } from 'zustand';
import type { EngineClient } from '../../engine/client';
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
} from './conversation';

export interface ChatSlice {
  chat: {
    conversations: Record<string, Conversation>;
    /** Most recent first. */
    order: string[];
    activeId: string;
    generating: { conversationId: string; messageId: string } | null;
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
    notice: null,
  };
}

export const createChatSlice =
  (engine: EngineClient): StateCreator<AppState, [], [], ChatSlice> =>
  (set, get) => {
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

    async function generateReply(convId: string, prefill?: string): Promise<void> {
      const s = get();
      const loaded = s.models.loaded;
      if (!loaded) {
        patchChat({ notice: 'Load a model first: pick one in the Models panel and press Load.' });
        return;
      }
      if (s.chat.generating) return;
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
          { messages: turns, prefill: prefill || undefined, params: s.settings.params },
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
    }

    return {
      chat: initialChat(),
      newConversation: () => {
        const c = createConversation(active()?.systemPrompt ?? '');
        set((s) => ({
          chat: {
            ...s.chat,
            conversations: { ...s.chat.conversations, [c.id]: c },
            order: [c.id, ...s.chat.order],
            activeId: c.id,
          },
        }));
      },
      selectConversation: (id) => patchChat({ activeId: id }),
      deleteConversation: (id) => {
        if (get().chat.generating?.conversationId === id) engine.stop();
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
        set((s) => ({
          chat: {
            ...s.chat,
            conversations: { ...s.chat.conversations, [c.id]: c },
            order: [c.id, ...s.chat.order],
            activeId: c.id,
          },
        }));
        return null;
      },
      send: async (text, prefill) => {
        const conv = active();
        if (!text.trim() || get().chat.generating) return;
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
        await generateReply(conv.id, prefill);
      },
      regenerate: async () => {
        const conv = active();
        const last = conv.messages.at(-1);
        if (!last || get().chat.generating) return;
        const prefill = last.role === 'assistant' ? last.prefill : undefined;
        if (last.role === 'assistant')
          updateConv(conv.id, (c) => ({ ...c, messages: c.messages.slice(0, -1) }));
        await generateReply(conv.id, prefill);
      },
      editAndResend: async (messageId, text) => {
        const conv = active();
        const i = conv.messages.findIndex((m) => m.id === messageId);
        if (i < 0 || conv.messages[i].role !== 'user' || !text.trim() || get().chat.generating)
          return;
        updateConv(conv.id, (c) => ({
          ...c,
          messages: [...c.messages.slice(0, i), { ...c.messages[i], content: text }],
        }));
        await generateReply(conv.id);
      },
      stop: () => engine.stop(),
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
