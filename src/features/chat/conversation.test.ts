import { describe, expect, it } from 'vitest';
import {
  createConversation,
  displayText,
  exportConversation,
  importConversation,
  toolTurnContent,
  toTurns,
  type ChatMessage,
} from './conversation';

const msg = (
  role: 'user' | 'assistant',
  content: string,
  extra: Partial<ChatMessage> = {},
): ChatMessage => ({
  id: content,
  role,
  content,
  status: 'done',
  createdAt: 1,
  ...extra,
});

describe('toTurns', () => {
  it('orders system prompt, few-shot examples, then the conversation', () => {
    const c = createConversation('Be brief.');
    c.examples = [
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1' },
    ];
    c.messages = [msg('user', 'hi'), msg('assistant', 'hello')];
    expect(toTurns(c).map((t) => `${t.role}:${t.content}`)).toEqual([
      'system:Be brief.',
      'user:Q1',
      'assistant:A1',
      'user:hi',
      'assistant:hello',
    ]);
  });
  it('omits an empty system prompt and failed empty replies', () => {
    const c = createConversation('  ');
    c.messages = [msg('user', 'hi'), msg('assistant', '', { status: 'error' })];
    expect(toTurns(c)).toEqual([{ role: 'user', content: 'hi' }]);
  });
  it('keeps special tokens in assistant content for the template', () => {
    const c = createConversation();
    c.messages = [msg('assistant', '<|tool_call_start|>[f()]<|tool_call_end|>')];
    expect(toTurns(c)[0].content).toBe('<|tool_call_start|>[f()]<|tool_call_end|>');
  });
});

describe('displayText', () => {
  it('hides special tokens but keeps everything else', () => {
    expect(
      displayText('<|tool_call_start|>[f(a=1)]<|tool_call_end|>Done.<|im_end|>', [
        '<|im_end|>',
        '<|tool_call_start|>',
        '<|tool_call_end|>',
      ]),
    ).toBe('[f(a=1)]Done.');
  });
  it('treats regex characters in tokens literally', () => {
    expect(displayText('a.b|c', ['.', '|'])).toBe('abc');
  });
});

describe('export / import', () => {
  it('round-trips a conversation with new ids', () => {
    const c = createConversation('sys');
    c.title = 'T';
    c.messages = [msg('user', 'hi'), msg('assistant', 'yo', { status: 'stopped', prefill: 'y' })];
    const r = importConversation(exportConversation(c));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.conversation.id).not.toBe(c.id);
    expect(r.conversation.title).toBe('T');
    expect(r.conversation.systemPrompt).toBe('sys');
    expect(r.conversation.messages.map((m) => [m.role, m.content, m.status, m.prefill])).toEqual([
      ['user', 'hi', 'done', undefined],
      ['assistant', 'yo', 'stopped', 'y'],
    ]);
  });
  it('marks a reply that was streaming at export time as interrupted', () => {
    const c = createConversation();
    c.messages = [msg('assistant', 'par', { status: 'streaming' })];
    const r = importConversation(exportConversation(c));
    expect(r.ok && r.conversation.messages[0].status).toBe('interrupted');
  });
  it.each([
    ['{', /Not valid JSON/],
    ['{"format":"other","version":1}', /format/],
    [
      '{"format":"lfm2-playground.conversation","version":1,"conversation":{"title":"x","messages":[{"role":"robot","content":"a"}]}}',
      /conversation\.messages\.0\.role/,
    ],
  ])('rejects %s with a precise message', (input, re) => {
    const r = importConversation(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(re);
  });
});

describe('toolTurnContent', () => {
  const exec = { name: 'f', args: {} };
  it('returns the result value itself for the template to serialise', () => {
    expect(toolTurnContent({ ...exec, status: 'done', result: { a: 1 } })).toEqual({ a: 1 });
  });
  it('prefixes plain errors once and keeps typed ones as they are', () => {
    expect(toolTurnContent({ ...exec, status: 'error', error: 'boom' })).toBe('Error: boom');
    expect(
      toolTurnContent({ ...exec, status: 'error', error: 'TypeError: x is undefined (line 2:3)' }),
    ).toBe('TypeError: x is undefined (line 2:3)');
  });
  it('tells the model when the user refused the call', () => {
    expect(toolTurnContent({ ...exec, status: 'denied' })).toMatch(/did not allow running f/);
  });
});

describe('toolTurnContent with a bare Error prefix', () => {
  it('does not double "Error:"', () => {
    expect(
      toolTurnContent({ name: 'f', args: {}, status: 'error', error: 'Error: down (line 2:9)' }),
    ).toBe('Error: down (line 2:9)');
  });
});
