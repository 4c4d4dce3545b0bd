// Writes, once, a model with the exact LFM2-350M architecture and random weights in the published
// export's layout (every dtype file with its .onnx_data), reusing the fixture generator's graph
// builder. Skips dtype files that already exist (delete bench-out/ to rebuild).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LFM2_CHAT_TEMPLATE } from '../fixtures/chat-templates.mjs';
import { buildRandomGraph, randomWeights, WEIGHT_FORMATS } from '../fixtures/random-model.mjs';
import {
  DTYPE_FILES,
  DTYPES,
  generationConfig,
  modelConfig,
  specialTokensMap,
  tokenizerConfig,
} from '../fixtures/repo-files.mjs';
import { buildTokenizerJson } from '../fixtures/tokenizer.mjs';
import { BENCH_REPO, BENCH_SEED, LFM2_350M_ARCH, LFM2_350M_VOCAB } from './arch.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
/**
 * The fixtures' q8 is constant-folded to float; the benchmark needs the real int8 kernels.
 * @type {typeof WEIGHT_FORMATS}
 */
const BENCH_FORMATS = { ...WEIGHT_FORMATS, q8: { linear: 'int8-dynamic', embed: 'fp32' } };
export const BENCH_MODELS_DIR = resolve(HERE, '../../bench-out/models');
/** @param {unknown} v */
const json = (v) => `${JSON.stringify(v, null, 2)}\n`;

/**
 * Returns the repo folder; `dtypes` limits which dtype files are written.
 * @param {{
 *   dtypes?: import('../fixtures/repo-files.mjs').Dtype[],
 *   log?: (line: string) => void,
 * }} [options]
 */
export function makeBenchModel({ dtypes = DTYPES, log = console.log } = {}) {
  const repoDir = join(BENCH_MODELS_DIR, BENCH_REPO);
  const missing = dtypes.filter(
    (d) => !existsSync(join(repoDir, 'onnx', `${DTYPE_FILES[d]}.onnx`)),
  );
  mkdirSync(join(repoDir, 'onnx'), { recursive: true });
  // The tokenizer is the fixtures' small byte-level BPE: its ids are a subset of the 65,536-row
  // embedding, which is all a random-weight benchmark needs.
  const tokenizerJson = buildTokenizerJson();
  const arch = LFM2_350M_ARCH;
  const text = {
    'config.json': json(modelConfig({ arch, vocabSize: LFM2_350M_VOCAB, family: 'lfm2' })),
    'generation_config.json': json(generationConfig('lfm2')),
    'tokenizer.json': JSON.stringify(tokenizerJson),
    'tokenizer_config.json': json(
      tokenizerConfig({
        tokenizerJson,
        chatTemplate: LFM2_CHAT_TEMPLATE,
        maxLength: arch.maxPositions,
      }),
    ),
    'special_tokens_map.json': json(specialTokensMap()),
  };
  for (const [file, content] of Object.entries(text)) writeFileSync(join(repoDir, file), content);
  if (missing.length === 0) return repoDir;

  const t0 = performance.now();
  const weights = randomWeights(arch, LFM2_350M_VOCAB, BENCH_SEED);
  log(`random weights: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  for (const dtype of missing) {
    const t = performance.now();
    const base = DTYPE_FILES[dtype];
    const graph = buildRandomGraph({
      arch,
      vocabSize: LFM2_350M_VOCAB,
      weights,
      format: BENCH_FORMATS[dtype],
    });
    const { model, data } = graph.encode({ dataFileName: `${base}.onnx_data` });
    writeFileSync(join(repoDir, 'onnx', `${base}.onnx_data`), data);
    writeFileSync(join(repoDir, 'onnx', `${base}.onnx`), model);
    log(
      `${dtype}: ${(data.byteLength / 1e6).toFixed(0)} MB in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
  }
  return repoDir;
}
