import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/**
 * Serves ONNX Runtime Web's wasm runtime from the app itself (never a CDN), in the exact version
 * that Transformers.js bundles: the worker points `env.backends.onnx.wasm.wasmPaths` at `/ort/`.
 * `onnxruntime-web/webgpu` (what transformers.web.js imports) loads the asyncify build.
 */
export const ORT_FILES = [
  'ort-wasm-simd-threaded.asyncify.mjs',
  'ort-wasm-simd-threaded.asyncify.wasm',
] as const;

function ortDistDir(): string {
  const require = createRequire(import.meta.url);
  // Start from transformers' own folder so a nested copy of onnxruntime-web (if npm ever stops
  // hoisting it) is still the one that matches; Node's lookup walks up to the hoisted one.
  const transformersEntry = require.resolve('@huggingface/transformers');
  const ortEntry = createRequire(transformersEntry).resolve('onnxruntime-web');
  let dir = dirname(ortEntry);
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return join(dir, 'dist');
}

export function ortVersion(): string {
  const pkg = JSON.parse(readFileSync(join(ortDistDir(), '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export function ortWasmPlugin(): Plugin {
  const dir = ortDistDir();
  return {
    name: 'lfm2:ort-wasm',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = req.url?.split('?')[0].replace(/^\/ort\//, '');
        if (
          !req.url?.startsWith('/ort/') ||
          !ORT_FILES.includes(name as (typeof ORT_FILES)[number])
        ) {
          next();
          return;
        }
        res.setHeader(
          'Content-Type',
          name!.endsWith('.wasm') ? 'application/wasm' : 'text/javascript; charset=utf-8',
        );
        createReadStream(join(dir, name!)).pipe(res);
      });
    },
    generateBundle() {
      for (const file of ORT_FILES) {
        this.emitFile({
          type: 'asset',
          fileName: `ort/${file}`,
          source: readFileSync(join(dir, file)),
        });
      }
    },
  };
}
