import { z } from 'zod';
import {
  ENGINE_ERROR_CODES,
  type ChatTurn,
  type EngineErrorInfo,
  type GenerationStats,
  type JsonValue,
} from '../../engine/protocol';
import type { ToolCallsInfo } from '../../lib/tools/plan-calls';

/**
 * The conversation model. The zod schemas are the single source of truth: the TypeScript types
 * are inferred from them, IndexedDB records and imported files are checked against them, and a
 * schema change goes with a storage migration (store/db.ts).
 */

const json = z.json() as z.ZodType<JsonValue>;
const args = z.record(z.string(), json);

export const errorInfoSchema = z.object({
  code: z.enum(ENGINE_ERROR_CODES),
  message: z.string(),
  detail: z.string().optional(),
}) satisfies z.ZodType<EngineErrorInfo>;

const statsSchema = z.object({
  promptTokens: z.number(),
  cachedTokens: z.number(),
  outputTokens: z.number(),
  ttftMs: z.number(),
  prefillTokPerSec: z.number(),
  decodeTokPerSec: z.number(),
  totalMs: z.number(),
}) satisfies z.ZodType<GenerationStats>;

const toolCallsSchema = z.object({
  raw: z.string(),
  calls: z.array(z.object({ name: z.string(), args, error: z.string().optional() })),
  parseError: z.string().optional(),
  toolPrompt: z.string().optional(),
}) satisfies z.ZodType<ToolCallsInfo>;

export const EXECUTION_STATUSES = [
  /** Planned, waiting for the calls before it in the same block. */
  'pending',
  'awaiting-approval',
  'running',
  'done',
  'error',
  'denied',
  /** Stopped, or cut off by a reload or crash, before it returned. */
  'interrupted',
] as const;

const executionSchema = z.object({
  name: z.string(),
  args,
  status: z.enum(EXECUTION_STATUSES),
  result: json.optional(),
  error: z.string().optional(),
  logs: z
    .array(z.object({ level: z.enum(['log', 'info', 'warn', 'error', 'debug']), text: z.string() }))
    .optional(),
  durationMs: z.number().optional(),
});

const MESSAGE_STATUSES = ['done', 'streaming', 'stopped', 'error', 'interrupted'] as const;

export const messageSchema = z.object({
  id: z.string(),
  role: z.enum(['user', 'assistant', 'tool']),
  /** Raw text as the template gets it; assistant text keeps the model's special tokens. */
  content: z.string(),
  status: z.enum(MESSAGE_STATUSES),
  /** The start of the reply the user wrote; the model continued from it. */
  prefill: z.string().optional(),
  /** Why generation ended: end of turn, the token limit, or Stop. */
  finishReason: z.enum(['eos', 'length', 'stopped']).optional(),
  stats: statsSchema.optional(),
  error: errorInfoSchema.optional(),
  model: z.object({ repo: z.string(), device: z.string(), dtype: z.string() }).optional(),
  /** Assistant messages that called tools: stage 2 as parsed. */
  toolCalls: toolCallsSchema.optional(),
  /** Tool messages: the execution whose result goes back to the model. */
  execution: executionSchema.optional(),
  createdAt: z.number(),
});

const exampleSchema = z.object({ role: z.enum(['user', 'assistant']), content: z.string() });

export const conversationSchema = z.object({
  id: z.string(),
  title: z.string(),
  systemPrompt: z.string(),
  /** Few-shot turns placed before the conversation in every prompt. */
  examples: z.array(exampleSchema),
  messages: z.array(messageSchema),
  createdAt: z.number(),
  updatedAt: z.number(),
});

export type MessageStatus = (typeof MESSAGE_STATUSES)[number];
export type ToolExecution = z.infer<typeof executionSchema>;
export type ChatMessage = z.infer<typeof messageSchema>;
export type ExampleTurn = z.infer<typeof exampleSchema>;
export type Conversation = z.infer<typeof conversationSchema>;
export type { ToolCallsInfo };

export const newId = () => crypto.randomUUID();

export function createConversation(systemPrompt = ''): Conversation {
  const now = Date.now();
  return {
    id: newId(),
    title: 'New chat',
    systemPrompt,
    examples: [],
    messages: [],
    createdAt: now,
    updatedAt: now,
  };
}

/** An execution that has not returned and never will in this reply. */
export const isUnfinished = (e: ToolExecution) =>
  e.status === 'pending' || e.status === 'awaiting-approval' || e.status === 'running';

/** The turns the chat template renders: system, few-shot examples, then the conversation. */
export function toTurns(conv: Conversation, messages: ChatMessage[] = conv.messages): ChatTurn[] {
  const turns: ChatTurn[] = [];
  if (conv.systemPrompt.trim()) turns.push({ role: 'system', content: conv.systemPrompt });
  for (const ex of conv.examples)
    if (ex.content.trim()) turns.push({ role: ex.role, content: ex.content });
  for (const m of messages) {
    if (m.role === 'assistant' && m.status === 'error' && !m.content) continue;
    if (m.role === 'tool') {
      // Every call the model wrote gets its answer, even one that never ran, so the next prompt
      // always has a tool turn for each call.
      if (m.execution) turns.push({ role: 'tool', content: toolTurnContent(m.execution) });
      continue;
    }
    turns.push({ role: m.role, content: m.content });
  }
  return turns;
}

/** What the model reads back: the result value itself (serialised by the template) or the error. */
export function toolTurnContent(e: ToolExecution): JsonValue {
  if (e.status === 'done') return e.result ?? null;
  if (e.status === 'denied') return `Error: the user did not allow running ${e.name}.`;
  if (e.status === 'interrupted' || isUnfinished(e))
    return `Error: the call to ${e.name} was interrupted before it returned a result.`;
  const error = e.error ?? 'the call failed';
  // Sandbox errors already read "TypeError: …"; don't make them "Error: TypeError: …".
  return /^\w*Error\b/.test(error) ? error : `Error: ${error}`;
}

/**
 * Makes a conversation read back from storage (or an import) well-formed for the next prompt: a
 * reply that was streaming is kept as shown and marked interrupted, and a call that was planned,
 * awaiting approval or running becomes "interrupted", which the model reads as a tool error.
 * Returns the same object when nothing needed repair.
 */
export function settleConversation(conv: Conversation): Conversation {
  let changed = false;
  const messages = conv.messages.map((m) => {
    if (m.status === 'streaming') {
      changed = true;
      return { ...m, status: 'interrupted' as const };
    }
    if (m.execution && isUnfinished(m.execution)) {
      changed = true;
      return { ...m, execution: { ...m.execution, status: 'interrupted' as const } };
    }
    return m;
  });
  return changed ? { ...conv, messages } : conv;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The chat bubble's text: special tokens are kept in `content` for parsing but never shown. */
export function displayText(content: string, specialTokens: readonly string[]): string {
  const tokens = specialTokens.filter(Boolean);
  if (tokens.length === 0) return content;
  return content.replace(new RegExp(tokens.map(escapeRe).join('|'), 'g'), '');
}

export function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0];
  return line.length > 48 ? `${line.slice(0, 47)}…` : line || 'New chat';
}

// ---- export / import -------------------------------------------------------------------------

const EXPORT_FORMAT = 'lfm2-playground.conversation';

const exportSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(1),
  conversation: z.object({
    title: z.string(),
    systemPrompt: z.string().default(''),
    examples: z.array(exampleSchema).default([]),
    messages: z.array(messageSchema.partial({ id: true, status: true, createdAt: true })),
    createdAt: z.number().optional(),
  }),
});

export function exportConversation(conv: Conversation): string {
  const { id: _id, ...rest } = conv;
  return JSON.stringify({ format: EXPORT_FORMAT, version: 1, conversation: rest }, null, 2);
}

export type ImportResult = { ok: true; conversation: Conversation } | { ok: false; error: string };

/** Parses an exported file into a new conversation (new ids), or says precisely what is wrong. */
export function importConversation(text: string): ImportResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `Not valid JSON: ${(e as Error).message}` };
  }
  const parsed = exportSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      error: `Not an LFM2 Playground conversation: ${issue.path.join('.') || '(root)'}: ${issue.message}`,
    };
  }
  const c = parsed.data.conversation;
  const now = Date.now();
  return {
    ok: true,
    conversation: settleConversation({
      id: newId(),
      title: c.title,
      systemPrompt: c.systemPrompt,
      examples: c.examples,
      createdAt: c.createdAt ?? now,
      updatedAt: now,
      messages: c.messages.map((m) => ({
        ...m,
        id: newId(),
        status: m.status ?? 'done',
        createdAt: m.createdAt ?? now,
      })),
    }),
  };
}
