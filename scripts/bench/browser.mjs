// Runs the app's own engine (bench.html) and a bare Transformers.js loop (bench-bare.html) in
// headless Chromium on the benchmark model, served by the hub-layout host.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { BENCH_REPO } from './arch.mjs';
import { watchPeakMemory } from './memory.mjs';
import { PROMPTS } from './prompts.mjs';
import { summarize } from './stats.mjs';

/** @typedef {import('@playwright/test').BrowserContext} BrowserContext */
/** @typedef {import('./report.mjs').BenchRow} BenchRow */
/** @typedef {{ promptTokens: number, newTokens: number }} PromptSpec */
/** @typedef {{ name: string, software: boolean }} WebGpuAdapter */

/** CHROMIUM_PATH, else the system Chromium; undefined lets Playwright use its own. */
export const executablePath =
  process.env.CHROMIUM_PATH ??
  ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find((p) => existsSync(p));

/**
 * Opens `path` of the app and waits until its page script is ready.
 * @param {BrowserContext} context
 * @param {string} appUrl
 * @param {string} path
 */
async function openPage(context, appUrl, path) {
  const page = await context.newPage();
  await page.goto(new URL(path, appUrl).href);
  await page.waitForSelector('body[data-ready="true"]');
  return page;
}

/**
 * A disk-backed profile (off-the-record contexts refuse Cache Storage entries over 256 MiB, so
 * "load from cache" would silently mean "download again"). `fn` gets the browser context.
 * @template T
 * @param {(context: BrowserContext) => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function withContext(fn) {
  const profile = mkdtempSync(join(tmpdir(), 'lfm2-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--enable-unsafe-webgpu'],
  });
  try {
    return await fn(context);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

/**
 * One row per prompt length, with the samples' spreads.
 * @param {Pick<BenchRow, 'runtime' | 'variant' | 'dtype' | 'threads'>} base
 * @param {Array<{
 *   promptTokens: number,
 *   ttftMs: number,
 *   prefillTokPerSec: number,
 *   decodeTokPerSec: number,
 *   longTasks?: number,
 *   longTaskMax?: number,
 * }>} samples
 * @param {PromptSpec[]} prompts
 * @param {Partial<BenchRow>} extra
 * @returns {BenchRow[]}
 */
function rows(base, samples, prompts, extra) {
  return prompts.map(({ promptTokens, newTokens }) => {
    const s = samples.filter((x) => x.promptTokens === promptTokens);
    return {
      ...base,
      promptTokens,
      ...extra,
      ttftMs: summarize(s.map((x) => x.ttftMs)),
      prefillTokPerSec: summarize(s.map((x) => x.prefillTokPerSec)),
      decodeTokPerSec: newTokens > 1 ? summarize(s.map((x) => x.decodeTokPerSec)) : undefined,
      ...(s[0]?.longTaskMax !== undefined
        ? {
            longTasks: Math.max(...s.map((x) => x.longTasks ?? 0)),
            longTaskMaxMs: Math.max(...s.map((x) => x.longTaskMax ?? 0)),
          }
        : {}),
    };
  });
}

/**
 * The app's engine in its worker. `variant` names the row; `int8Kernels` and
 * `int8OutputProjection` are the engine's load options. Downloads once in a first page, then
 * measures a fresh page (a fresh worker and WASM heap) loading from cache and generating.
 * @param {{
 *   appUrl: string,
 *   hubUrl: string,
 *   dtype: string,
 *   threads: number,
 *   runs: number,
 *   variant: string,
 *   int8Kernels?: boolean,
 *   int8OutputProjection?: boolean,
 *   device?: 'wasm' | 'webgpu',
 *   prompts?: PromptSpec[],
 *   runtime?: string,
 *   timeoutMs?: number,
 *   log?: (line: string) => void,
 * }} options
 * @returns {Promise<BenchRow[]>}
 */
export async function runAppBench({
  appUrl,
  hubUrl,
  dtype,
  threads,
  runs,
  variant,
  int8Kernels,
  int8OutputProjection = false,
  device = 'wasm',
  prompts = PROMPTS,
  runtime = 'app (worker, WASM)',
  timeoutMs = Infinity,
  log = console.log,
}) {
  // Closing the context (withContext's finally) aborts whatever the page was still doing.
  const deadline = Date.now() + timeoutMs;
  /**
   * @template T
   * @param {Promise<T>} promise
   * @returns {Promise<T>}
   */
  const inTime = (promise) =>
    Number.isFinite(timeoutMs)
      ? Promise.race([
          promise,
          /** @type {Promise<never>} */ (
            new Promise((_, reject) =>
              setTimeout(
                () => reject(new Error(`timed out after ${Math.round(timeoutMs / 1000)} s`)),
                Math.max(0, deadline - Date.now()),
              ).unref(),
            )
          ),
        ])
      : promise;
  return withContext(async (context) => {
    /** @param {import('@playwright/test').Page} page */
    const load = (page) =>
      inTime(
        page.evaluate((o) => globalThis.lfm2Bench.load(o), {
          repo: BENCH_REPO,
          host: hubUrl,
          device,
          dtype,
          threads,
          int8Kernels,
          int8OutputProjection,
        }),
      );
    const first = await openPage(context, appUrl, 'bench.html');
    await load(first); // download into Cache Storage
    await first.close();

    const stopMemory = watchPeakMemory();
    const page = await openPage(context, appUrl, 'bench.html');
    const cached = await load(page); // what a returning user waits for
    // One untimed reply first, as the native loop does: the first run pays one-time costs
    // (kernel warm-up, the WASM heap growing) that a chat pays once per session.
    await inTime(page.evaluate(([p, n]) => globalThis.lfm2Bench.generate(p, n), [16, 4]));
    /** @type {Parameters<typeof rows>[1]} */
    const samples = [];
    for (const { promptTokens, newTokens } of prompts)
      for (let r = 0; r < runs; r++) {
        const out = await inTime(
          page.evaluate(([p, n]) => globalThis.lfm2Bench.generate(p, n), [promptTokens, newTokens]),
        );
        samples.push({
          promptTokens,
          ttftMs: out.stats.ttftMs,
          prefillTokPerSec: out.stats.prefillTokPerSec,
          decodeTokPerSec: out.stats.decodeTokPerSec,
          longTasks: out.longTasks.length,
          longTaskMax: Math.max(0, ...out.longTasks),
        });
        log(
          `app ${variant} ${threads}t ${promptTokens}: ${out.stats.prefillTokPerSec.toFixed(0)} / ${out.stats.decodeTokPerSec.toFixed(1)} tok/s`,
        );
      }
    const peakBytes = stopMemory();
    return rows({ runtime, variant, dtype, threads }, samples, prompts, {
      loadFromCacheMs: cached.loadMs,
      repackMs: cached.repack?.ms,
      peakBytes,
    });
  });
}

/**
 * A bare Transformers.js generate loop on one dtype file, in a worker of bench-bare.html.
 * @param {{
 *   appUrl: string,
 *   hubUrl: string,
 *   dtype: string,
 *   threads: number,
 *   runs: number,
 *   prompts?: PromptSpec[],
 *   log?: (line: string) => void,
 * }} options
 * @returns {Promise<BenchRow[]>}
 */
export async function runBareBench({
  appUrl,
  hubUrl,
  dtype,
  threads,
  runs,
  prompts = PROMPTS,
  log = console.log,
}) {
  return withContext(async (context) => {
    const page = await openPage(context, appUrl, 'bench-bare.html');
    await page.evaluate(
      ([repo, h, d, t]) => globalThis.bareBench.load(repo, h, d, t),
      /** @type {[string, string, string, number]} */ ([BENCH_REPO, hubUrl, dtype, threads]),
    );
    await page.evaluate(([p, n]) => globalThis.bareBench.generate(p, n), [16, 4]);
    /** @type {Parameters<typeof rows>[1]} */
    const samples = [];
    for (const { promptTokens, newTokens } of prompts)
      for (let r = 0; r < runs; r++) {
        const out = await page.evaluate(
          ([p, n]) => globalThis.bareBench.generate(p, n),
          [promptTokens, newTokens],
        );
        samples.push({ promptTokens, ...out });
        log(
          `bare ${dtype} ${threads}t ${promptTokens}: ${out.prefillTokPerSec.toFixed(0)} / ${out.decodeTokPerSec.toFixed(1)} tok/s`,
        );
      }
    return rows(
      { runtime: 'bare Transformers.js (WASM)', variant: `${dtype} (file as is)`, dtype, threads },
      samples,
      prompts,
      {},
    );
  });
}

/**
 * The WebGPU adapter the bench page sees: null without WebGPU.
 * @param {{ appUrl: string }} options
 * @returns {Promise<WebGpuAdapter | null>}
 */
export async function probeWebGpu({ appUrl }) {
  return withContext(async (context) => {
    const page = await openPage(context, appUrl, 'bench.html');
    const caps = await page.evaluate(() => globalThis.lfm2Bench.capabilities());
    return caps.webgpu ? { name: caps.adapterName, software: caps.fallbackAdapter } : null;
  });
}
