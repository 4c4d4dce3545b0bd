// Benchmarks wllama (llama.cpp in WASM, CPU) on an LFM2 GGUF in headless Chromium; `npm run bench`
// and the standalone CLI (bin/wllama.mjs) run it.
//
// Prefill tok/s = prompt tokens / llama-server's prompt time (prompt processing up to the first
// sampled token). Decode tok/s = (generated - 1) / generation time: llama-server times generation
// from the first sampled token, so that window holds generated - 1 forward passes. wllama runs one
// generation step per worker round trip, so decode includes that messaging, as it does for users.
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from '@playwright/test';
import {
  FIRST_WORD_TOKEN,
  placeholderWord,
  randomLfm2Weights,
  writeLfm2Gguf,
} from './make-gguf.mjs';
import { startServer } from './server.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const WLLAMA_DIR = dirname(createRequire(import.meta.url).resolve('@wllama/wllama/package.json'));
/**
 * Where the benchmark keeps the 350M-shape GGUF (the benchmark model's weights) whose matmul
 * weights are stored as `type`.
 * @param {import('./make-gguf.mjs').WeightType} [type]
 */
export const defaultGguf = (type = 'q4_0') =>
  resolve(HERE, `../../../bench-out/wllama/lfm2-350m-random-${type}.gguf`);
const SEED = 350;

/**
 * Writes the GGUF unless it exists (or `force`); returns its path. Without `weights`, seeded
 * random ones (random-weights.mjs).
 * @param {{
 *   outFile: string,
 *   arch: import('../../fixtures/lfm2-io.mjs').Lfm2Arch,
 *   vocabSize: number,
 *   matmulType?: import('./make-gguf.mjs').WeightType,
 *   force?: boolean,
 *   weights?: import('./make-gguf.mjs').WeightFunction,
 *   log?: (line: string) => void,
 * }} options
 */
export function ensureGguf({
  outFile,
  arch,
  vocabSize,
  matmulType = 'q4_0',
  force = false,
  weights = randomLfm2Weights(arch, SEED),
  log = console.error,
}) {
  if (existsSync(outFile) && !force) return outFile;
  mkdirSync(dirname(outFile), { recursive: true });
  const t0 = performance.now();
  const { bytes } = writeLfm2Gguf({
    outFile,
    weights,
    arch,
    vocab: vocabSize,
    matmulType,
  });
  log(
    `wrote ${outFile}: ${(bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1e3).toFixed(1)} s`,
  );
  return outFile;
}

/**
 * Text of `length` tokens: wllama 3 takes string prompts only, so this spells length - 1 random
 * placeholder words (one token each, see placeholderVocab) and llama.cpp adds the BOS token.
 * @param {number} length
 * @param {number} vocabSize
 * @param {number} seed
 */
function promptText(length, vocabSize, seed) {
  let s = seed >>> 0 || 1;
  let text = '';
  for (let i = 1; i < length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    text += ` ${placeholderWord(FIRST_WORD_TOKEN + (s % (vocabSize - FIRST_WORD_TOKEN)))}`;
  }
  return text;
}

/**
 * Median and range rounded to 0.1, with every run's value.
 * @param {number[]} values
 * @returns {import('../stats.mjs').Spread & { runs: number[] }}
 */
function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  /** @param {number} x */
  const r = (x) => Math.round(x * 10) / 10;
  return {
    median: r(median),
    min: r(sorted[0]),
    max: r(sorted[sorted.length - 1]),
    runs: values.map(r),
  };
}

// The data: icon spares a favicon 404 in the console.
const PAGE_HTML = `<!doctype html><meta charset="utf-8"><title>wllama bench</title>
<link rel="icon" href="data:,"><script type="module" src="/page.mjs"></script>`;

/**
 * Timed rounds on one loaded page; returns the per-prompt-length tok/s samples.
 * @param {import('@playwright/test').Page} page
 * @param {{
 *   vocabSize: number,
 *   runs: number,
 *   promptTokens: number[],
 *   decodeAfter: number[],
 *   decodeTokens: number,
 *   seed: number,
 *   log: (line: string) => void,
 * }} options
 */
async function timeRounds(
  page,
  { vocabSize, runs, promptTokens, decodeAfter, decodeTokens, seed, log },
) {
  const bannedTokens = Array.from({ length: FIRST_WORD_TOKEN }, (_, i) => i);
  /**
   * @param {string} prompt
   * @param {number} maxTokens
   */
  const complete = (prompt, maxTokens) =>
    page.evaluate((o) => globalThis.wllamaBench.complete(o), { prompt, maxTokens, bannedTokens });
  await complete(promptText(32, vocabSize, seed), 8);

  /** @type {Record<number, number[]>} tok/s samples by prompt length */
  const prefill = Object.fromEntries(promptTokens.map((n) => [n, []]));
  /** @type {Record<number, number[]>} */
  const decode = Object.fromEntries(decodeAfter.map((n) => [n, []]));
  for (let run = 0; run < runs; run++) {
    for (const n of promptTokens) {
      const generate = decode[n] ? decodeTokens : 1;
      // A fresh prompt per request, so no prefix of it can come from a cache.
      const r = await complete(promptText(n, vocabSize, seed + 10 * run + n), generate);
      const t = r.timings;
      if (!t || t.prompt_n !== n || t.predicted_n !== generate) {
        throw new Error(
          `expected ${n} prompt + ${generate} generated tokens: ${JSON.stringify(r)}`,
        );
      }
      const prefillRate = (t.prompt_n / t.prompt_ms) * 1e3;
      prefill[n].push(prefillRate);
      let line = `  run ${run + 1} prompt ${n}: prefill ${prefillRate.toFixed(1)} tok/s`;
      if (decode[n]) {
        const decodeRate = ((t.predicted_n - 1) / t.predicted_ms) * 1e3;
        decode[n].push(decodeRate);
        line += `, decode ${decodeRate.toFixed(1)} tok/s`;
      }
      log(`${line} (wall ${(r.wallMs / 1e3).toFixed(1)} s)`);
    }
  }
  return { prefill, decode };
}

/**
 * @template T, U
 * @param {Record<string, T>} obj
 * @param {(value: T) => U} fn
 * @returns {Record<string, U>}
 */
const mapValues = (obj, fn) => Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, fn(v)]));

/**
 * Runs the benchmark; resolves to the JSON-ready summary. Each thread count gets a fresh page (a
 * fresh wllama worker), one untimed warm-up completion, then `runs` rounds over `promptTokens`.
 * Decode is timed after the prompt lengths in `decodeAfter`; other prompts generate one token.
 * @param {{
 *   ggufPath?: string,
 *   port?: number,
 *   threads?: number[],
 *   runs?: number,
 *   promptTokens?: number[],
 *   decodeTokens?: number,
 *   decodeAfter?: number[],
 *   nBatch?: number,
 *   nUbatch?: number,
 *   browserArgs?: string[],
 *   verbose?: boolean,
 *   log?: (line: string) => void,
 * }} options
 */
export async function runWllamaBench({
  ggufPath = defaultGguf(),
  port = 0,
  threads = [1, 2],
  runs = 5,
  promptTokens = [128, 1024],
  decodeTokens = 128,
  decodeAfter = [promptTokens[0]],
  nBatch,
  nUbatch,
  browserArgs = [],
  verbose = false,
  log = console.error,
}) {
  const nCtx = Math.max(2048, Math.ceil((Math.max(...promptTokens) + decodeTokens) / 256) * 256);
  const server = await startServer({
    port,
    routes: {
      '/': { body: PAGE_HTML, type: 'text/html; charset=utf-8' },
      '/page.mjs': { file: join(HERE, 'page.mjs') },
      '/wllama/index.js': { file: join(WLLAMA_DIR, 'esm/index.js') },
      '/wllama/wllama.wasm': { file: join(WLLAMA_DIR, 'esm/wasm/wllama.wasm') },
      '/model.gguf': { file: ggufPath },
    },
  });
  const browser = await chromium.launch({
    executablePath:
      process.env.CHROMIUM_PATH ??
      ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find((p) => existsSync(p)),
    args: ['--no-sandbox', '--disable-background-networking', ...browserArgs],
  });
  const results = [];
  /** @type {string | null} */
  let libllama = null;
  try {
    for (const nThreads of threads) {
      const page = await browser.newPage();
      page.on('pageerror', (e) => log(`page error: ${e.message}`));
      if (verbose) page.on('console', (m) => log(`console: ${m.text()}`));
      /** @param {boolean} force */
      const flushLogs = async (force) => {
        const lines = await page.evaluate(() => globalThis.wllamaBench?.takeLogs() ?? []);
        if (verbose || force) for (const l of lines) log(l);
      };
      try {
        await page.goto(`${server.url}/`);
        await page.waitForFunction(() => globalThis.wllamaBench);
        const info = await page.evaluate((o) => globalThis.wllamaBench.load(o), {
          threads: nThreads,
          nCtx,
          nBatch,
          nUbatch,
        });
        libllama = info.libllama;
        const ctx = info.context;
        log(
          `threads ${nThreads}: multithread=${info.multithread} (isolated=${info.crossOriginIsolated}) ` +
            `n_ctx=${ctx.n_ctx} n_batch=${ctx.n_batch} n_ubatch=${ctx.n_ubatch} load ${info.loadMs.toFixed(0)} ms`,
        );
        if (info.threads !== nThreads) {
          throw new Error(`wllama runs ${info.threads} threads, not ${nThreads}`);
        }
        await flushLogs(false);
        const { prefill, decode } = await timeRounds(page, {
          vocabSize: ctx.n_vocab,
          runs,
          promptTokens,
          decodeAfter,
          decodeTokens,
          seed: 1000 * nThreads,
          log,
        });
        await flushLogs(false);
        results.push({
          threads: nThreads,
          multithread: info.multithread,
          nCtx: ctx.n_ctx,
          nBatch: ctx.n_batch,
          nUbatch: ctx.n_ubatch,
          prefillTokPerS: mapValues(prefill, stats),
          decodeTokPerS: mapValues(decode, stats),
        });
      } catch (e) {
        await flushLogs(true).catch(() => {});
        throw e;
      } finally {
        await page.evaluate(() => globalThis.wllamaBench?.exit()).catch(() => {});
        await page.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return {
    engine: 'wllama',
    wllamaVersion: JSON.parse(readFileSync(join(WLLAMA_DIR, 'package.json'), 'utf8')).version,
    libllama,
    backend: 'cpu (wasm)',
    model: { path: ggufPath, bytes: statSync(ggufPath).size },
    runs,
    decodeTokens,
    note: 'prefillTokPerS and decodeTokPerS are keyed by prompt length (decode follows that prompt)',
    results,
  };
}

/** @typedef {Awaited<ReturnType<typeof runWllamaBench>>} WllamaSummary */
