import {
  describePosition,
  describeToken,
  Lexer,
  ParseError,
  type Punct,
  type Token,
} from './call-lexer';
import { setOwn, type JsonValue } from './json-value';

export type { JsonValue };

export interface ParsedCall {
  /** Dotted names are kept whole (`math.sqrt`); tool lookup decides what they mean. */
  name: string;
  args: Record<string, JsonValue>;
  positional: JsonValue[];
  /** The call's exact text, for showing the user what the model wrote. */
  source: string;
}

export type ParseResult =
  { ok: true; calls: ParsedCall[] } | { ok: false; error: string; offset: number };

const CONSTANTS: Record<string, JsonValue> = {
  True: true,
  False: false,
  None: null,
  true: true,
  false: false,
  null: null,
};

// Far beyond any real tool argument, yet shallow enough that recursion cannot overflow the stack.
const MAX_DEPTH = 500;

const isPunct = (token: Token, text: Punct) => token.kind === 'punct' && token.text === text;

class CallParser {
  constructor(private readonly lx: Lexer) {}

  parseRoot(): ParsedCall[] {
    const first = this.lx.peek();
    if (first.kind === 'eof') {
      throw this.lx.fail(first.start, 'Expected a list of tool calls, but the input is empty');
    }
    const calls: ParsedCall[] = [];
    const bracketed = isPunct(first, '[');
    if (bracketed) this.lx.next();
    for (;;) {
      const token = this.lx.peek();
      if (bracketed && isPunct(token, ']')) break;
      // A bare list without brackets ends at the end of the input, trailing comma or not.
      if (!bracketed && token.kind === 'eof' && calls.length > 0) break;
      calls.push(this.parseCall());
      const after = this.lx.peek();
      if (!isPunct(after, ',')) break;
      this.lx.next();
    }
    if (bracketed) {
      const close = this.lx.next();
      if (close.kind === 'eof') {
        throw this.lx.fail(close.start, "Expected ']' to close the list of calls");
      }
      if (!isPunct(close, ']')) {
        throw this.lx.fail(
          close.start,
          "Expected ',' or ']' in the list of calls",
          `, found ${describeToken(close)}`,
        );
      }
    }
    const rest = this.lx.peek();
    if (rest.kind !== 'eof') {
      const what = bracketed ? 'after the list of calls' : 'after the call';
      throw this.lx.fail(rest.start, `Unexpected ${describeToken(rest)} ${what}`);
    }
    return calls;
  }

  private parseCall(): ParsedCall {
    const first = this.lx.next();
    if (first.kind !== 'name') {
      throw this.lx.fail(
        first.start,
        'Expected a tool call like name(...)',
        `, found ${describeToken(first)}`,
      );
    }
    let name = first.text;
    let nameEnd = first.end;
    for (;;) {
      const sep = this.lx.peek();
      const part = this.lx.peek(1);
      if (part.kind !== 'name') break;
      // Hyphens only when glued on both sides: schemas do name tools `get-weather`, but `a - b`
      // is not a name anyone meant.
      const glued = sep.start === nameEnd && part.start === sep.end;
      if (!isPunct(sep, '.') && !(isPunct(sep, '-') && glued)) break;
      this.lx.next();
      this.lx.next();
      name += (sep.kind === 'punct' ? sep.text : '') + part.text;
      nameEnd = part.end;
    }
    const open = this.lx.next();
    if (!isPunct(open, '(')) {
      throw this.lx.fail(
        open.start,
        `Expected '(' after the tool name ${name}`,
        `, found ${describeToken(open)}`,
      );
    }

    const args: Record<string, JsonValue> = {};
    const positional: JsonValue[] = [];
    let sawKeyword = false;
    for (;;) {
      const head = this.lx.peek();
      if (isPunct(head, ')')) break;
      if (head.kind === 'name' && isPunct(this.lx.peek(1), '=')) {
        this.lx.next();
        this.lx.next();
        if (Object.hasOwn(args, head.text)) {
          throw this.lx.fail(
            head.start,
            `Duplicate keyword argument '${head.text}' in the call to ${name}`,
          );
        }
        setOwn(args, head.text, this.parseValue(1));
        sawKeyword = true;
      } else {
        // Parsed before the order check so that `f(a=1,,)` is reported as the missing value it is.
        const value = this.parseValue(1);
        if (sawKeyword) {
          throw this.lx.fail(
            head.start,
            `Positional argument after keyword arguments in the call to ${name}`,
          );
        }
        positional.push(value);
      }
      const sep = this.lx.peek();
      if (!isPunct(sep, ',')) break;
      this.lx.next();
    }
    const close = this.lx.next();
    if (close.kind === 'eof') {
      throw this.lx.fail(close.start, `Expected ')' to close the call to ${name}`);
    }
    if (!isPunct(close, ')')) {
      throw this.lx.fail(
        close.start,
        `Expected ',' or ')' in the call to ${name}`,
        `, found ${describeToken(close)}`,
      );
    }
    return { name, args, positional, source: this.lx.src.slice(first.start, close.end) };
  }

  private parseValue(depth: number): JsonValue {
    const token = this.lx.next();
    if (depth > MAX_DEPTH) {
      throw this.lx.fail(token.start, `Values nested deeper than ${MAX_DEPTH} levels`);
    }
    switch (token.kind) {
      case 'string':
        return this.joinAdjacentStrings(token.value);
      case 'number':
        return token.value;
      case 'name':
        if (Object.hasOwn(CONSTANTS, token.text)) return CONSTANTS[token.text];
        if (isPunct(this.lx.peek(), '(') || isPunct(this.lx.peek(), '.')) {
          throw this.lx.fail(
            token.start,
            `Unsupported expression '${token.text}…' as a value`,
            '; only literals (strings, numbers, lists, dicts, True/False/None) are allowed',
          );
        }
        throw this.lx.fail(
          token.start,
          `Unexpected name '${token.text}' as a value`,
          '; strings must be quoted',
        );
      case 'eof':
        throw this.lx.fail(token.start, 'Expected a value, but the input ended');
      case 'punct':
        switch (token.text) {
          case '-':
          case '+':
            return this.parseSignedNumber(token.text);
          case '[':
            return this.parseSequence(token, ']', 'list', depth).items;
          case '(': {
            const { items, trailingComma } = this.parseSequence(token, ')', 'tuple', depth);
            // As in Python, `(x)` is just x in parentheses; only `(x,)` is a one-element tuple.
            return items.length === 1 && !trailingComma ? items[0] : items;
          }
          case '{':
            return this.parseDict(token, depth);
          default:
            throw this.lx.fail(token.start, 'Expected a value', `, found ${describeToken(token)}`);
        }
    }
  }

  private parseSequence(open: Token, closer: ']' | ')', what: string, depth: number) {
    const items: JsonValue[] = [];
    let trailingComma = false;
    for (;;) {
      if (isPunct(this.lx.peek(), closer)) break;
      items.push(this.parseValue(depth + 1));
      trailingComma = isPunct(this.lx.peek(), ',');
      if (!trailingComma) break;
      this.lx.next();
    }
    this.expectClose(open, closer, what);
    return { items, trailingComma };
  }

  private parseDict(open: Token, depth: number): JsonValue {
    const dict: Record<string, JsonValue> = {};
    for (;;) {
      if (isPunct(this.lx.peek(), '}')) break;
      const key = this.parseKey();
      const colon = this.lx.next();
      if (!isPunct(colon, ':')) {
        const isSet = isPunct(colon, ',') || isPunct(colon, '}');
        throw this.lx.fail(
          colon.start,
          "Expected ':' after a dict key",
          isSet ? ' (sets are not supported)' : `, found ${describeToken(colon)}`,
        );
      }
      // Later duplicates win, as in Python and JSON.parse.
      setOwn(dict, key, this.parseValue(depth + 1));
      if (!isPunct(this.lx.peek(), ',')) break;
      this.lx.next();
    }
    this.expectClose(open, '}', 'dict');
    return dict;
  }

  /** JSON objects only have string keys, so numeric keys are stringified the way JS would. */
  private parseKey(): string {
    const token = this.lx.next();
    if (token.kind === 'string') return this.joinAdjacentStrings(token.value);
    if (token.kind === 'number') return String(token.value);
    if (token.kind === 'punct' && (token.text === '-' || token.text === '+')) {
      return String(this.parseSignedNumber(token.text));
    }
    throw this.lx.fail(
      token.start,
      'Expected a string or number as a dict key',
      `, found ${describeToken(token)}`,
    );
  }

  /** Python joins adjacent literals; models use it to wrap long text over several lines. */
  private joinAdjacentStrings(first: string): string {
    let value = first;
    for (let next = this.lx.peek(); next.kind === 'string'; next = this.lx.peek()) {
      value += next.value;
      this.lx.next();
    }
    return value;
  }

  private parseSignedNumber(sign: '-' | '+'): number {
    const operand = this.lx.next();
    if (operand.kind !== 'number') {
      throw this.lx.fail(
        operand.start,
        `Expected a number after '${sign}'`,
        `, found ${describeToken(operand)}`,
      );
    }
    // `0 - x` rather than `-x` so that `-0` does not become a negative zero JSON cannot express.
    return sign === '-' ? 0 - operand.value : operand.value;
  }

  private expectClose(open: Token, closer: ']' | ')' | '}', what: string) {
    const close = this.lx.next();
    if (close.kind === 'eof') {
      throw this.lx.fail(
        close.start,
        `Expected '${closer}' to close the ${what}`,
        ` (opened at ${describePosition(this.lx.src, open.start)})`,
      );
    }
    if (!isPunct(close, closer)) {
      throw this.lx.fail(
        close.start,
        `Expected ',' or '${closer}' in the ${what}`,
        `, found ${describeToken(close)}`,
      );
    }
  }
}

/**
 * Parses the Python-style call list LFM2 writes between its tool-call markers. Only literals are
 * accepted as values, so nothing the model writes is ever evaluated.
 */
export function parseToolCalls(src: string): ParseResult {
  try {
    return { ok: true, calls: new CallParser(new Lexer(src)).parseRoot() };
  } catch (error) {
    if (error instanceof ParseError)
      return { ok: false, error: error.message, offset: error.offset };
    throw error;
  }
}
