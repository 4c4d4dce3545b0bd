import type { ChatMessage, Conversation } from './conversation';

/** Where a running reply is; null in `ChatState.reply` when none runs. */
export type ReplyPhase = 'generating' | 'planning' | 'awaiting-approval' | 'executing';

export interface ReplyState {
  conversationId: string;
  phase: ReplyPhase;
  /** 0 for the first generation, +1 after each block of tool calls. */
  round: number;
  /** The message the phase is about: the streaming reply, or the tool call being run. */
  messageId: string | null;
}

export interface ChatState {
  conversations: Record<string, Conversation>;
  /** Most recently updated first. */
  order: string[];
  activeId: string;
  reply: ReplyState | null;
  notice: string | null;
  /** The last deleted conversation, kept until the next delete so it can be restored. */
  deleted: { conversation: Conversation; index: number } | null;
}

// Small pure reducers over the chat state, shared by the slice and the reply runner.

export function withConversation(
  chat: ChatState,
  id: string,
  f: (c: Conversation) => Conversation,
): ChatState {
  const c = chat.conversations[id];
  if (!c) return chat;
  return {
    ...chat,
    conversations: { ...chat.conversations, [id]: { ...f(c), updatedAt: Date.now() } },
  };
}

export function withMessage(
  chat: ChatState,
  convId: string,
  msgId: string,
  f: (m: ChatMessage) => ChatMessage,
): ChatState {
  return withConversation(chat, convId, (c) => ({
    ...c,
    messages: c.messages.map((m) => (m.id === msgId ? f(m) : m)),
  }));
}

export function appendMessages(chat: ChatState, convId: string, added: ChatMessage[]): ChatState {
  return withConversation(chat, convId, (c) => ({ ...c, messages: [...c.messages, ...added] }));
}

/** Adds (or replaces) a conversation and puts it first in the list. */
export function putFirst(chat: ChatState, c: Conversation): ChatState {
  return {
    ...chat,
    conversations: { ...chat.conversations, [c.id]: c },
    order: [c.id, ...chat.order.filter((id) => id !== c.id)],
  };
}

export function findMessage(chat: ChatState, convId: string, msgId: string) {
  return chat.conversations[convId]?.messages.find((m) => m.id === msgId);
}
