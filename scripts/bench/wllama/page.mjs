// Runs in the bench page (served by run-wllama.mjs): loads the GGUF with wllama and times
// completions. The wllama bundle and its .wasm come from node_modules via the bench server
// (tsconfig.scripts.json maps the URL to the bundle's types). Implements WllamaBenchApi
// (../pages.d.ts).
import { Wllama } from '/wllama/index.js';

/** @type {Wllama | null} */
let wllama = null;
/** @type {string[]} */
const logs = [];
const keep =
  /** @param {string} level */
  (level) =>
    /** @param {unknown[]} args */
    (...args) =>
      logs.push(
        `[${level}] ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`,
      );
const logger = { debug: keep('debug'), log: keep('log'), warn: keep('warn'), error: keep('error') };

/** @type {WllamaBenchApi} */
const api = {
  /** Loads /model.gguf on the CPU with `threads` threads (1 = wllama's single-thread mode). */
  async load({ threads, nCtx, nBatch, nUbatch }) {
    const blob = await (await fetch('/model.gguf')).blob();
    wllama = new Wllama({ default: '/wllama/wllama.wasm' }, { logger });
    const t0 = performance.now();
    await wllama.loadModel([blob], {
      n_threads: threads,
      n_ctx: nCtx,
      n_batch: nBatch,
      n_ubatch: nUbatch,
      n_gpu_layers: 0,
      seed: 1,
    });
    /** @type {Omit<import('/wllama/index.js').LoadedContextInfo, 'metadata'> & { metadata?: unknown }} */
    const context = wllama.getLoadedContextInfo();
    delete context.metadata;
    return {
      loadMs: performance.now() - t0,
      crossOriginIsolated: globalThis.crossOriginIsolated,
      multithread: wllama.isMultithread(),
      threads: wllama.getNumThreads(),
      libllama: Wllama.getLibllamaVersion(),
      context,
    };
  },

  /**
   * One completion: greedy, EOS ignored, no prompt cache, so the prompt is processed
   * in full and exactly `maxTokens` tokens are generated. Returns llama-server's own timings.
   * `bannedTokens` can never be sampled: llama-server fails a request whose generated text ends as
   * invalid UTF-8, which a random model's lone byte tokens (0x80-0xff) easily produce.
   */
  async complete({ prompt, maxTokens, bannedTokens = [] }) {
    if (!wllama) throw new Error('no model loaded');
    const t0 = performance.now();
    // wllama hands the options to llama-server as they are (JSON), so its native fields work:
    // `cache_prompt` and `logit_bias` as [token, false] pairs (never sample the token), which
    // wllama's OpenAI-shaped types do not describe.
    const options =
      /** @type {import('/wllama/index.js').RawCompletionParams & { stream?: false }} */ (
        /** @type {unknown} */ ({
          prompt,
          max_tokens: maxTokens,
          temperature: 0,
          ignore_eos: true,
          cache_prompt: false,
          logit_bias: bannedTokens.map((id) => [id, false]),
        })
      );
    const res = await wllama.createCompletion(options);
    return {
      wallMs: performance.now() - t0,
      timings: res.timings,
      usage: res.usage,
      finishReason: res.choices[0]?.finish_reason,
    };
  },

  async exit() {
    await wllama?.exit();
    wllama = null;
  },

  takeLogs: () => logs.splice(0),
};
globalThis.wllamaBench = api;
