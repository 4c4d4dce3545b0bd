import type { StateCreator } from 'zustand';
import type { EngineClient } from '../../engine/client';
import type { AppState } from '../../store/app-state';
import { putFirst, withConversation, type ChatState } from './chat-state';
import {
  createConversation,
  importConversation,
  newId,
  settleConversation,
  titleFrom,
  type Conversation,
  type ExampleTurn,
} from './conversation';
import { createReplyRunner, type ReplyOutcome, type ToolRunner } from './reply-runner';

export type { ToolRunner };

const LOAD_FIRST = 'Load a model first: pick one in the Models panel and press Load.';

export interface ChatSlice {
  chat: ChatState;
  newConversation(): void;
  selectConversation(id: string): void;
  deleteConversation(id: string): void;
  /** Restores the last deleted conversation. */
  undoDelete(): void;
  renameConversation(id: string, title: string): void;
  setSystemPrompt(text: string): void;
  setExamples(examples: ExampleTurn[]): void;
  importConversationJson(json: string): string | null;
  /**
   * Adds the user's message and starts the reply, returning its outcome's promise. Returns null
   * (and says why in `notice`) when nothing was sent, so the composer keeps the text.
   */
  send(text: string, prefill?: string): Promise<ReplyOutcome> | null;
  regenerate(): Promise<void>;
  /** Continues the last reply where the token limit cut it. */
  continueReply(): Promise<void>;
  editAndResend(messageId: string, text: string): Promise<void>;
  stop(): void;
  /** Answers an "ask before running" prompt for a pending tool call. */
  approveToolCall(messageId: string, allow: boolean): void;
  dismissNotice(): void;
  /** Replaces the conversation list with stored conversations (settled: nothing stays running). */
  hydrateChat(conversations: Conversation[], activeId?: string): void;
  /** A conversation written or deleted by another tab. */
  applyRemoteConversation(id: string, conversation: Conversation | null): void;
}

export function initialChat(): ChatState {
  const first = createConversation();
  return {
    conversations: { [first.id]: first },
    order: [first.id],
    activeId: first.id,
    reply: null,
    notice: null,
    deleted: null,
  };
}

const byRecent = (convs: Record<string, Conversation>) =>
  Object.values(convs)
    .sort((a, b) => b.updatedAt - a.updatedAt)
    .map((c) => c.id);

export const createChatSlice =
  (engine: EngineClient, tools: () => ToolRunner): StateCreator<AppState, [], [], ChatSlice> =>
  (set, get) => {
    const setChat = (f: (chat: ChatState) => ChatState) => set((s) => ({ chat: f(s.chat) }));
    const runner = createReplyRunner({ engine, tools, get, setChat });
    const active = () => get().chat.conversations[get().chat.activeId];
    const busy = () => get().chat.reply !== null;
    const update = (id: string, f: (c: Conversation) => Conversation) =>
      setChat((c) => withConversation(c, id, f));
    const refuse = (notice: string) => {
      setChat((c) => ({ ...c, notice }));
      return null;
    };

    return {
      chat: initialChat(),
      newConversation: () =>
        setChat((c) => {
          const conv = createConversation(active()?.systemPrompt ?? '');
          return { ...putFirst(c, conv), activeId: conv.id };
        }),
      selectConversation: (id) =>
        setChat((c) => (c.conversations[id] ? { ...c, activeId: id } : c)),
      deleteConversation: (id) => {
        if (get().chat.reply?.conversationId === id) runner.stop();
        setChat((c) => {
          const conversation = c.conversations[id];
          if (!conversation) return c;
          const { [id]: _gone, ...rest } = c.conversations;
          let order = c.order.filter((x) => x !== id);
          if (order.length === 0) {
            const fresh = createConversation();
            rest[fresh.id] = fresh;
            order = [fresh.id];
          }
          return {
            ...c,
            conversations: rest,
            order,
            activeId: c.activeId === id ? order[0] : c.activeId,
            deleted: { conversation, index: c.order.indexOf(id) },
          };
        });
      },
      undoDelete: () =>
        setChat((c) => {
          if (!c.deleted) return c;
          const { conversation, index } = c.deleted;
          const order = c.order.filter((id) => id !== conversation.id);
          order.splice(Math.min(index, order.length), 0, conversation.id);
          return {
            ...c,
            conversations: { ...c.conversations, [conversation.id]: conversation },
            order,
            activeId: conversation.id,
            deleted: null,
          };
        }),
      renameConversation: (id, title) => {
        if (title.trim()) update(id, (c) => ({ ...c, title: title.trim() }));
      },
      setSystemPrompt: (text) => update(get().chat.activeId, (c) => ({ ...c, systemPrompt: text })),
      setExamples: (examples) => update(get().chat.activeId, (c) => ({ ...c, examples })),
      importConversationJson: (json) => {
        const r = importConversation(json);
        if (!r.ok) return r.error;
        setChat((c) => ({ ...putFirst(c, r.conversation), activeId: r.conversation.id }));
        return null;
      },
      send: (text, prefill) => {
        if (!text.trim()) return null;
        if (busy()) return refuse('Wait for the current reply to finish, or press Stop.');
        if (!get().models.loaded)
          return refuse(
            get().models.status === 'loading'
              ? 'The model is still loading; your message is kept. Send it when the model is ready.'
              : LOAD_FIRST,
          );
        const conv = active();
        update(conv.id, (c) => ({
          ...c,
          title: c.messages.length === 0 ? titleFrom(text) : c.title,
          messages: [
            ...c.messages,
            { id: newId(), role: 'user', content: text, status: 'done', createdAt: Date.now() },
          ],
        }));
        return runner.run(conv.id, { prefill });
      },
      regenerate: async () => {
        const conv = active();
        if (busy()) return;
        if (!get().models.loaded) {
          refuse(LOAD_FIRST);
          return;
        }
        // The whole reply to the last user message goes, tool calls and results included.
        const lastUser = conv.messages.findLastIndex((m) => m.role === 'user');
        if (lastUser < 0) return;
        const prefill = conv.messages
          .slice(lastUser + 1)
          .find((m) => m.role === 'assistant')?.prefill;
        update(conv.id, (c) => ({ ...c, messages: c.messages.slice(0, lastUser + 1) }));
        await runner.run(conv.id, { prefill });
      },
      continueReply: async () => {
        const conv = active();
        const last = conv.messages.at(-1);
        if (busy() || last?.role !== 'assistant' || last.finishReason !== 'length') return;
        if (!get().models.loaded) {
          refuse(LOAD_FIRST);
          return;
        }
        await runner.run(conv.id, { continue: last });
      },
      editAndResend: async (messageId, text) => {
        const conv = active();
        const i = conv.messages.findIndex((m) => m.id === messageId);
        if (i < 0 || conv.messages[i].role !== 'user' || !text.trim() || busy()) return;
        if (!get().models.loaded) {
          refuse(LOAD_FIRST);
          return;
        }
        update(conv.id, (c) => ({
          ...c,
          messages: [...c.messages.slice(0, i), { ...c.messages[i], content: text }],
        }));
        await runner.run(conv.id);
      },
      stop: () => runner.stop(),
      approveToolCall: (messageId, allow) => runner.approve(messageId, allow),
      dismissNotice: () => setChat((c) => ({ ...c, notice: null })),
      hydrateChat: (conversations, activeId) => {
        if (conversations.length === 0) return;
        const byId: Record<string, Conversation> = {};
        for (const c of conversations) byId[c.id] = settleConversation(c);
        const order = byRecent(byId);
        setChat((c) => ({
          ...c,
          conversations: byId,
          order,
          activeId: activeId && byId[activeId] ? activeId : order[0],
        }));
      },
      applyRemoteConversation: (id, conversation) =>
        setChat((c) => {
          // The reply running here owns its conversation until it ends.
          if (c.reply?.conversationId === id) return c;
          if (!conversation) {
            if (!c.conversations[id]) return c;
            const { [id]: _gone, ...rest } = c.conversations;
            const order = c.order.filter((x) => x !== id);
            if (order.length === 0) return c; // keep at least one conversation on screen
            return {
              ...c,
              conversations: rest,
              order,
              activeId: c.activeId === id ? order[0] : c.activeId,
            };
          }
          const mine = c.conversations[id];
          if (mine && mine.updatedAt >= conversation.updatedAt) return c;
          const conversations = { ...c.conversations, [id]: conversation };
          return { ...c, conversations, order: byRecent(conversations) };
        }),
    };
  };
