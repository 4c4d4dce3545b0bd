#!/usr/bin/env node
// npm run bench: builds the benchmark model once, then measures native onnxruntime-node, the app's
// engine in its worker, a bare Transformers.js loop and wllama on it, checks output agreement
// against fp32, and writes bench-out/results.json, bench-out/results.md and BENCHMARKS.md.
//   --runs 5   --skip native,agreement,app,webgpu,bare,wllama   --quick (1 run, fewer variants)
//   --webgpu-minutes N (time limit of the WebGPU run; 4 on a software adapter)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import * as prettier from 'prettier';
import { startHubServer } from '../../hub/serve.mjs';
import { runAgreement } from '../agreement.mjs';
import { LFM2_350M_ARCH, LFM2_350M_VOCAB } from '../arch.mjs';
import { probeWebGpu, runAppBench, runBareBench } from '../browser.mjs';
import { BENCH_MODELS_DIR, makeBenchModel } from '../make-model.mjs';
import { runNativeBench } from '../native.mjs';
import { startPreview } from '../preview.mjs';
import { renderMarkdown } from '../report.mjs';
import { defaultGguf, ensureGguf, runWllamaBench } from '../wllama/run-wllama.mjs';
import { benchModelWeights } from '../wllama/shared-weights.mjs';

/**
 * @param {string} name
 * @param {string} fallback
 */
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const quick = process.argv.includes('--quick');
const runs = Number(arg('runs', quick ? '1' : '5'));
const skip = new Set(arg('skip', '').split(',').filter(Boolean));
const OUT = resolve('bench-out');

/** What the app runs, one row group each. The first is the engine's WASM default. */
const APP_VARIANTS = [
  { variant: 'q4 → int8 (engine default)', dtype: 'q4', int8Kernels: true, threads: [2, 1] },
  {
    variant: 'q4 → int8 + int8 output layer',
    dtype: 'q4',
    int8Kernels: true,
    int8OutputProjection: true,
    threads: [2],
  },
  { variant: 'q8 (file as is)', dtype: 'q8', int8Kernels: false, threads: [2] },
  { variant: 'q4 (MatMulNBits, file as is)', dtype: 'q4', int8Kernels: false, threads: [2] },
];

const started = new Date().toISOString();
mkdirSync(OUT, { recursive: true });
// Every dtype file the published repos ship; fp16 and q4f16 are for WebGPU and not timed here.
const repoDir = makeBenchModel();
/** @type {import('../report.mjs').Report['results']} */
const results = [];
/** @type {import('../report.mjs').Report['agreement']} */
let agreement = [];
/** @type {import('../report.mjs').Report['webgpu']} */
let webgpu = null;

if (!skip.has('native'))
  results.push(
    ...(await runNativeBench({ repoDir, dtypes: ['q8', 'q4', 'fp32'], threads: 2, runs })),
  );
if (!skip.has('agreement')) agreement = await runAgreement({ repoDir });

if (['app', 'webgpu', 'bare'].some((stage) => !skip.has(stage))) {
  const hub = await startHubServer({ root: BENCH_MODELS_DIR, port: 0 });
  const app = await startPreview();
  try {
    if (!skip.has('app'))
      for (const { threads: threadCounts, ...v } of quick ? APP_VARIANTS.slice(0, 1) : APP_VARIANTS)
        for (const threads of quick ? [2] : threadCounts)
          results.push(
            ...(await runAppBench({ appUrl: app.url, hubUrl: hub.url, threads, runs, ...v })),
          );
    if (!skip.has('webgpu')) {
      // A real GPU gets the full measurement; a software adapter (SwiftShader on CI machines) one
      // short run, marked as not comparable.
      webgpu = await probeWebGpu({ appUrl: app.url });
      if (webgpu) {
        const software = webgpu.software;
        const limitMin = Number(arg('webgpu-minutes', software ? '4' : '30'));
        try {
          results.push(
            ...(await runAppBench({
              appUrl: app.url,
              hubUrl: hub.url,
              device: 'webgpu',
              dtype: 'q4',
              variant: `q4${software ? ' (software adapter: not comparable)' : ''}`,
              runtime: `app (worker, WebGPU: ${webgpu.name})`,
              threads: 2,
              runs: software ? 1 : runs,
              prompts: software ? [{ promptTokens: 128, newTokens: 16 }] : undefined,
              timeoutMs: limitMin * 60_000,
            })),
          );
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          webgpu.error = message;
          console.log(`WebGPU run stopped: ${message}`);
        }
      }
    }
    if (!skip.has('bare'))
      results.push(
        ...(await runBareBench({
          appUrl: app.url,
          hubUrl: hub.url,
          dtype: 'q8',
          threads: 2,
          runs,
        })),
      );
  } finally {
    app.stop();
    await hub.close();
  }
}

/** @type {import('../report.mjs').Report['wllama']} */
let wllama = null;
if (!skip.has('wllama')) {
  // The GGUF holds the very same random weights as the ONNX files, as Q4_0.
  const ggufPath = ensureGguf({
    outFile: defaultGguf('q4_0'),
    arch: LFM2_350M_ARCH,
    vocabSize: LFM2_350M_VOCAB,
    matmulType: 'q4_0',
    weights: benchModelWeights(),
    log: console.log,
  });
  wllama = await runWllamaBench({
    ggufPath,
    threads: quick ? [2] : [2, 1],
    runs,
    promptTokens: [128],
    decodeTokens: 128,
    log: console.log,
  });
  for (const r of wllama.results)
    results.push({
      runtime: `wllama ${wllama.wllamaVersion} (llama.cpp WASM)`,
      variant: 'Q4_0 GGUF',
      dtype: 'Q4_0',
      threads: r.threads,
      promptTokens: 128,
      downloadBytes: wllama.model.bytes,
      prefillTokPerSec: r.prefillTokPerS['128'],
      decodeTokPerSec: r.decodeTokPerS['128'],
    });
}

const machine = {
  cpu: os.cpus()[0]?.model,
  cores: os.cpus().length,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.arch()}`,
};
/** @type {import('../report.mjs').Report} */
const report = {
  started,
  finished: new Date().toISOString(),
  command: `npm run bench${process.argv.slice(2).length ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  machine,
  runs,
  results,
  agreement,
  wllama,
  webgpu,
};
const markdown = renderMarkdown(report, { repoDir });
writeFileSync(join(OUT, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(OUT, 'results.md'), markdown);
console.log(markdown);
// A full run (every stage, at least 5 runs) replaces the table in BENCHMARKS.md; the prose
// around the markers is kept.
if (!quick && skip.size === 0 && runs >= 5) {
  const file = resolve('BENCHMARKS.md');
  const [start, end] = ['<!-- results:start -->', '<!-- results:end -->'];
  const text = existsSync(file) ? readFileSync(file, 'utf8') : `${start}\n${end}\n`;
  const [before, rest] = text.split(start);
  const after = rest?.split(end)[1] ?? '\n';
  // Formatted as `npm run lint` expects, so a fresh table never breaks CI.
  const merged = `${before}${start}\n${markdown}${end}${after}`;
  const options = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(file, await prettier.format(merged, { ...options, filepath: file }));
  console.log(`updated ${file}`);
}
// A WebGPU run stopped by its time limit can leave Playwright handles open; the work is done.
process.exit(0);
