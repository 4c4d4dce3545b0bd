#!/usr/bin/env node
// The app-overhead A/B: the app's engine and a bare Transformers.js loop on the same q8 file,
// interleaved (app, bare, app, bare) so machine drift hits both alike; 128-token prompt, 128
// decoded tokens, a warm-up reply before each block. Run after `npm run bench` has built
// bench-out/ (the model and the BENCH=1 build): node scripts/bench/bin/overhead-ab.mjs
import { startHubServer } from '../../hub/serve.mjs';
import { runAppBench, runBareBench } from '../browser.mjs';
import { BENCH_MODELS_DIR } from '../make-model.mjs';
import { startPreview } from '../preview.mjs';

const hub = await startHubServer({ root: BENCH_MODELS_DIR, port: 0 });
const preview = await startPreview({ build: false });
const appUrl = preview.url;
const prompts = [{ promptTokens: 128, newTokens: 128 }];
for (let round = 0; round < 2; round++) {
  const a = await runAppBench({
    appUrl,
    hubUrl: hub.url,
    dtype: 'q8',
    threads: 2,
    runs: 4,
    variant: 'q8',
    int8Kernels: false,
    prompts,
    log: () => {},
  });
  const b = await runBareBench({
    appUrl,
    hubUrl: hub.url,
    dtype: 'q8',
    threads: 2,
    runs: 4,
    prompts,
    log: () => {},
  });
  console.log(
    'round',
    round,
    'app',
    JSON.stringify(a[0].decodeTokPerSec),
    'bare',
    JSON.stringify(b[0].decodeTokPerSec),
  );
}
preview.stop();
await hub.close();
process.exit(0);
