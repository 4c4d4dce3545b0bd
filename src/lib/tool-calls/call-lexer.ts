export type Punct = '[' | ']' | '(' | ')' | '{' | '}' | ',' | '=' | ':' | '.' | '-' | '+';

export type Token = { start: number; end: number } & (
  | { kind: 'punct'; text: Punct }
  | { kind: 'name'; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'eof' }
);

const PUNCT = new Set<string>(['[', ']', '(', ')', '{', '}', ',', '=', ':', '.', '-', '+']);

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  // Not a Python escape, but models trained on JSON write `https:\/\/`; keeping the backslash
  // (Python's rule for unknown escapes) would hand the tool a broken URL.
  '/': '/',
};

/** Thrown inside the parser only; `parseToolCalls` turns it into a `{ ok: false }` result. */
export class ParseError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** 1-based, and with a line number only when the source spans several lines. */
export function describePosition(src: string, offset: number): string {
  const column = offset - (src.lastIndexOf('\n', offset - 1) + 1) + 1;
  if (!src.includes('\n')) return `column ${column}`;
  let line = 1;
  for (let i = src.indexOf('\n'); i !== -1 && i < offset; i = src.indexOf('\n', i + 1)) line++;
  return `line ${line}, column ${column}`;
}

export function describeToken(token: Token): string {
  switch (token.kind) {
    case 'eof':
      return 'the end of the input';
    case 'punct':
    case 'name':
      return `'${token.text}'`;
    case 'number':
      return `the number ${token.value}`;
    case 'string': {
      const shown = token.value.length > 20 ? `${token.value.slice(0, 20)}…` : token.value;
      return `the string ${JSON.stringify(shown)}`;
    }
  }
}

const isIdStart = (ch: string) => ch === '_' || /\p{ID_Start}/u.test(ch);
const isIdContinue = (ch: string) => /\p{ID_Continue}/u.test(ch);
const isDecimal = (ch: string | undefined) => ch !== undefined && ch >= '0' && ch <= '9';
const isHex = (ch: string | undefined) => ch !== undefined && /^[0-9a-fA-F]$/.test(ch);
const RADIX_PREFIX: Record<string, number | undefined> = { x: 16, o: 8, b: 2 };
const RADIX_DIGIT: Record<number, (ch: string | undefined) => boolean> = {
  16: isHex,
  8: (ch) => ch !== undefined && ch >= '0' && ch <= '7',
  2: (ch) => ch === '0' || ch === '1',
};

/**
 * Tokenizes lazily so that errors surface in source order: a bad token late in the input must
 * not mask an earlier grammar mistake the parser would have reported first.
 */
export class Lexer {
  private pos = 0;
  private readonly buffer: Token[] = [];

  constructor(readonly src: string) {}

  fail(offset: number, message: string, detail = ''): ParseError {
    return new ParseError(`${message} at ${describePosition(this.src, offset)}${detail}`, offset);
  }

  peek(ahead = 0): Token {
    while (this.buffer.length <= ahead) this.buffer.push(this.scan());
    return this.buffer[ahead];
  }

  next(): Token {
    const token = this.peek();
    this.buffer.shift();
    return token;
  }

  private scan(): Token {
    const { src } = this;
    while (this.pos < src.length && /\s/.test(src[this.pos])) this.pos++;
    const start = this.pos;
    if (start >= src.length) return { kind: 'eof', start, end: start };
    const ch = src[start];
    if (ch === '"' || ch === "'") return this.scanString(start, ch);
    if (isDecimal(ch) || (ch === '.' && isDecimal(src[start + 1]))) return this.scanNumber(start);
    if (PUNCT.has(ch)) {
      this.pos++;
      return { kind: 'punct', text: ch as Punct, start, end: this.pos };
    }
    const cp = String.fromCodePoint(src.codePointAt(start)!);
    if (isIdStart(cp)) return this.scanName(start);
    throw this.fail(start, `Unexpected character ${JSON.stringify(cp)}`);
  }

  private scanName(start: number): Token {
    let i = start;
    while (i < this.src.length) {
      const cp = String.fromCodePoint(this.src.codePointAt(i)!);
      if (!isIdContinue(cp)) break;
      i += cp.length;
    }
    this.pos = i;
    return { kind: 'name', text: this.src.slice(start, i), start, end: i };
  }

  /** Python digit groups: underscores allowed only between digits (`1_000`). */
  private scanDigits(from: number, isDigit: (ch: string | undefined) => boolean): number {
    const { src } = this;
    let i = from;
    while (isDigit(src[i]) || (src[i] === '_' && isDigit(src[i - 1]) && isDigit(src[i + 1]))) i++;
    return i;
  }

  private scanNumber(start: number): Token {
    const { src } = this;
    let i = start;
    let value: number;
    const radix = src[i] === '0' ? RADIX_PREFIX[src[i + 1]?.toLowerCase()] : undefined;
    if (radix) {
      i = this.scanDigits(start + 2, RADIX_DIGIT[radix]);
      if (i === start + 2) throw this.fail(start, 'Malformed number');
      value = parseInt(src.slice(start + 2, i).replaceAll('_', ''), radix);
    } else {
      i = this.scanDigits(i, isDecimal);
      const intEnd = i;
      if (src[i] === '.') i = this.scanDigits(i + 1, isDecimal);
      if (src[i] === 'e' || src[i] === 'E') {
        const digitsFrom = src[i + 1] === '+' || src[i + 1] === '-' ? i + 2 : i + 1;
        i = this.scanDigits(digitsFrom, isDecimal);
        if (i === digitsFrom) throw this.fail(start, 'Malformed exponent in the number');
      }
      const text = src.slice(start, i);
      // Python rejects `007`; silently reading a zip code like 02134 as 2134 would lose data.
      if (i === intEnd && /^0+[1-9]/.test(text.replaceAll('_', ''))) {
        throw this.fail(
          start,
          `Leading zeros are not allowed in ${text}`,
          ' (quote it if it is text)',
        );
      }
      value = Number(text.replaceAll('_', ''));
    }
    if (i < src.length && isIdContinue(String.fromCodePoint(src.codePointAt(i)!))) {
      throw this.fail(start, `Malformed number ${JSON.stringify(src.slice(start, i + 1))}`);
    }
    if (!Number.isFinite(value)) throw this.fail(start, 'Number too large to represent');
    this.pos = i;
    return { kind: 'number', value, start, end: i };
  }

  private scanString(start: number, quote: string): Token {
    const { src } = this;
    const triple = src.startsWith(quote.repeat(3), start);
    const closer = triple ? quote.repeat(3) : quote;
    const chunks: string[] = [];
    let i = start + closer.length;
    let runStart = i;
    for (;;) {
      if (i >= src.length) throw this.fail(start, 'Unterminated string starting');
      const ch = src[i];
      if (ch === quote && src.startsWith(closer, i)) break;
      // Raw newlines are tolerated even in single-quoted strings (Python forbids them): models
      // emit them, and the string's end is still found by its closing quote.
      if (ch !== '\\') {
        i++;
        continue;
      }
      chunks.push(src.slice(runStart, i));
      const [decoded, length] = this.decodeEscape(i);
      chunks.push(decoded);
      i += length;
      runStart = i;
    }
    chunks.push(src.slice(runStart, i));
    this.pos = i + closer.length;
    return { kind: 'string', value: chunks.join(''), start, end: this.pos };
  }

  /** Decodes the escape at `at` (a backslash); returns the text and the source length consumed. */
  private decodeEscape(at: number): [string, number] {
    const { src } = this;
    const ch = src[at + 1];
    if (ch === undefined) throw this.fail(at, 'Unterminated string: the input ends in a backslash');
    if (ch === '\n') return ['', 2];
    if (ch === '\r') return ['', src[at + 2] === '\n' ? 3 : 2];
    if (Object.hasOwn(SIMPLE_ESCAPES, ch)) return [SIMPLE_ESCAPES[ch], 2];
    const hexLength = ({ x: 2, u: 4, U: 8 } as Record<string, number>)[ch];
    if (hexLength) {
      const hex = src.slice(at + 2, at + 2 + hexLength);
      const code = parseInt(hex, 16);
      if (hex.length !== hexLength || ![...hex].every(isHex) || code > 0x10ffff) {
        throw this.fail(at, `Invalid \\${ch} escape`, ` (expected ${hexLength} hex digits)`);
      }
      return [String.fromCodePoint(code), 2 + hexLength];
    }
    if (ch >= '0' && ch <= '7') {
      let end = at + 2;
      while (end < at + 4 && src[end] >= '0' && src[end] <= '7') end++;
      return [String.fromCodePoint(parseInt(src.slice(at + 1, end), 8)), end - at];
    }
    // Python keeps unknown escapes verbatim, which is what a model writing a regex means by `\d`.
    return ['\\', 1];
  }
}
