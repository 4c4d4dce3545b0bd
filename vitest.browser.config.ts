import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { playwright } from '@vitest/browser-playwright';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { hubFixturesPlugin } from './scripts/vite/hub-fixtures.ts';
import { ortVersion, ortWasmPlugin } from './scripts/vite/ort-wasm.ts';

/**
 * Real-browser tests (`*.browser.test.ts`) of the worker, TextModel and the tool sandbox, run by
 * Vitest's browser mode in headless Chromium against the tiny fixtures (`npm run fixtures`).
 * The dev server is set up like vite.config.ts: same ORT wasm and fixture host, same headers.
 *
 * Chromium: the system one (Debian's `chromium`) when present, else Playwright's own browser on
 * machines that can download it. CHROMIUM_PATH overrides both (as in playwright.config.ts).
 */
const systemChromium = ['/usr/bin/chromium', '/usr/lib/chromium/chromium'].find((p) =>
  existsSync(p),
);
const executablePath = process.env.CHROMIUM_PATH ?? systemChromium;

// Cross-origin isolation lets ONNX Runtime use SharedArrayBuffer, i.e. more than one WASM thread.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** A vision repo id for the tests; only its config exists (see testServerPlugin). */
const TEST_VISION_REPO = 'test-org/LFM2-VL-tiny-ONNX';

/**
 * Two test-only routes:
 * - `/test-hub/`: a model host in the hub's layout holding one LFM2-VL repo's config (the fixtures
 *   have no vision model): enough for the engine to recognise a vision repo and refuse it. Anything
 *   else there is a 404, as on the hub.
 * - `/test-beacon/hit/{key}` and `/test-beacon/seen/{key}`: code in the tool sandbox (an opaque
 *   origin that shares nothing with the test page) calls the first, the test polls the second, so
 *   a test can wait until sandboxed code really runs.
 */
function testServerPlugin(): Plugin {
  const visionConfig = JSON.stringify({
    model_type: 'lfm2_vl',
    architectures: ['Lfm2VlForConditionalGeneration'],
    text_config: { model_type: 'lfm2', hidden_size: 64, num_hidden_layers: 2 },
    vision_config: { model_type: 'siglip2_vision_model' },
  });
  const beacons = new Set<string>();
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, {
      'Content-Type': 'application/json; charset=utf-8',
      'Access-Control-Allow-Origin': '*',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    });
    res.end(JSON.stringify(body));
  };
  return {
    name: 'lfm2-test:server',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const path = req.url?.split('?')[0] ?? '';
        if (path.startsWith('/test-hub/')) {
          const found =
            path.startsWith(`/test-hub/${TEST_VISION_REPO}/resolve/`) &&
            path.endsWith('/config.json');
          if (found) {
            res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
            res.end(visionConfig);
          } else json(res, 404, { error: 'Entry not found' });
          return;
        }
        const beacon = /^\/test-beacon\/(hit|seen)\/([\w-]{1,64})$/.exec(path);
        if (!beacon) return next();
        if (beacon[1] === 'hit') beacons.add(beacon[2]);
        json(res, 200, { seen: beacons.has(beacon[2]) });
      });
    },
  };
}

export default defineConfig({
  plugins: [ortWasmPlugin(), hubFixturesPlugin(), testServerPlugin()],
  define: {
    __ORT_VERSION__: JSON.stringify(ortVersion()),
  },
  server: { headers: isolationHeaders },
  worker: { format: 'es' },
  optimizeDeps: {
    exclude: ['onnxruntime-web', '@huggingface/transformers'],
    // Vitest crawls the test files for dependencies to pre-bundle; the worker is only reached
    // through `new Worker(new URL(...))`, so crawl it too (else Vite reloads mid-run).
    entries: ['src/engine/worker.ts'],
  },
  test: {
    include: ['src/**/*.browser.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // One file at a time: each loads ONNX Runtime with 2 threads, on a 2-core machine.
    fileParallelism: false,
    browser: {
      enabled: true,
      headless: true,
      screenshotFailures: false,
      provider: playwright({
        launchOptions: {
          executablePath,
          args: [
            '--no-sandbox',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            '--disable-quic',
          ],
        },
      }),
      instances: [{ browser: 'chromium' }],
    },
  },
});
