#!/usr/bin/env node
// A one-off check that the engine's WASM path copes with a 1.2B-shaped model (hidden 2048, ff
// 8192, 32 heads; a 1.2 GB q4 download, like LFM2-1.2B's): writes its q4 file once, then loads it
// from cache in headless Chromium with int8 kernels off, on, and on with the int8 output layer,
// printing load time, prefill / decode (128-token prompt, 16 tokens) and peak memory. One run
// each: a memory and feasibility check, not a benchmark. Needs `npm run bench` to have run once
// (the BENCH=1 build and the 350M tokenizer files).
//   node scripts/bench/bin/large-model.mjs
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { buildRandomGraph, randomWeights, WEIGHT_FORMATS } from '../../fixtures/random-model.mjs';
import { modelConfig } from '../../fixtures/repo-files.mjs';
import { startHubServer } from '../../hub/serve.mjs';
import { BENCH_REPO, LFM2_350M_ARCH, LFM2_350M_VOCAB } from '../arch.mjs';
import { executablePath } from '../browser.mjs';
import { BENCH_MODELS_DIR } from '../make-model.mjs';
import { watchPeakMemory } from '../memory.mjs';
import { startPreview } from '../preview.mjs';

const REPO = 'bench/LFM2-1.2B-random-ONNX';
const ARCH = { ...LFM2_350M_ARCH, hiddenSize: 2048, numHeads: 32, ffDim: 8192 };
const dir = join(BENCH_MODELS_DIR, REPO);

if (!existsSync(join(dir, 'onnx', 'model_q4.onnx'))) {
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  const small = join(BENCH_MODELS_DIR, BENCH_REPO);
  for (const f of [
    'generation_config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    'special_tokens_map.json',
  ])
    copyFileSync(join(small, f), join(dir, f));
  const config = modelConfig({ arch: ARCH, vocabSize: LFM2_350M_VOCAB, family: 'lfm2' });
  writeFileSync(join(dir, 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
  const weights = randomWeights(ARCH, LFM2_350M_VOCAB, 12);
  const graph = buildRandomGraph({
    arch: ARCH,
    vocabSize: LFM2_350M_VOCAB,
    weights,
    format: WEIGHT_FORMATS.q4,
  });
  const { model, data } = graph.encode({ dataFileName: 'model_q4.onnx_data' });
  writeFileSync(join(dir, 'onnx', 'model_q4.onnx_data'), data);
  writeFileSync(join(dir, 'onnx', 'model_q4.onnx'), model);
  console.log(`wrote ${REPO} q4: ${(data.byteLength / 1e9).toFixed(2)} GB`);
}

const hub = await startHubServer({ root: BENCH_MODELS_DIR, port: 0 });
const preview = await startPreview({ build: false });
const profile = mkdtempSync(join(tmpdir(), 'lfm2-large-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath,
  headless: true,
  args: ['--no-sandbox'],
});
/** @type {Array<[string, { int8Kernels: boolean, int8OutputProjection?: boolean }]>} */
const variants = [
  ['download (int8 kernels off)', { int8Kernels: false }],
  ['int8 kernels off', { int8Kernels: false }],
  ['int8 kernels, fp32 output layer', { int8Kernels: true, int8OutputProjection: false }],
  ['int8 kernels, int8 output layer', { int8Kernels: true, int8OutputProjection: true }],
];
try {
  for (const [name, options] of variants) {
    const page = await context.newPage();
    await page.goto(new URL('bench.html', preview.url).href);
    await page.waitForSelector('body[data-ready="true"]');
    const stop = watchPeakMemory(100);
    const loaded = await page.evaluate((o) => globalThis.lfm2Bench.load(o), {
      repo: REPO,
      host: hub.url,
      device: /** @type {const} */ ('wasm'),
      dtype: 'q4',
      threads: 2,
      ...options,
    });
    const out = await page.evaluate(([p, n]) => globalThis.lfm2Bench.generate(p, n), [128, 16]);
    console.log(
      `${name}: load ${(loaded.loadMs / 1000).toFixed(1)} s${loaded.repack ? ` (repack ${(loaded.repack.ms / 1000).toFixed(1)} s)` : ''}, prefill ${out.stats.prefillTokPerSec.toFixed(1)} tok/s, decode ${out.stats.decodeTokPerSec.toFixed(2)} tok/s, peak ${(stop() / 1e9).toFixed(2)} GB`,
    );
    await page.close();
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  preview.stop();
  await hub.close();
}
process.exit(0);
