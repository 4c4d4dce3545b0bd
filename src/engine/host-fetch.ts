import { EngineError } from './errors';

/**
 * The fetch Transformers.js uses for every model file (set as `env.fetch`). It turns the ways a
 * model host can fail into typed errors instead of "repository not found" or a wait forever:
 * - no answer at all (DNS failure, refused connection, offline) → `host_unreachable`;
 * - no response headers within `headerTimeoutMs`, or a download that stalls for `stallTimeoutMs`
 *   → `timeout`;
 * - a web page (HTML) where a model file should be → answered as 404, so Transformers.js never
 *   caches it, and remembered so the failed load reports `not_model_repo`.
 */

export interface HostFetchOptions {
  headerTimeoutMs: number;
  stallTimeoutMs: number;
}

export const DEFAULT_HOST_FETCH: HostFetchOptions = {
  headerTimeoutMs: 20_000,
  stallTimeoutMs: 60_000,
};

const hostOf = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
};

/** Web pages served where a model file should be: recorded for the error message. */
let htmlAnswers: string[] = [];

/** The reason the last failed load saw, if a host served pages instead of files. Clears it. */
export function takeHtmlAnswer(): EngineError | null {
  const url = htmlAnswers[0];
  htmlAnswers = [];
  if (!url) return null;
  return new EngineError(
    'not_model_repo',
    `${url} answered with a web page (text/html), not a model file`,
  );
}

export function createHostFetch(
  base: typeof fetch,
  { headerTimeoutMs, stallTimeoutMs }: HostFetchOptions = DEFAULT_HOST_FETCH,
): typeof fetch {
  return async (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const abort = new AbortController();
    const callerSignal = init?.signal;
    if (callerSignal?.aborted) abort.abort(callerSignal.reason);
    callerSignal?.addEventListener('abort', () => abort.abort(callerSignal.reason), { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, headerTimeoutMs);
    let res: Response;
    try {
      res = await base(input, { ...init, signal: abort.signal });
    } catch (e) {
      if (timedOut)
        throw new EngineError(
          'timeout',
          `no answer from ${url} within ${Math.round(headerTimeoutMs / 1000)} s`,
        );
      if (callerSignal?.aborted) throw e;
      throw new EngineError('host_unreachable', `${hostOf(url)}: ${String(e)}`);
    } finally {
      clearTimeout(timer);
    }
    const type = res.headers.get('content-type') ?? '';
    if (res.ok && /text\/html/i.test(type)) {
      htmlAnswers.push(url);
      void res.body?.cancel().catch(() => undefined);
      return new Response(null, { status: 404, statusText: 'Not a model file (text/html)' });
    }
    return res.body ? withStallTimeout(res, url, stallTimeoutMs) : res;
  };
}

/** The same response, whose body errors if no bytes arrive for `ms`. */
function withStallTimeout(res: Response, url: string, ms: number): Response {
  const reader = res.body!.getReader();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new EngineError(
                'timeout',
                `the download of ${url} stalled: no data for ${Math.round(ms / 1000)} s`,
              ),
            ),
          ms,
        );
      });
      try {
        const { done, value } = await Promise.race([reader.read(), stalled]);
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (e) {
        void reader.cancel().catch(() => undefined);
        controller.error(e);
      } finally {
        clearTimeout(timer);
      }
    },
    cancel(reason) {
      clearTimeout(timer);
      return reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: res.status,
    statusText: res.statusText,
    headers: res.headers,
  });
}
