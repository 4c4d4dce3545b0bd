/**
 * Code that runs INSIDE the tool's JavaScript engine (QuickJS, in the per-call worker): the
 * globals tools may use, built on a handful of host primitives, and the driver that calls the
 * tool and reports its outcome.
 *
 * QuickJS gives the language (Promise, async/await, JSON, Math, Date, RegExp, Map, typed arrays,
 * BigInt, Proxy…) and nothing of the web platform. This file adds, on top of `host`:
 * `console`, `setTimeout`/`setInterval`/`queueMicrotask`, `fetch` with `Headers`/`Response`,
 * `AbortController`/`AbortSignal`, `DOMException`, `Intl` and the locale methods of Date, Number,
 * BigInt and String (answered by the browser's own Intl), `URL`/`URLSearchParams`,
 * `TextEncoder`/`TextDecoder`, `atob`/`btoa`, `crypto.getRandomValues`/`randomUUID`,
 * `performance.now` and `self`. Only strings, numbers and ArrayBuffers cross to the host.
 *
 * Like sandbox-runtime.ts, `guestMain` ships as source text (into the engine), so it MUST be
 * self-contained: no imports, no outer references, only its parameters and the engine's globals.
 * guest.test.ts runs it in the real engine.
 */

/** The host primitives the worker gives the guest (see `workerMain`). */
export interface GuestHost {
  /** One formatted console line. */
  log(level: string, text: string): void;
  /** The run's outcome: `value` with JSON text, or a failure kind with its message. */
  done(kind: string, payload: string): void;
  /** Whether the engine's heap grew to its limit (the sign of an out-of-memory `null`). */
  memoryExhausted(): boolean;
  /** Starts a host timer that calls the guest's `fireTimer(id)`. */
  setTimer(id: number, ms: number): void;
  clearTimer(id: number): void;
  /** Starts a request; resolves with `{ok, value | name, message}` JSON. */
  fetch(id: number, url: string, initJson: string, body: ArrayBuffer | undefined): Promise<string>;
  abortFetch(id: number): void;
  /** Reads a response body once, as text (UTF-8) or bytes; throws when it was read already. */
  body(id: number, as: 'text' | 'bytes'): string | ArrayBuffer;
  /** Intl, URL and the small helpers: a JSON request, a `{ok, value | name, message}` answer. */
  call(requestJson: string): string;
  /** Byte helpers: `encode` (string → UTF-8), `decode` (bytes → string), `random` (n bytes). */
  bytes(
    op: string,
    input: string | ArrayBuffer | number,
    optionsJson: string,
  ): ArrayBuffer | string;
}

export interface GuestApi {
  /** Calls the tool with its arguments; ends with exactly one `host.done(...)`. */
  run(fn: unknown, argsJson: string, maxResultBytes: number, maxLogChars: number): void;
  /** A host timer fired. */
  fireTimer(id: number): void;
  /** JSON `{ timeout, oom, syntax, text }` about a value the engine threw. */
  describeError(error: unknown): string;
}

type Format = (args: readonly unknown[], maxChars: number) => string;
type ToJson = (
  value: unknown,
  maxBytes: number,
) => { ok: true; json: string; bytes: number } | { ok: false; kind: string; message: string };
type Describe = (reason: unknown, sourceName: string, firstLineColumnOffset: number) => string;

export function guestMain(
  host: GuestHost,
  format: Format,
  toJson: ToJson,
  describe: Describe,
): GuestApi {
  /* eslint-disable @typescript-eslint/no-explicit-any -- the guest builds untyped platform objects */
  const g = globalThis as any;
  const SOURCE_NAME = 'tool-source.js';
  const InternalErrorCtor: any = g.InternalError;
  const define = (target: object, name: string | symbol, value: unknown): void => {
    Object.defineProperty(target, name, { value, writable: true, configurable: true });
  };
  let maxLogChars = 2000;

  const isInternal = (e: unknown, message: string): boolean => {
    try {
      return (
        typeof InternalErrorCtor === 'function' &&
        e instanceof InternalErrorCtor &&
        (e as Error).message === message
      );
    } catch {
      return false;
    }
  };
  /**
   * QuickJS reports running out of its heap as `InternalError: out of memory`; when the heap is
   * too full to build that error, the exception is `null` (or an InternalError without its
   * message), and then the host's view of the heap decides.
   */
  const isOutOfMemory = (e: unknown): boolean =>
    isInternal(e, 'out of memory') || ((e === null || isInternal(e, '')) && host.memoryExhausted());
  /** The engine's interrupt handler stopped the tool at its deadline. */
  const isInterrupted = (e: unknown): boolean => isInternal(e, 'interrupted');

  // ---- DOMException ------------------------------------------------------------------------
  const CODES: Record<string, number> = {
    IndexSizeError: 1,
    InvalidCharacterError: 5,
    SyntaxError: 12,
    InvalidStateError: 11,
    NotSupportedError: 9,
    AbortError: 20,
    TimeoutError: 23,
    QuotaExceededError: 22,
  };
  class DOMException extends Error {
    code: number;
    constructor(message = '', name = 'Error') {
      super(String(message));
      Object.defineProperty(this, 'name', { value: String(name), configurable: true });
      this.code = CODES[String(name)] ?? 0;
    }
  }
  define(g, 'DOMException', DOMException);

  /** Turns a host answer `{ok, value}` / `{ok: false, name, message}` into a value or a throw. */
  const ERRORS: Record<string, new (message: string) => Error> = {
    TypeError,
    RangeError,
    SyntaxError,
    Error,
  };
  const unwrap = (json: string | ArrayBuffer): any => {
    const answer = JSON.parse(json as string) as {
      ok: boolean;
      value?: unknown;
      name?: string;
      message?: string;
    };
    if (answer.ok) return answer.value;
    const name = String(answer.name);
    const Ctor = ERRORS[name];
    if (Ctor) throw new Ctor(String(answer.message));
    throw new DOMException(String(answer.message), name);
  };
  const call = (request: object): any => unwrap(host.call(JSON.stringify(request)));

  const reportUncaught = (e: unknown, prefix: string): void => {
    // Out of memory or the deadline anywhere (a timer, a listener) ends the call.
    if (isInterrupted(e)) {
      host.done('timeout', '');
      return;
    }
    if (isOutOfMemory(e)) {
      host.done('out-of-memory', '');
      return;
    }
    try {
      host.log('error', prefix + describe(e, SOURCE_NAME, 1));
    } catch {
      // nothing left to report with
    }
  };

  // ---- console ------------------------------------------------------------------------------
  const consoleObject: Record<string, unknown> = {};
  for (const level of ['log', 'info', 'warn', 'error', 'debug']) {
    consoleObject[level] = (...args: unknown[]) => host.log(level, format(args, maxLogChars));
  }
  consoleObject.dir = consoleObject.log;
  consoleObject.trace = consoleObject.debug;
  consoleObject.assert = (condition: unknown, ...args: unknown[]) => {
    if (!condition) host.log('error', format(['Assertion failed:', ...args], maxLogChars));
  };
  define(g, 'console', consoleObject);
  define(g, 'self', g);

  // ---- timers -------------------------------------------------------------------------------
  interface Timer {
    fn: (...args: unknown[]) => unknown;
    args: unknown[];
    repeat: boolean;
    ms: number;
  }
  const MAX_TIMERS = 10_000;
  const timers = new Map<number, Timer>();
  let nextTimer = 1;
  const addTimer = (fn: unknown, ms: unknown, args: unknown[], repeat: boolean): number => {
    if (typeof fn !== 'function') throw new TypeError('The callback must be a function');
    if (timers.size >= MAX_TIMERS) throw new RangeError('Too many timers (' + MAX_TIMERS + ')');
    const delay = Math.max(0, Math.min(2 ** 31 - 1, Number(ms) || 0));
    const id = nextTimer++;
    timers.set(id, { fn: fn as Timer['fn'], args, repeat, ms: delay });
    host.setTimer(id, delay);
    return id;
  };
  const clearTimer = (id: unknown): void => {
    const n = Number(id);
    if (timers.delete(n)) host.clearTimer(n);
  };
  define(g, 'setTimeout', (fn: unknown, ms?: unknown, ...args: unknown[]) =>
    addTimer(fn, ms, args, false),
  );
  define(g, 'setInterval', (fn: unknown, ms?: unknown, ...args: unknown[]) =>
    addTimer(fn, ms, args, true),
  );
  define(g, 'clearTimeout', clearTimer);
  define(g, 'clearInterval', clearTimer);
  define(g, 'queueMicrotask', (fn: unknown) => {
    if (typeof fn !== 'function') throw new TypeError('The callback must be a function');
    void Promise.resolve().then(() => {
      try {
        (fn as () => void)();
      } catch (e) {
        reportUncaught(e, 'Uncaught ');
      }
    });
  });

  // ---- AbortController / AbortSignal ---------------------------------------------------------
  const signalState = new WeakMap<
    object,
    { aborted: boolean; reason: unknown; listeners: any[] }
  >();
  class AbortSignal {
    onabort: ((event: unknown) => void) | null = null;
    constructor() {
      signalState.set(this, { aborted: false, reason: undefined, listeners: [] });
    }
    get aborted(): boolean {
      return signalState.get(this)!.aborted;
    }
    get reason(): unknown {
      return signalState.get(this)!.reason;
    }
    throwIfAborted(): void {
      const s = signalState.get(this)!;
      if (s.aborted) throw s.reason;
    }
    addEventListener(type: string, listener: unknown): void {
      if (type === 'abort' && typeof listener === 'function') {
        signalState.get(this)!.listeners.push(listener);
      }
    }
    removeEventListener(type: string, listener: unknown): void {
      const s = signalState.get(this)!;
      if (type === 'abort') s.listeners = s.listeners.filter((l) => l !== listener);
    }
    static abort(reason?: unknown): AbortSignal {
      const signal = new AbortSignal();
      abortSignal(signal, reason);
      return signal;
    }
    static timeout(ms: number): AbortSignal {
      const signal = new AbortSignal();
      addTimer(
        () => abortSignal(signal, new DOMException('The operation timed out.', 'TimeoutError')),
        ms,
        [],
        false,
      );
      return signal;
    }
  }
  const abortSignal = (signal: AbortSignal, reason: unknown): void => {
    const s = signalState.get(signal)!;
    if (s.aborted) return;
    s.aborted = true;
    s.reason =
      reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
    const event = { type: 'abort', target: signal };
    for (const listener of [signal.onabort, ...s.listeners]) {
      if (typeof listener !== 'function') continue;
      try {
        listener.call(signal, event);
      } catch (e) {
        reportUncaught(e, 'Uncaught ');
      }
    }
  };
  class AbortController {
    readonly signal = new AbortSignal();
    abort(reason?: unknown): void {
      abortSignal(this.signal, reason);
    }
  }
  define(g, 'AbortSignal', AbortSignal);
  define(g, 'AbortController', AbortController);

  // ---- bytes --------------------------------------------------------------------------------
  /** A copy of the bytes of an ArrayBuffer or a view, as its own ArrayBuffer. */
  const bufferOf = (input: unknown): ArrayBuffer | null => {
    if (input instanceof ArrayBuffer) return input.slice(0);
    if (ArrayBuffer.isView(input)) {
      return input.buffer.slice(
        input.byteOffset,
        input.byteOffset + input.byteLength,
      ) as ArrayBuffer;
    }
    return null;
  };

  class TextEncoder {
    get encoding(): string {
      return 'utf-8';
    }
    encode(input = ''): Uint8Array {
      return new Uint8Array(host.bytes('encode', String(input), '{}') as ArrayBuffer);
    }
  }
  const decoderOptions = new WeakMap<
    object,
    { label: string; fatal: boolean; ignoreBOM: boolean }
  >();
  class TextDecoder {
    constructor(label = 'utf-8', options: { fatal?: boolean; ignoreBOM?: boolean } = {}) {
      const opts = { label: String(label), fatal: !!options.fatal, ignoreBOM: !!options.ignoreBOM };
      // Validates the label now, as the browser does.
      const encoding = call({ op: 'decoderEncoding', label: opts.label }) as string;
      decoderOptions.set(this, { ...opts, label: encoding });
    }
    get encoding(): string {
      return decoderOptions.get(this)!.label;
    }
    get fatal(): boolean {
      return decoderOptions.get(this)!.fatal;
    }
    get ignoreBOM(): boolean {
      return decoderOptions.get(this)!.ignoreBOM;
    }
    decode(input?: unknown): string {
      if (input === undefined) return '';
      const buffer = bufferOf(input);
      if (!buffer) throw new TypeError('The "input" argument must be an ArrayBuffer or a view');
      return unwrap(
        host.bytes('decode', buffer, JSON.stringify(decoderOptions.get(this))) as string,
      ) as string;
    }
  }
  define(g, 'TextEncoder', TextEncoder);
  define(g, 'TextDecoder', TextDecoder);
  define(g, 'atob', (data: unknown) => call({ op: 'atob', value: String(data) }) as string);
  define(g, 'btoa', (data: unknown) => call({ op: 'btoa', value: String(data) }) as string);
  define(g, 'crypto', {
    getRandomValues<T extends ArrayBufferView>(view: T): T {
      const integer =
        view instanceof Int8Array ||
        view instanceof Uint8Array ||
        view instanceof Uint8ClampedArray ||
        view instanceof Int16Array ||
        view instanceof Uint16Array ||
        view instanceof Int32Array ||
        view instanceof Uint32Array ||
        view instanceof BigInt64Array ||
        view instanceof BigUint64Array;
      if (!integer) throw new DOMException('The data is not an integer array', 'TypeMismatchError');
      if (view.byteLength > 65536) {
        throw new DOMException('At most 65536 bytes can be requested', 'QuotaExceededError');
      }
      const random = new Uint8Array(host.bytes('random', view.byteLength, '{}') as ArrayBuffer);
      new Uint8Array(view.buffer, view.byteOffset, view.byteLength).set(random);
      return view;
    },
    randomUUID: (): string => call({ op: 'uuid' }) as string,
  });
  define(g, 'performance', { now: (): number => call({ op: 'now' }) as number });

  // ---- Headers, Response, fetch --------------------------------------------------------------
  const headerLists = new WeakMap<object, [string, string][]>();
  const normalizeValue = (v: unknown): string => String(v).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
  class Headers {
    constructor(init?: unknown) {
      headerLists.set(this, []);
      if (init === undefined || init === null) return;
      if (init instanceof Headers) {
        for (const [k, v] of headerLists.get(init)!) this.append(k, v);
      } else if (typeof (init as any)[Symbol.iterator] === 'function') {
        for (const pair of init as Iterable<unknown>) {
          const [k, v] = Array.from(pair as Iterable<unknown>);
          this.append(String(k), String(v));
        }
      } else if (typeof init === 'object') {
        for (const k of Object.keys(init)) this.append(k, String((init as any)[k]));
      }
    }
    append(name: string, value: unknown): void {
      headerLists.get(this)!.push([String(name).toLowerCase(), normalizeValue(value)]);
    }
    set(name: string, value: unknown): void {
      this.delete(name);
      this.append(name, value);
    }
    delete(name: string): void {
      const key = String(name).toLowerCase();
      headerLists.set(
        this,
        headerLists.get(this)!.filter(([k]) => k !== key),
      );
    }
    get(name: string): string | null {
      const key = String(name).toLowerCase();
      const values = headerLists
        .get(this)!
        .filter(([k]) => k === key)
        .map(([, v]) => v);
      return values.length ? values.join(', ') : null;
    }
    has(name: string): boolean {
      return this.get(name) !== null;
    }
    *entries(): IterableIterator<[string, string]> {
      const names = [...new Set(headerLists.get(this)!.map(([k]) => k))].sort();
      for (const name of names) yield [name, this.get(name)!];
    }
    *keys(): IterableIterator<string> {
      for (const [k] of this.entries()) yield k;
    }
    *values(): IterableIterator<string> {
      for (const [, v] of this.entries()) yield v;
    }
    forEach(cb: (value: string, key: string, headers: Headers) => void, thisArg?: unknown): void {
      for (const [k, v] of this.entries()) cb.call(thisArg, v, k, this);
    }
    [Symbol.iterator](): IterableIterator<[string, string]> {
      return this.entries();
    }
  }
  define(g, 'Headers', Headers);

  interface BodySource {
    id: number;
    text?: string;
    used: boolean;
  }
  const bodies = new WeakMap<object, BodySource>();
  class Response {
    readonly status: number;
    readonly statusText: string;
    readonly headers: Headers;
    readonly url: string;
    readonly redirected: boolean;
    readonly type: string;
    constructor(
      body?: unknown,
      init: { status?: number; statusText?: string; headers?: unknown } = {},
    ) {
      this.status = init.status === undefined ? 200 : Number(init.status);
      this.statusText = init.statusText === undefined ? '' : String(init.statusText);
      this.headers = new Headers(init.headers);
      this.url = '';
      this.redirected = false;
      this.type = 'default';
      bodies.set(this, {
        id: 0,
        text: body === undefined || body === null ? '' : String(body),
        used: false,
      });
    }
    get ok(): boolean {
      return this.status >= 200 && this.status <= 299;
    }
    get bodyUsed(): boolean {
      return bodies.get(this)!.used;
    }
    async text(): Promise<string> {
      const source = bodies.get(this)!;
      if (source.used) throw new TypeError('Body has already been consumed.');
      source.used = true;
      if (source.text !== undefined) return source.text;
      return host.body(source.id, 'text') as string;
    }
    async json(): Promise<unknown> {
      return JSON.parse(await this.text());
    }
    async arrayBuffer(): Promise<ArrayBuffer> {
      const source = bodies.get(this)!;
      if (source.used) throw new TypeError('Body has already been consumed.');
      source.used = true;
      if (source.text !== undefined) {
        return new TextEncoder().encode(source.text).buffer as ArrayBuffer;
      }
      return host.body(source.id, 'bytes') as ArrayBuffer;
    }
    async bytes(): Promise<Uint8Array> {
      return new Uint8Array(await this.arrayBuffer());
    }
    static json(data: unknown, init: { status?: number; headers?: unknown } = {}): Response {
      const response = new Response(JSON.stringify(data), init);
      if (!response.headers.has('content-type')) {
        response.headers.set('content-type', 'application/json');
      }
      return response;
    }
  }
  define(g, 'Response', Response);

  let nextFetch = 1;
  const fetchImpl = async (input: unknown, init: any = {}): Promise<Response> => {
    init = init ?? {};
    let url: string;
    if (typeof input === 'string') url = input;
    else if (input && typeof (input as any).href === 'string') url = (input as any).href;
    else if (input && typeof (input as any).url === 'string') url = (input as any).url;
    else url = String(input);
    const headers = new Headers(init.headers);
    let body: ArrayBuffer | undefined;
    let bodyText: string | undefined;
    if (init.body !== undefined && init.body !== null) {
      const buffer = bufferOf(init.body);
      if (buffer) body = buffer;
      else if (init.body instanceof URLSearchParamsImpl) {
        bodyText = init.body.toString();
        if (!headers.has('content-type')) {
          headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
        }
      } else {
        bodyText = String(init.body);
        if (!headers.has('content-type')) headers.set('content-type', 'text/plain;charset=UTF-8');
      }
    }
    const signal = init.signal as AbortSignal | undefined;
    if (signal && signal.aborted) throw signal.reason;
    const request: Record<string, unknown> = { headers: headerLists.get(headers) };
    if (init.method !== undefined) request.method = String(init.method);
    if (bodyText !== undefined) request.bodyText = bodyText;
    for (const key of ['redirect', 'cache', 'credentials', 'mode', 'referrerPolicy']) {
      if (init[key] !== undefined) request[key] = String(init[key]);
    }
    const id = nextFetch++;
    const onAbort = (): void => host.abortFetch(id);
    if (signal) signal.addEventListener('abort', onAbort);
    let meta: {
      id: number;
      status: number;
      statusText: string;
      url: string;
      redirected: boolean;
      type: string;
      headers: [string, string][];
    };
    try {
      meta = unwrap(await host.fetch(id, url, JSON.stringify(request), body));
    } catch (e) {
      if (signal && signal.aborted) throw signal.reason;
      throw e;
    } finally {
      if (signal) signal.removeEventListener('abort', onAbort);
    }
    const response = new Response(undefined, {
      status: meta.status,
      statusText: meta.statusText,
      headers: meta.headers,
    });
    bodies.set(response, { id: meta.id, used: false });
    for (const [key, value] of [
      ['url', meta.url],
      ['redirected', meta.redirected],
      ['type', meta.type],
    ] as const) {
      Object.defineProperty(response, key, { value, enumerable: true });
    }
    return response;
  };
  define(g, 'fetch', (input: unknown, init?: unknown) => fetchImpl(input, init));

  // ---- URLSearchParams, URL ----------------------------------------------------------------
  interface ParamsState {
    list: [string, string][];
    url: any;
  }
  const paramsState = new WeakMap<object, ParamsState>();
  const parseQuery = (query: string): [string, string][] =>
    call({ op: 'parseQuery', value: query }) as [string, string][];
  class URLSearchParamsImpl {
    constructor(init: unknown = '') {
      let list: [string, string][] = [];
      if (init instanceof URLSearchParamsImpl) list = paramsState.get(init)!.list.slice();
      else if (typeof init === 'object' && init !== null) {
        if (typeof (init as any)[Symbol.iterator] === 'function') {
          for (const pair of init as Iterable<unknown>) {
            const items = Array.from(pair as Iterable<unknown>);
            if (items.length !== 2) throw new TypeError('Each pair must have exactly 2 items');
            list.push([String(items[0]), String(items[1])]);
          }
        } else {
          for (const k of Object.keys(init)) list.push([k, String((init as any)[k])]);
        }
      } else {
        list = parseQuery(String(init).replace(/^\?/, ''));
      }
      paramsState.set(this, { list, url: null });
    }
    #update(): void {
      const state = paramsState.get(this)!;
      if (state.url) setUrlSearchFromParams(state.url, this.toString());
    }
    get size(): number {
      return paramsState.get(this)!.list.length;
    }
    append(name: unknown, value: unknown): void {
      paramsState.get(this)!.list.push([String(name), String(value)]);
      this.#update();
    }
    delete(name: unknown, value?: unknown): void {
      const state = paramsState.get(this)!;
      const n = String(name);
      state.list = state.list.filter(
        ([k, v]) => !(k === n && (value === undefined || v === String(value))),
      );
      this.#update();
    }
    get(name: unknown): string | null {
      const found = paramsState.get(this)!.list.find(([k]) => k === String(name));
      return found ? found[1] : null;
    }
    getAll(name: unknown): string[] {
      return paramsState
        .get(this)!
        .list.filter(([k]) => k === String(name))
        .map(([, v]) => v);
    }
    has(name: unknown, value?: unknown): boolean {
      return paramsState
        .get(this)!
        .list.some(([k, v]) => k === String(name) && (value === undefined || v === String(value)));
    }
    set(name: unknown, value: unknown): void {
      const state = paramsState.get(this)!;
      const n = String(name);
      const index = state.list.findIndex(([k]) => k === n);
      if (index < 0) state.list.push([n, String(value)]);
      else {
        state.list[index] = [n, String(value)];
        state.list = state.list.filter(([k], i) => i <= index || k !== n);
      }
      this.#update();
    }
    sort(): void {
      const state = paramsState.get(this)!;
      // Stable, by UTF-16 code units, as specified.
      state.list = state.list
        .map((pair, i) => [pair, i] as const)
        .sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1]))
        .map(([pair]) => pair);
      this.#update();
    }
    forEach(cb: (value: string, key: string, params: unknown) => void, thisArg?: unknown): void {
      for (const [k, v] of paramsState.get(this)!.list.slice()) cb.call(thisArg, v, k, this);
    }
    *entries(): IterableIterator<[string, string]> {
      for (const [k, v] of paramsState.get(this)!.list.slice()) yield [k, v];
    }
    *keys(): IterableIterator<string> {
      for (const [k] of this.entries()) yield k;
    }
    *values(): IterableIterator<string> {
      for (const [, v] of this.entries()) yield v;
    }
    [Symbol.iterator](): IterableIterator<[string, string]> {
      return this.entries();
    }
    toString(): string {
      return call({ op: 'stringifyQuery', value: paramsState.get(this)!.list }) as string;
    }
  }
  Object.defineProperty(URLSearchParamsImpl, 'name', { value: 'URLSearchParams' });
  define(g, 'URLSearchParams', URLSearchParamsImpl);

  type UrlRecord = Record<
    | 'href'
    | 'origin'
    | 'protocol'
    | 'username'
    | 'password'
    | 'host'
    | 'hostname'
    | 'port'
    | 'pathname'
    | 'search'
    | 'hash',
    string
  >;
  const urlState = new WeakMap<object, { record: UrlRecord; params: URLSearchParamsImpl | null }>();
  const setUrlSearchFromParams = (url: object, query: string): void => {
    const state = urlState.get(url)!;
    state.record = call({
      op: 'setUrl',
      href: state.record.href,
      prop: 'search',
      value: query,
    }) as UrlRecord;
  };
  const refreshParams = (url: object): void => {
    const state = urlState.get(url)!;
    if (state.params)
      paramsState.get(state.params)!.list = parseQuery(state.record.search.slice(1));
  };
  class URLImpl {
    constructor(url: unknown, base?: unknown) {
      const record = call({
        op: 'parseUrl',
        url: String(url),
        base: base === undefined ? undefined : String(base),
      }) as UrlRecord;
      urlState.set(this, { record, params: null });
    }
    get searchParams(): URLSearchParamsImpl {
      const state = urlState.get(this)!;
      if (!state.params) {
        state.params = new URLSearchParamsImpl(state.record.search);
        paramsState.get(state.params)!.url = this;
      }
      return state.params;
    }
    get origin(): string {
      return urlState.get(this)!.record.origin;
    }
    toString(): string {
      return urlState.get(this)!.record.href;
    }
    toJSON(): string {
      return urlState.get(this)!.record.href;
    }
    static canParse(url: unknown, base?: unknown): boolean {
      try {
        new URLImpl(url, base);
        return true;
      } catch {
        return false;
      }
    }
    static parse(url: unknown, base?: unknown): URLImpl | null {
      try {
        return new URLImpl(url, base);
      } catch {
        return null;
      }
    }
  }
  for (const prop of [
    'href',
    'protocol',
    'username',
    'password',
    'host',
    'hostname',
    'port',
    'pathname',
    'search',
    'hash',
  ] as const) {
    Object.defineProperty(URLImpl.prototype, prop, {
      configurable: true,
      enumerable: true,
      get(this: object) {
        return urlState.get(this)!.record[prop];
      },
      set(this: object, value: unknown) {
        const state = urlState.get(this)!;
        state.record = call({
          op: 'setUrl',
          href: state.record.href,
          prop,
          value: String(value),
        }) as UrlRecord;
        if (prop === 'href' || prop === 'search') refreshParams(this);
      },
    });
  }
  Object.defineProperty(URLImpl, 'name', { value: 'URL' });
  define(g, 'URL', URLImpl);

  // ---- Intl and the locale methods ----------------------------------------------------------
  /** Numbers JSON cannot carry (NaN, ±Infinity, -0, BigInt) travel as numeric strings. */
  const numeric = (v: unknown): unknown => {
    if (typeof v === 'bigint') return String(v);
    if (typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0))) {
      return Object.is(v, -0) ? '-0' : String(v);
    }
    return v;
  };
  const timeValue = (d: unknown): number => (d === undefined ? Date.now() : Number(d));
  const intlCall = (
    type: string,
    locales: unknown,
    options: unknown,
    method: string,
    args: unknown[],
  ) => call({ op: 'intl', type, locales, options, method, args });

  const intl: Record<string, unknown> = {};
  const INTL: Record<
    string,
    { methods: string[]; bound?: string; args?: (a: unknown[]) => unknown[] }
  > = {
    DateTimeFormat: {
      methods: ['formatToParts', 'formatRange', 'formatRangeToParts'],
      bound: 'format',
      args: (a) => a.map(timeValue),
    },
    NumberFormat: {
      methods: ['formatToParts', 'formatRange', 'formatRangeToParts'],
      bound: 'format',
      args: (a) => a.map(numeric),
    },
    Collator: { methods: [], bound: 'compare', args: (a) => a.map((v) => String(v)) },
    PluralRules: { methods: ['select', 'selectRange'], args: (a) => a.map(numeric) },
    RelativeTimeFormat: {
      methods: ['format', 'formatToParts'],
      args: (a) => [numeric(a[0]), a[1]],
    },
    ListFormat: {
      methods: ['format', 'formatToParts'],
      args: (a) => [Array.from((a[0] ?? []) as Iterable<unknown>, (v) => String(v))],
    },
    DisplayNames: { methods: ['of'], args: (a) => a.map((v) => String(v)) },
  };
  for (const type of Object.keys(INTL)) {
    const spec = INTL[type];
    const convert = spec.args ?? ((a: unknown[]) => a);
    const Ctor = function (this: any, locales?: unknown, options?: unknown) {
      if (!new.target) {
        if (type === 'DateTimeFormat' || type === 'NumberFormat' || type === 'Collator') {
          return new (Ctor as any)(locales, options);
        }
        throw new TypeError('Constructor Intl.' + type + " requires 'new'");
      }
      const opts = options === undefined ? undefined : JSON.parse(JSON.stringify(options));
      const resolved = intlCall(type, locales, opts, 'resolvedOptions', []);
      Object.defineProperty(this, '__resolved', { value: resolved });
      Object.defineProperty(this, '__spec', { value: { locales, options: opts } });
      if (spec.bound) {
        const method = spec.bound;
        const fn = (...args: unknown[]) => intlCall(type, locales, opts, method, convert(args));
        Object.defineProperty(this, method, { value: fn, configurable: true });
      }
    } as unknown as { prototype: any; supportedLocalesOf: unknown };
    for (const method of spec.methods) {
      Ctor.prototype[method] = function (this: any, ...args: unknown[]) {
        const { locales, options } = this.__spec;
        return intlCall(type, locales, options, method, convert(args));
      };
    }
    Ctor.prototype.resolvedOptions = function (this: any) {
      return JSON.parse(JSON.stringify(this.__resolved));
    };
    Ctor.supportedLocalesOf = (locales: unknown, options?: unknown) =>
      call({ op: 'intlStatic', type, method: 'supportedLocalesOf', args: [locales, options] });
    Object.defineProperty(Ctor, 'name', { value: type });
    intl[type] = Ctor;
  }
  intl.getCanonicalLocales = (locales: unknown) =>
    call({ op: 'intlStatic', type: '', method: 'getCanonicalLocales', args: [locales] });
  intl.supportedValuesOf = (key: unknown) =>
    call({ op: 'intlStatic', type: '', method: 'supportedValuesOf', args: [String(key)] });
  define(g, 'Intl', intl);

  const localeMethod = (
    proto: object,
    kind: string,
    method: string,
    value: (self: unknown) => unknown,
  ): void => {
    define(proto, method, function (this: unknown, locales?: unknown, options?: unknown) {
      return call({ op: 'locale', kind, method, value: value(this), locales, options });
    });
  };
  for (const method of ['toLocaleString', 'toLocaleDateString', 'toLocaleTimeString']) {
    localeMethod(Date.prototype, 'date', method, (d) => Date.prototype.getTime.call(d));
  }
  localeMethod(Number.prototype, 'number', 'toLocaleString', (n) =>
    numeric(Number.prototype.valueOf.call(n)),
  );
  localeMethod(BigInt.prototype, 'bigint', 'toLocaleString', (n) =>
    String(BigInt.prototype.valueOf.call(n)),
  );
  define(
    String.prototype,
    'localeCompare',
    function (this: unknown, that: unknown, locales?: unknown, options?: unknown) {
      return call({
        op: 'locale',
        kind: 'string',
        method: 'localeCompare',
        value: [String(this), String(that)],
        locales,
        options,
      });
    },
  );

  // ---- the driver ---------------------------------------------------------------------------
  return {
    run(fn, argsJson, maxResultBytes, logChars) {
      maxLogChars = logChars;
      const failed = (kind: string, e: unknown): void => {
        if (isInterrupted(e)) host.done('timeout', '');
        else if (isOutOfMemory(e)) host.done('out-of-memory', '');
        else host.done(kind, describe(e, SOURCE_NAME, 1));
      };
      const finish = async (): Promise<void> => {
        const args = JSON.parse(argsJson) as unknown;
        let returned: unknown;
        try {
          returned = (fn as (args: unknown) => unknown).call(undefined, args);
        } catch (e) {
          failed('threw', e);
          return;
        }
        let value: unknown;
        try {
          value = await returned;
        } catch (e) {
          failed('rejected', e);
          return;
        }
        const result = toJson(value, maxResultBytes);
        if (result.ok) host.done('value', result.json);
        else host.done(result.kind, result.message);
      };
      finish().catch((e: unknown) => failed('threw', e));
    },
    fireTimer(id) {
      const timer = timers.get(id);
      if (!timer) return;
      if (timer.repeat) host.setTimer(id, Math.max(1, timer.ms));
      else timers.delete(id);
      try {
        timer.fn(...timer.args);
      } catch (e) {
        reportUncaught(e, 'Uncaught ');
      }
    },
    describeError(error) {
      return JSON.stringify({
        timeout: isInterrupted(error),
        oom: isOutOfMemory(error),
        syntax: error instanceof SyntaxError,
        text: describe(error, SOURCE_NAME, 1),
      });
    },
  };
  /* eslint-enable @typescript-eslint/no-explicit-any */
}
