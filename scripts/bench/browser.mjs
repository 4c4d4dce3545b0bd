// Runs the app's own engine (bench.html) and a bare Transformers.js loop (bench-bare.html) in
// headless Chromium on the benchmark model, served by the hub-layout host.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { BENCH_REPO } from './arch.mjs';
import { watchPeakMemory } from './memory.mjs';
import { summarize } from './stats.mjs';

const executablePath =
  process.env.CHROMIUM_PATH ??
  ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find((p) => existsSync(p));

async function withPage(appUrl, path, fn) {
  // A disk-backed profile: off-the-record contexts refuse Cache Storage entries over 256 MiB, so
  // "load from cache" would silently mean "download again".
  const profile = mkdtempSync(join(tmpdir(), 'lfm2-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--enable-unsafe-webgpu'],
  });
  const page = await context.newPage();
  try {
    await page.goto(new URL(path, appUrl).href);
    await page.waitForSelector('body[data-ready="true"]');
    return await fn(page);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

function rows(runtime, dtype, threads, samples, extra) {
  return [128, 1024].map((promptTokens) => {
    const s = samples.filter((x) => x.promptTokens === promptTokens);
    return {
      runtime,
      dtype,
      threads,
      promptTokens,
      ...extra,
      ttftMs: summarize(s.map((x) => x.ttftMs)),
      prefillTokPerSec: summarize(s.map((x) => x.prefillTokPerSec)),
      decodeTokPerSec: summarize(s.map((x) => x.decodeTokPerSec)),
      ...(s[0]?.longTaskMax !== undefined
        ? {
            longTasks: Math.max(...s.map((x) => x.longTasks)),
            longTaskMaxMs: Math.max(...s.map((x) => x.longTaskMax)),
          }
        : {}),
    };
  });
}

export async function runAppBench({ appUrl, hubUrl, dtype, threads, runs, log = console.log }) {
  return withPage(appUrl, 'bench.html', async (page) => {
    const stopMemory = watchPeakMemory();
    const load = (device) =>
      page.evaluate((o) => globalThis.lfm2Bench.load(o), {
        repo: BENCH_REPO,
        host: hubUrl,
        device,
        dtype,
        threads,
      });
    await load('wasm'); // download into Cache Storage
    const cached = await load('wasm'); // load from cache: what a returning user waits for
    const samples = [];
    for (const promptTokens of [128, 1024])
      for (let r = 0; r < runs; r++) {
        const out = await page.evaluate(
          ([p, n]) => globalThis.lfm2Bench.generate(p, n),
          [promptTokens, 128],
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
          `app ${dtype} ${threads}t ${promptTokens}: ${out.stats.prefillTokPerSec.toFixed(0)} / ${out.stats.decodeTokPerSec.toFixed(1)} tok/s`,
        );
      }
    const peakBytes = stopMemory();
    return rows('app (worker, WASM)', dtype, threads, samples, {
      loadFromCacheMs: cached.loadMs,
      peakBytes,
    });
  });
}

export async function runBareBench({ appUrl, hubUrl, dtype, threads, runs, log = console.log }) {
  return withPage(appUrl, 'bench-bare.html', async (page) => {
    await page.evaluate(
      ([h, d, t]) => globalThis.bareBench.load('bench/LFM2-350M-random-ONNX', h, d, t),
      [hubUrl, dtype, threads],
    );
    const samples = [];
    for (const promptTokens of [128, 1024])
      for (let r = 0; r < runs; r++) {
        const out = await page.evaluate(
          ([p, n]) => globalThis.bareBench.generate(p, n),
          [promptTokens, 128],
        );
        samples.push({ promptTokens, ...out });
        log(
          `bare ${dtype} ${threads}t ${promptTokens}: ${out.prefillTokPerSec.toFixed(0)} / ${out.decodeTokPerSec.toFixed(1)} tok/s`,
        );
      }
    return rows('bare Transformers.js (WASM)', dtype, threads, samples, {});
  });
}
