import { describe, expect, it } from 'vitest';
import { parseToolCalls } from './parse-calls';
import {
  hasToolCall,
  LFM2_TOOL_CALL_MARKERS,
  splitToolCallSegments,
  textOutsideCalls,
  type Segment,
} from './segments';

const S = '<|tool_call_start|>';
const E = '<|tool_call_end|>';

const REAL_OUTPUT =
  `Let me look that up.${S}[get_candidate_status(candidate_id="12345"), ` +
  `send_email(to='a@b.c', subject="Hi, \\"you\\"", cc=["x@y.z"], urgent=True)]${E}` +
  `Checking the status now.${S}[get_weather(city="Paris")]${E} Done.`;

describe('splitToolCallSegments', () => {
  it.each<[string, string, Segment[]]>([
    ['empty output', '', []],
    ['plain text', 'Hello there.', [{ kind: 'text', text: 'Hello there.' }]],
    [
      'a lone block',
      `${S}[get_weather(city="Paris")]${E}`,
      [{ kind: 'call', raw: '[get_weather(city="Paris")]', complete: true }],
    ],
    [
      'text after the block',
      `${S}[f()]${E}Checking the status now.`,
      [
        { kind: 'call', raw: '[f()]', complete: true },
        { kind: 'text', text: 'Checking the status now.' },
      ],
    ],
    [
      'text before the block',
      `Let me check.${S}[f(1, -2.5e3, None)]${E}`,
      [
        { kind: 'text', text: 'Let me check.' },
        { kind: 'call', raw: '[f(1, -2.5e3, None)]', complete: true },
      ],
    ],
    [
      'several blocks with text between',
      `a${S}[f()]${E}b${S}[g()]${E}${S}[h()]${E}c`,
      [
        { kind: 'text', text: 'a' },
        { kind: 'call', raw: '[f()]', complete: true },
        { kind: 'text', text: 'b' },
        { kind: 'call', raw: '[g()]', complete: true },
        { kind: 'call', raw: '[h()]', complete: true },
        { kind: 'text', text: 'c' },
      ],
    ],
    [
      'an unterminated block',
      `Sure.${S}[get_weather(city="Par`,
      [
        { kind: 'text', text: 'Sure.' },
        { kind: 'call', raw: '[get_weather(city="Par', complete: false },
      ],
    ],
    ['a start marker that just arrived', S, [{ kind: 'call', raw: '', complete: false }]],
    ['a partial start marker at the end', 'Hello <|tool_c', [{ kind: 'text', text: 'Hello ' }]],
    ['a lone "<" at the end', 'a <', [{ kind: 'text', text: 'a ' }]],
    ['only a partial start marker', '<|tool', []],
    [
      'a partial end marker in an open block',
      `${S}[f()]<|tool_call_e`,
      [{ kind: 'call', raw: '[f()]', complete: false }],
    ],
    [
      'a partial start marker after a finished block',
      `${S}[f()]${E}ok <|`,
      [
        { kind: 'call', raw: '[f()]', complete: true },
        { kind: 'text', text: 'ok ' },
      ],
    ],
    [
      'text that merely resembles a marker',
      'use <|b|> and <|tool_call_x|> here',
      [{ kind: 'text', text: 'use <|b|> and <|tool_call_x|> here' }],
    ],
  ])('%s', (_label, raw, expected) => {
    expect(splitToolCallSegments(raw)).toEqual(expected);
  });

  it('keeps a trailing partial marker as text once the output is final', () => {
    expect(splitToolCallSegments('a <', undefined, { final: true })).toEqual([
      { kind: 'text', text: 'a <' },
    ]);
    expect(splitToolCallSegments(`${S}[f()]<|tool`, undefined, { final: true })).toEqual([
      { kind: 'call', raw: '[f()]<|tool', complete: false },
    ]);
  });

  it('splits a real output into its blocks, whose bodies parse', () => {
    const segments = splitToolCallSegments(REAL_OUTPUT);
    expect(segments.map((s) => s.kind)).toEqual(['text', 'call', 'text', 'call', 'text']);
    const names = segments.flatMap((s) => {
      if (s.kind !== 'call') return [];
      const parsed = parseToolCalls(s.raw);
      return parsed.ok ? parsed.calls.map((c) => c.name) : [`error: ${parsed.error}`];
    });
    expect(names).toEqual(['get_candidate_status', 'send_email', 'get_weather']);
  });

  it('never shows marker fragments at any streaming cut point', () => {
    const final = splitToolCallSegments(REAL_OUTPUT);
    for (let cut = 0; cut <= REAL_OUTPUT.length; cut++) {
      const partial = splitToolCallSegments(REAL_OUTPUT.slice(0, cut));
      const where = `cut at ${cut}: ${JSON.stringify(partial)}`;
      expect(partial.length, where).toBeLessThanOrEqual(final.length);
      partial.forEach((segment, i) => {
        const done = final[i];
        expect(segment.kind, where).toBe(done.kind);
        const shown = segment.kind === 'text' ? segment.text : segment.raw;
        const whole = done.kind === 'text' ? done.text : done.raw;
        // `<|`/`|>` never occur in this output's prose or calls, so any sighting is a marker piece.
        expect(shown, where).not.toMatch(/<\||\|>|<$/);
        expect(whole.startsWith(shown), where).toBe(true);
        // Only the segment still growing may differ from its final form.
        if (i < partial.length - 1) expect(segment, where).toEqual(done);
      });
    }
  });

  it('accepts custom markers', () => {
    const markers = { start: '<tool>', end: '</tool>' };
    expect(splitToolCallSegments('x<tool>[f()]</tool>y<to', markers)).toEqual([
      { kind: 'text', text: 'x' },
      { kind: 'call', raw: '[f()]', complete: true },
      { kind: 'text', text: 'y' },
    ]);
  });

  it('refuses empty markers instead of looping forever', () => {
    expect(() => splitToolCallSegments('x', { start: '', end: 'e' })).toThrow(/non-empty/);
  });

  it('uses the LFM2 markers by default', () => {
    expect(LFM2_TOOL_CALL_MARKERS).toEqual({ start: S, end: E });
  });
});

describe('hasToolCall', () => {
  it.each<[string, boolean]>([
    [`${S}[f()]${E}`, true],
    [`text ${S}[f(`, true],
    ['plain text', false],
    ['text <|tool_call_sta', false],
    [`stray ${E}`, false],
  ])('%j → %s', (raw, expected) => {
    expect(hasToolCall(raw)).toBe(expected);
  });
});

describe('textOutsideCalls', () => {
  it.each<[string, string]>([
    ['no calls, text unchanged  ', 'no calls, text unchanged  '],
    [`${S}[f()]${E}Checking the status now.`, 'Checking the status now.'],
    [`Let me check.${S}[f()]${E}`, 'Let me check.'],
    [`Let me check.${S}[f()]${E}It is sunny.`, 'Let me check.\n\nIt is sunny.'],
    [`Before. \n${S}[f()]${E}\n After.${S}[g()]${E} End.`, 'Before.\n\nAfter.\n\nEnd.'],
    [`${S}[f()]${E}${S}[g()]${E}`, ''],
    [`Wait.${S}[f(`, 'Wait.'],
    ['Thinking <|tool_ca', 'Thinking '],
  ])('%j → %j', (raw, expected) => {
    expect(textOutsideCalls(raw)).toBe(expected);
  });

  it('keeps a trailing "<" once the output is final', () => {
    expect(textOutsideCalls('x <', undefined, { final: true })).toBe('x <');
  });
});
