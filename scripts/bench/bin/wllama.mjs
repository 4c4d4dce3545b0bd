#!/usr/bin/env node
// Benchmarks wllama (llama.cpp in WASM, CPU) on an LFM2 GGUF in headless Chromium, on its own
// (`npm run bench` runs it too, on 2 and 1 threads):
//   node scripts/bench/bin/wllama.mjs [--smoke] [--gguf FILE | --type q4_0|f16|f32]
//       [--runs N] [--threads 1,2] [--decode-after 128[,1024]] [--port N] [--verbose]
// Without --gguf it writes (once) bench-out/wllama/lfm2-350m-random-<type>.gguf with the benchmark
// model's weights, the file `npm run bench` uses for Q4_0; --smoke writes a toy model of the same
// architecture to the temp dir and does one pass. Prints a JSON summary on stdout, progress on
// stderr.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isWeightType } from '../wllama/make-gguf.mjs';
import { LFM2_350M_ARCH, LFM2_350M_VOCAB, SMOKE_ARCH, SMOKE_VOCAB } from '../wllama/presets.mjs';
import { defaultGguf, ensureGguf, runWllamaBench } from '../wllama/run-wllama.mjs';
import { benchModelWeights } from '../wllama/shared-weights.mjs';

async function main() {
  const { values } = parseArgs({
    options: {
      smoke: { type: 'boolean', default: false },
      gguf: { type: 'string' },
      type: { type: 'string', default: 'q4_0' },
      runs: { type: 'string' },
      'decode-after': { type: 'string', default: '128' },
      threads: { type: 'string', default: '1,2' },
      port: { type: 'string', default: '0' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const smoke = values.smoke;
  let ggufPath = values.gguf;
  if (ggufPath === undefined) {
    const matmulType = values.type;
    if (!isWeightType(matmulType))
      throw new Error(`unknown weight type ${matmulType} (q4_0,f16,f32)`);
    ggufPath = ensureGguf(
      smoke
        ? {
            outFile: join(tmpdir(), 'wllama-bench-smoke.gguf'),
            arch: SMOKE_ARCH,
            vocabSize: SMOKE_VOCAB,
            matmulType,
            force: true,
          }
        : {
            outFile: defaultGguf(matmulType),
            arch: LFM2_350M_ARCH,
            vocabSize: LFM2_350M_VOCAB,
            matmulType,
            weights: benchModelWeights(),
          },
    );
  }
  const summary = await runWllamaBench({
    ggufPath,
    port: Number(values.port),
    threads: values.threads.split(',').map(Number),
    runs: Number(values.runs ?? (smoke ? 1 : 5)),
    decodeAfter: values['decode-after'].split(',').map(Number),
    verbose: values.verbose,
  });
  console.log(JSON.stringify(summary, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
