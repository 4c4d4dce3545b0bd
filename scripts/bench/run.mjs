#!/usr/bin/env node
// npm run bench: builds the benchmark model once, then measures the app's engine, a bare
// Transformers.js loop and native onnxruntime-node on it (and wllama when its runner is present),
// and writes bench-out/results.json and bench-out/results.md.
//   --dtypes q8,fp32,q4   --runs 5   --skip native,app,bare
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { startHubServer } from '../hub/serve.mjs';
import { runAppBench, runBareBench } from './browser.mjs';
import { BENCH_MODELS_DIR, makeBenchModel } from './make-model.mjs';
import { runNativeBench } from './native.mjs';
import { renderMarkdown } from './report.mjs';

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const dtypes = arg('dtypes', 'q8,fp32,q4').split(',');
const runs = Number(arg('runs', '5'));
const skip = new Set(arg('skip', '').split(',').filter(Boolean));
const OUT = resolve('bench-out');
const PORT = 4199;

async function startPreview() {
  execFileSync('npx', ['vite', 'build', '--outDir', 'bench-out/dist', '--emptyOutDir'], {
    env: { ...process.env, BENCH: '1' },
    stdio: 'inherit',
  });
  const child = spawn(
    'npx',
    [
      'vite',
      'preview',
      '--outDir',
      'bench-out/dist',
      '--host',
      '127.0.0.1',
      '--port',
      String(PORT),
      '--strictPort',
    ],
    { stdio: 'ignore', detached: true },
  );
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/bench.html`)).ok) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url: `http://127.0.0.1:${PORT}/`, stop: () => process.kill(-child.pid) };
}

const started = new Date().toISOString();
mkdirSync(OUT, { recursive: true });
const repoDir = makeBenchModel({ dtypes });
const results = [];

if (!skip.has('native'))
  results.push(...(await runNativeBench({ repoDir, dtypes, threads: 2, runs })));

if (!skip.has('app') || !skip.has('bare')) {
  const hub = await startHubServer({ root: BENCH_MODELS_DIR, port: 0 });
  const app = await startPreview();
  try {
    for (const dtype of dtypes) {
      if (!skip.has('app'))
        for (const threads of [1, 2])
          results.push(
            ...(await runAppBench({ appUrl: app.url, hubUrl: hub.url, dtype, threads, runs })),
          );
      if (!skip.has('bare'))
        results.push(
          ...(await runBareBench({ appUrl: app.url, hubUrl: hub.url, dtype, threads: 2, runs })),
        );
    }
  } finally {
    app.stop();
    await hub.close();
  }
}

const machine = {
  cpu: os.cpus()[0]?.model,
  cores: os.cpus().length,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.platform()} ${os.arch()}`,
};
const report = { started, finished: new Date().toISOString(), machine, runs, results };
writeFileSync(join(OUT, 'results.json'), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(join(OUT, 'results.md'), renderMarkdown(report));
console.log(renderMarkdown(report));
