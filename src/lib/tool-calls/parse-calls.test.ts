import { describe, expect, it } from 'vitest';
import { parseToolCalls, type JsonValue, type ParsedCall } from './parse-calls';

function calls(src: string): ParsedCall[] {
  const result = parseToolCalls(src);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(src)} to parse: ${result.error}`);
  return result.calls;
}

/** The value of the single keyword `a` in `f(a=<literal>)`. */
function valueOf(literal: string): JsonValue {
  const [call] = calls(`[f(a=${literal})]`);
  return call.args.a;
}

function failure(src: string): { error: string; offset: number } {
  const result = parseToolCalls(src);
  if (result.ok) throw new Error(`expected ${JSON.stringify(src)} to fail`);
  return { error: result.error, offset: result.offset };
}

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

describe('parseToolCalls: call structure', () => {
  it.each<[string, string, Array<Pick<ParsedCall, 'name' | 'args' | 'positional'>>]>([
    [
      'a single call in a list',
      '[get_weather(city="Paris")]',
      [{ name: 'get_weather', args: { city: 'Paris' }, positional: [] }],
    ],
    [
      'two calls with quotes, escapes, lists and booleans',
      `[get_candidate_status(candidate_id="12345"), send_email(to='a@b.c', subject="Hi, \\"you\\"", cc=["x@y.z"], urgent=True)]`,
      [
        { name: 'get_candidate_status', args: { candidate_id: '12345' }, positional: [] },
        {
          name: 'send_email',
          args: { to: 'a@b.c', subject: 'Hi, "you"', cc: ['x@y.z'], urgent: true },
          positional: [],
        },
      ],
    ],
    [
      'positional arguments',
      '[f(1, -2.5e3, None)]',
      [{ name: 'f', args: {}, positional: [1, -2500, null] }],
    ],
    [
      'positional before keywords',
      '[f(1, "x", flag=True)]',
      [{ name: 'f', args: { flag: true }, positional: [1, 'x'] }],
    ],
    [
      'a bare call without brackets',
      "get_weather(city='Paris')",
      [{ name: 'get_weather', args: { city: 'Paris' }, positional: [] }],
    ],
    [
      'several bare calls separated by commas',
      'f(), g(x=1),',
      [
        { name: 'f', args: {}, positional: [] },
        { name: 'g', args: { x: 1 }, positional: [] },
      ],
    ],
    [
      'a trailing comma after the last call',
      '[f(), g(),]',
      [
        { name: 'f', args: {}, positional: [] },
        { name: 'g', args: {}, positional: [] },
      ],
    ],
    [
      'a trailing comma after the last argument',
      '[f(a=1, b=2,)]',
      [{ name: 'f', args: { a: 1, b: 2 }, positional: [] }],
    ],
    ['no arguments', '[ping()]', [{ name: 'ping', args: {}, positional: [] }]],
    ['a dotted name', '[math.sqrt(16)]', [{ name: 'math.sqrt', args: {}, positional: [16] }]],
    [
      'a dotted name with spaces around the dot',
      '[tools . search(q="x")]',
      [{ name: 'tools.search', args: { q: 'x' }, positional: [] }],
    ],
    [
      'a hyphenated name glued together',
      '[get-weather(city="Oslo")]',
      [{ name: 'get-weather', args: { city: 'Oslo' }, positional: [] }],
    ],
    [
      'a unicode name',
      '[météo(ville="Zürich")]',
      [{ name: 'météo', args: { ville: 'Zürich' }, positional: [] }],
    ],
    [
      'whitespace and newlines everywhere',
      '\n [\n  f(\n    a = 1 ,\n    b=[\n1,\t2\n]\n  )\n ,\n] \n',
      [{ name: 'f', args: { a: 1, b: [1, 2] }, positional: [] }],
    ],
  ])('%s', (_label, src, expected) => {
    expect(calls(src).map(({ name, args, positional }) => ({ name, args, positional }))).toEqual(
      expected,
    );
  });

  it.each(['[]', '[ ]', ' \n[\n]\n'])('an empty list %j is ok with zero calls', (src) => {
    expect(parseToolCalls(src)).toEqual({ ok: true, calls: [] });
  });

  it('keeps the exact source text of each call', () => {
    const src = `[get_candidate_status(candidate_id="12345"),\n  send_email(to='a@b.c', cc=["x@y.z"])]`;
    expect(calls(src).map((c) => c.source)).toEqual([
      'get_candidate_status(candidate_id="12345")',
      `send_email(to='a@b.c', cc=["x@y.z"])`,
    ]);
  });

  it('parses a thousand calls in one list', () => {
    const src = `[${Array.from({ length: 1000 }, (_, i) => `f(i=${i})`).join(', ')}]`;
    const parsed = calls(src);
    expect(parsed).toHaveLength(1000);
    expect(parsed[999]).toEqual({
      name: 'f',
      args: { i: 999 },
      positional: [],
      source: 'f(i=999)',
    });
  });
});

describe('parseToolCalls: strings', () => {
  it.each<[string, string, string]>([
    ['double quotes', '"Paris"', 'Paris'],
    ['single quotes', "'Paris'", 'Paris'],
    ['empty double', '""', ''],
    ['empty single', "''", ''],
    ['double quotes inside single', `'say "hi"'`, 'say "hi"'],
    ['single quotes inside double', `"it's"`, "it's"],
    ['commas, brackets and parens', '"a, b), [c]}, {d=e"', 'a, b), [c]}, {d=e'],
    ['simple escapes', String.raw`"a\nb\tc\\d\'e\"f\rg"`, 'a\nb\tc\\d\'e"f\rg'],
    ['\\u escapes', String.raw`"caf\u00e9 \u4e2d"`, 'café 中'],
    ['a surrogate pair in \\u escapes', String.raw`"\ud83d\ude00"`, '😀'],
    ['a \\U escape', String.raw`"\U0001F600"`, '😀'],
    ['\\x escapes', String.raw`"\x41\x7a"`, 'Az'],
    ['an octal escape', String.raw`"\101\0"`, 'A\0'],
    ['an unknown escape kept verbatim, as in Python', String.raw`"\d+\.\w"`, '\\d+\\.\\w'],
    ['an escaped slash (JSON habit)', String.raw`"https:\/\/x.io"`, 'https://x.io'],
    ['a line continuation', '"ab\\\ncd"', 'abcd'],
    ['a raw newline (tolerated)', '"line 1\nline 2"', 'line 1\nline 2'],
    [
      'a triple-double-quoted string',
      '"""multi\nline "quoted" text"""',
      'multi\nline "quoted" text',
    ],
    ['a triple-single-quoted string', "'''it's ''fine'''", "it's ''fine"],
    ['an escape inside a triple-quoted string', '"""a\\"""b"""', 'a"""b'],
    ['adjacent literals joined', `"ab" 'cd'\n"ef"`, 'abcdef'],
    ['unicode content', '"Zürich 東京 🚀 مرحبا"', 'Zürich 東京 🚀 مرحبا'],
    ['words that look like constants', '"True None [f(x)]"', 'True None [f(x)]'],
  ])('%s', (_label, literal, expected) => {
    expect(valueOf(literal)).toBe(expected);
  });

  it('parses a very long string with escapes exactly', () => {
    const body = 'lorem, "ipsum" (dolor) [sit]\n'.repeat(5000);
    const literal = JSON.stringify(body);
    expect(literal.length).toBeGreaterThan(150_000);
    expect(valueOf(literal)).toBe(body);
  });
});

describe('parseToolCalls: numbers and constants', () => {
  it.each<[string, JsonValue]>([
    ['0', 0],
    ['42', 42],
    ['-7', -7],
    ['+3', 3],
    ['- 4', -4],
    ['3.14', 3.14],
    ['.5', 0.5],
    ['5.', 5],
    ['1e3', 1000],
    ['-2.5E-4', -0.00025],
    ['6.02e+23', 6.02e23],
    ['1_000_000', 1000000],
    ['0x1F', 31],
    ['0o17', 15],
    ['0b101', 5],
    ['00', 0],
    ['0.25', 0.25],
    ['True', true],
    ['False', false],
    ['None', null],
    ['true', true],
    ['false', false],
    ['null', null],
  ])('%s', (literal, expected) => {
    expect(valueOf(literal)).toBe(expected);
  });

  it('reads -0 as a plain zero, which JSON can represent', () => {
    expect(Object.is(valueOf('-0'), 0)).toBe(true);
  });
});

describe('parseToolCalls: containers', () => {
  it.each<[string, string, JsonValue]>([
    ['a list', '[1, "a", None]', [1, 'a', null]],
    ['an empty list', '[]', []],
    ['a list with a trailing comma', '[1, 2,]', [1, 2]],
    ['nested lists', '[1, [2, [3, []]]]', [1, [2, [3, []]]]],
    ['a tuple', '(1, "two")', [1, 'two']],
    ['a one-element tuple', '(1,)', [1]],
    ['an empty tuple', '()', []],
    ['parentheses around a single value', '("x")', 'x'],
    ['a dict', `{'k': 1, "k2": [1, 2]}`, { k: 1, k2: [1, 2] }],
    ['an empty dict', '{}', {}],
    ['a dict with a trailing comma', '{"a": 1,}', { a: 1 }],
    [
      'numeric keys stringified',
      '{1: "a", -2: "b", 1.5: "c"}',
      { '1': 'a', '-2': 'b', '1.5': 'c' },
    ],
    ['a repeated key keeps the last value', '{"a": 1, "a": 2}', { a: 2 }],
    [
      'mixed nesting',
      '{"rows": [{"id": 1, "tags": ("x", "y")}, {"id": 2, "meta": {"ok": True}}]}',
      {
        rows: [
          { id: 1, tags: ['x', 'y'] },
          { id: 2, meta: { ok: true } },
        ],
      },
    ],
    [
      'JSON-style literals',
      '{"a": true, "b": null, "c": [false]}',
      { a: true, b: null, c: [false] },
    ],
  ])('%s', (_label, literal, expected) => {
    expect(valueOf(literal)).toEqual(expected);
  });

  it('stores a "__proto__" key as data, not as a prototype', () => {
    const value = valueOf('{"__proto__": {"polluted": 1}}') as Record<string, JsonValue>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(JSON.stringify(value)).toBe('{"__proto__":{"polluted":1}}');
  });

  it('parses data nested 200 levels deep', () => {
    let expected: JsonValue = [];
    for (let i = 1; i < 200; i++) expected = [expected];
    expect(valueOf(nested(200))).toEqual(expected);
    const dicts = '{"a": '.repeat(100) + '1' + '}'.repeat(100);
    let value = valueOf(dicts);
    for (let i = 0; i < 100; i++) value = (value as Record<string, JsonValue>).a;
    expect(value).toBe(1);
  });
});

describe('parseToolCalls: errors', () => {
  it.each<[string, string, string, number]>([
    ['empty input', '', 'Expected a list of tool calls, but the input is empty at column 1', 0],
    [
      'only whitespace',
      '  \t ',
      'Expected a list of tool calls, but the input is empty at column 5',
      4,
    ],
    ['an unclosed string', '[f(a="abc)]', 'Unterminated string starting at column 6', 5],
    [
      'an unclosed triple-quoted string',
      '[f(a="""abc")]',
      'Unterminated string starting at column 6',
      5,
    ],
    [
      'a string ending in a backslash',
      '[f(a="abc\\',
      'Unterminated string: the input ends in a backslash at column 10',
      9,
    ],
    [
      'an unclosed call at the end of the input',
      '[get_weather(city="Paris"',
      "Expected ')' to close the call to get_weather at column 26",
      25,
    ],
    [
      'a list of calls closed with the wrong bracket',
      '[f(a=1]',
      "Expected ',' or ')' in the call to f at column 7, found ']'",
      6,
    ],
    [
      'an unclosed list of calls',
      '[f(a=1)',
      "Expected ']' to close the list of calls at column 8",
      7,
    ],
    [
      'an unclosed list value',
      '[f(a=[1, 2)]',
      "Expected ',' or ']' in the list at column 11, found ')'",
      10,
    ],
    [
      'an unclosed tuple at the end of the input',
      'f(a=(1, 2',
      "Expected ')' to close the tuple at column 10 (opened at column 5)",
      9,
    ],
    [
      'an unclosed dict',
      '[f(a={"k": 1)]',
      "Expected ',' or '}' in the dict at column 13, found ')'",
      12,
    ],
    [
      'a missing comma between arguments',
      'f(a=1 b=2)',
      "Expected ',' or ')' in the call to f at column 7, found 'b'",
      6,
    ],
    [
      'a missing comma between calls',
      '[f() g()]',
      "Expected ',' or ']' in the list of calls at column 6, found 'g'",
      5,
    ],
    [
      'garbage after the list',
      '[f()] thanks',
      "Unexpected 'thanks' after the list of calls at column 7",
      6,
    ],
    ['a second closing bracket', '[f()]]', "Unexpected ']' after the list of calls at column 6", 5],
    ['garbage after a bare call', 'f() ]', "Unexpected ']' after the call at column 5", 4],
    [
      'a bare identifier as a value',
      '[f(x=foo)]',
      "Unexpected name 'foo' as a value at column 6; strings must be quoted",
      5,
    ],
    [
      'a nested call as a value',
      '[f(x=g(1))]',
      "Unsupported expression 'g…' as a value at column 6; only literals (strings, numbers, lists, dicts, True/False/None) are allowed",
      5,
    ],
    [
      'an attribute as a value',
      'f(x=math.pi)',
      "Unsupported expression 'math…' as a value at column 5; only literals (strings, numbers, lists, dicts, True/False/None) are allowed",
      4,
    ],
    [
      'a positional argument after a keyword',
      '[f(a=1, 2)]',
      'Positional argument after keyword arguments in the call to f at column 9',
      8,
    ],
    [
      'a duplicate keyword',
      '[f(a=1, a=2)]',
      "Duplicate keyword argument 'a' in the call to f at column 9",
      8,
    ],
    ['a missing value', 'f(a=)', "Expected a value at column 5, found ')'", 4],
    ['a doubled comma', 'f(a=1,,)', "Expected a value at column 7, found ','", 6],
    [
      'a doubled comma between calls',
      '[f(),,]',
      "Expected a tool call like name(...) at column 6, found ','",
      5,
    ],
    [
      'a list of plain values',
      '[1, 2]',
      'Expected a tool call like name(...) at column 2, found the number 1',
      1,
    ],
    [
      'the JSON tool-call format',
      '[{"name": "f"}]',
      "Expected a tool call like name(...) at column 2, found '{'",
      1,
    ],
    [
      'a name without parentheses',
      'get_weather',
      "Expected '(' after the tool name get_weather at column 12, found the end of the input",
      11,
    ],
    [
      'a sign without a number',
      'f(a=-"x")',
      `Expected a number after '-' at column 6, found the string "x"`,
      5,
    ],
    ['a malformed exponent', 'f(a=1e)', 'Malformed exponent in the number at column 5', 4],
    ['letters glued to a number', 'f(a=12abc)', 'Malformed number "12a" at column 5', 4],
    [
      'leading zeros',
      'f(zip=02134)',
      'Leading zeros are not allowed in 02134 at column 7 (quote it if it is text)',
      6,
    ],
    ['a number too large', 'f(a=1e999)', 'Number too large to represent at column 5', 4],
    [
      'a short \\x escape',
      String.raw`f(a="\x4")`,
      'Invalid \\x escape at column 6 (expected 2 hex digits)',
      5,
    ],
    [
      'a short \\u escape',
      String.raw`f(a="\u12")`,
      'Invalid \\u escape at column 6 (expected 4 hex digits)',
      5,
    ],
    ['star arguments', 'f(*args)', 'Unexpected character "*" at column 3', 2],
    [
      'a set',
      'f(a={1, 2})',
      "Expected ':' after a dict key at column 7 (sets are not supported)",
      6,
    ],
    [
      'a dict key that is not a string or number',
      'f(a={None: 1})',
      "Expected a string or number as a dict key at column 6, found 'None'",
      5,
    ],
    [
      'a dict entry without a colon',
      `f(a={"k" 1})`,
      "Expected ':' after a dict key at column 10, found the number 1",
      9,
    ],
    [
      'a position on a later line',
      '[\n  f(a=foo)\n]',
      "Unexpected name 'foo' as a value at line 2, column 7; strings must be quoted",
      8,
    ],
  ])('%s', (_label, src, error, offset) => {
    expect(failure(src)).toEqual({ error, offset });
  });

  it('rejects data nested beyond 500 levels with a message, not a stack overflow', () => {
    expect(failure(`f(a=${nested(501)})`)).toEqual({
      error: 'Values nested deeper than 500 levels at column 505',
      offset: 504,
    });
    expect(failure(`f(a=${nested(100_000)})`).error).toMatch(/^Values nested deeper than 500/);
  });
});
