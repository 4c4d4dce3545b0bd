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
  optimizeDeps: { exclude: ['onnxruntime-web', '@huggingface/transformers'] },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
    // The benchmark harness page ships only in benchmark builds (BENCH=1 npm run bench).
    rollupOptions: process.env.BENCH
      ? { input: { main: 'index.html', bench: 'bench.html', bare: 'bench-bare.html' } }
      : {},
  },
});
