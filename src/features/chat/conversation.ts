import { z } from 'zod';
import type { EngineErrorInfo } from '../../engine/errors';
import type { ChatTurn, GenerationStats, JsonValue } from '../../engine/protocol';
import type { SandboxLog } from '../../sandbox/tool-sandbox';

export type MessageStatus = 'done' | 'streaming' | 'stopped' | 'error' | 'interrupted';

/** Stage 2 of a tool turn: what the model asked for, as parsed. */
export interface ToolCallsInfo {
  /** The raw text between the call markers, exactly as the model wrote it. */
  raw: string;
  calls: { name: string; args: Record<string, JsonValue>; error?: string }[];
  parseError?: string;
  /** Stage 1: the tool definitions as they appear in the rendered system prompt. */
  toolPrompt?: string;
}

/** Stage 3: one execution of a user's tool (or a call that could not be executed). */
export interface ToolExecution {
  name: string;
  args: Record<string, JsonValue>;
  status: 'awaiting-approval' | 'running' | 'done' | 'error' | 'denied';
  result?: JsonValue;
  error?: string;
  logs?: SandboxLog[];
  durationMs?: number;
}

export interface ChatMessage {
  id: string;
  role: 'user' | 'assistant' | 'tool';
  /** Raw text as the template gets it; assistant text keeps the model's special tokens. */
  content: string;
  status: MessageStatus;
  /** The start of the reply the user wrote; the model continued from it. */
  prefill?: string;
  stats?: GenerationStats;
  error?: EngineErrorInfo;
  model?: { repo: string; device: string; dtype: string };
  /** Assistant messages that called tools. */
  toolCalls?: ToolCallsInfo;
  /** Tool messages: the execution whose result goes back to the model. */
  execution?: ToolExecution;
  createdAt: number;
}

export interface ExampleTurn {
  role: 'user' | 'assistant';
  content: string;
}

export interface Conversation {
  id: string;
  title: string;
  systemPrompt: string;
  /** Few-shot turns placed before the conversation in every prompt. */
  examples: ExampleTurn[];
  messages: ChatMessage[];
  createdAt: number;
  updatedAt: number;
}

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

/** The turns the chat template renders: system, few-shot examples, then the conversation. */
export function toTurns(conv: Conversation, messages: ChatMessage[] = conv.messages): ChatTurn[] {
  const turns: ChatTurn[] = [];
  if (conv.systemPrompt.trim()) turns.push({ role: 'system', content: conv.systemPrompt });
  for (const ex of conv.examples)
    if (ex.content.trim()) turns.push({ role: ex.role, content: ex.content });
  for (const m of messages) {
    if (m.role === 'assistant' && m.status === 'error' && !m.content) continue;
    if (m.role === 'tool') {
      if (
        !m.execution ||
        m.execution.status === 'running' ||
        m.execution.status === 'awaiting-approval'
      )
        continue;
      turns.push({ role: 'tool', content: toolTurnContent(m.execution) });
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
  const error = e.error ?? 'the call failed';
  // Sandbox errors already read "TypeError: …"; don't make them "Error: TypeError: …".
  return /^\w*Error\b/.test(error) ? error : `Error: ${error}`;
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

const statsSchema = z.object({
  promptTokens: z.number(),
  cachedTokens: z.number(),
  outputTokens: z.number(),
  ttftMs: z.number(),
  prefillTokPerSec: z.number(),
  decodeTokPerSec: z.number(),
  totalMs: z.number(),
});

const messageSchema = z.object({
  id: z.string().optional(),
  role: z.enum(['user', 'assistant', 'tool']),
  content: z.string(),
  status: z.enum(['done', 'streaming', 'stopped', 'error', 'interrupted']).optional(),
  prefill: z.string().optional(),
  stats: statsSchema.optional(),
  model: z.object({ repo: z.string(), device: z.string(), dtype: z.string() }).optional(),
  toolCalls: z
    .object({
      raw: z.string(),
      calls: z.array(
        z.object({
          name: z.string(),
          args: z.record(z.string(), z.any()),
          error: z.string().optional(),
        }),
      ),
      parseError: z.string().optional(),
      toolPrompt: z.string().optional(),
    })
    .optional(),
  execution: z
    .object({
      name: z.string(),
      args: z.record(z.string(), z.any()),
      status: z.enum(['awaiting-approval', 'running', 'done', 'error', 'denied']),
      result: z.any().optional(),
      error: z.string().optional(),
      logs: z
        .array(
          z.object({ level: z.enum(['log', 'info', 'warn', 'error', 'debug']), text: z.string() }),
        )
        .optional(),
      durationMs: z.number().optional(),
    })
    .optional(),
  createdAt: z.number().optional(),
});

const exportSchema = z.object({
  format: z.literal(EXPORT_FORMAT),
  version: z.literal(1),
  conversation: z.object({
    title: z.string(),
    systemPrompt: z.string().default(''),
    examples: z
      .array(z.object({ role: z.enum(['user', 'assistant']), content: z.string() }))
      .default([]),
    messages: z.array(messageSchema),
    createdAt: z.number().optional(),
  }),
});

export function exportConversation(conv: Conversation): string {
  const { id: _id, ...rest } = conv;
  return JSON.stringify({ format: EXPORT_FORMAT, version: 1, conversation: rest }, null, 2);
}

export type ImportResult = { ok: true; conversation: Conversation } | { ok: false; error: string };

/** Parses an exported file into a new conversation (new ids), or says precisely what is wrong. */
export function importConversation(json: string): ImportResult {
  let data: unknown;
  try {
    data = JSON.parse(json);
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
    conversation: {
      id: newId(),
      title: c.title,
      systemPrompt: c.systemPrompt,
      examples: c.examples,
      createdAt: c.createdAt ?? now,
      updatedAt: now,
      messages: c.messages.map((m) => ({
        ...m,
        id: newId(),
        status: m.status === 'streaming' ? 'interrupted' : (m.status ?? 'done'),
        createdAt: m.createdAt ?? now,
        execution: m.execution && {
          ...m.execution,
          // A call cut off by the export can't resume; say so instead of spinning forever.
          ...(m.execution.status === 'running' || m.execution.status === 'awaiting-approval'
            ? { status: 'error' as const, error: 'interrupted before it finished' }
            : {}),
        },
      })),
    },
  };
}
