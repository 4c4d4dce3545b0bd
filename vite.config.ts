import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { hubFixturesPlugin } from './scripts/vite/hub-fixtures.ts';
import { ortVersion, ortWasmPlugin } from './scripts/vite/ort-wasm.ts';

// Cross-origin isolation lets ONNX Runtime use SharedArrayBuffer, i.e. more than one WASM thread.
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [react(), ortWasmPlugin(), hubFixturesPlugin()],
  define: {
    __ORT_VERSION__: JSON.stringify(ortVersion()),
  },
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es' },
  optimizeDeps: {
    exclude: ['onnxruntime-web', '@huggingface/transformers'],
    // Crawl the worker too: otherwise its dependencies are found on the first Load, Vite
    // re-optimises and reloads the page, and a newcomer's first click is lost.
    entries: ['index.html', 'src/engine/worker.ts'],
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    // The benchmark harness page ships only in benchmark builds (BENCH=1 npm run bench).
    rollupOptions: process.env.BENCH
      ? { input: { main: 'index.html', bench: 'bench.html', bare: 'bench-bare.html' } }
      : {},
  },
});
