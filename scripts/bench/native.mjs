// The native reference: the same ONNX file in onnxruntime-node (CPU) with a minimal greedy loop.
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { DTYPE_FILES } from '../fixtures/repo-files.mjs';
import { PROMPTS } from './prompts.mjs';
import { summarize } from './stats.mjs';

/** @typedef {import('../fixtures/repo-files.mjs').Dtype} Dtype */
/** @typedef {Record<string, ort.Tensor>} Feeds */

/**
 * Zero-length conv and KV caches for a first forward pass, shaped from the session's inputs.
 * @param {ort.InferenceSession} session
 * @returns {Feeds}
 */
export function emptyCache(session, batch = 1) {
  /** @type {Feeds} */
  const feeds = {};
  for (const name of session.inputNames) {
    if (!name.startsWith('past_')) continue;
    const meta = session.inputMetadata.find((m) => m.name === name);
    if (!meta?.isTensor) throw new Error(`${name}: no tensor metadata`);
    const dims = meta.shape.map((d) =>
      typeof d === 'number' ? d : d === 'batch_size' ? batch : 0,
    );
    feeds[name] = new ort.Tensor(
      'float32',
      new Float32Array(dims.reduce((a, b) => a * b, 1)),
      dims,
    );
  }
  return feeds;
}

/**
 * The float32 values of `tensor` (logits).
 * @param {ort.Tensor} tensor
 */
export function float32Data(tensor) {
  if (tensor.type !== 'float32') throw new Error(`expected float32 values, got ${tensor.type}`);
  return /** @type {Float32Array} */ (tensor.data);
}

/**
 * @param {number[]} values
 * @param {number[]} dims
 */
const int64 = (values, dims) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), dims);

/** @param {ort.Tensor} logits */
function argmaxLast(logits) {
  const [, seq, vocab] = logits.dims;
  const data = float32Data(logits);
  let best = 0;
  let bestValue = -Infinity;
  for (let i = 0, off = (seq - 1) * vocab; i < vocab; i++) {
    if (data[off + i] > bestValue) {
      bestValue = data[off + i];
      best = i;
    }
  }
  return best;
}

/**
 * One prefill of `promptTokens` ids, then `decodeTokens` greedy steps (EOS ignored).
 * @param {ort.InferenceSession} session
 * @param {number} promptTokens
 * @param {number} decodeTokens
 */
async function runOnce(session, promptTokens, decodeTokens) {
  const prompt = Array.from({ length: promptTokens }, (_, i) => 20 + (i % 1500));
  let past = emptyCache(session);
  let total = prompt.length;
  /**
   * @param {number[]} ids
   * @param {number} startPos
   */
  const step = async (ids, startPos) => {
    const out = await session.run({
      input_ids: int64(ids, [1, ids.length]),
      attention_mask: int64(new Array(total).fill(1), [1, total]),
      position_ids: int64(
        ids.map((_, i) => startPos + i),
        [1, ids.length],
      ),
      ...past,
    });
    past = {};
    for (const [name, value] of Object.entries(out)) {
      if (name.startsWith('present_conv.'))
        past[name.replace('present_conv.', 'past_conv.')] = value;
      else if (name.startsWith('present.'))
        past[name.replace('present.', 'past_key_values.')] = value;
    }
    return argmaxLast(out.logits);
  };
  const t0 = performance.now();
  let next = await step(prompt, 0);
  const t1 = performance.now();
  for (let i = 1; i < decodeTokens; i++) {
    total++;
    next = await step([next], total - 1);
  }
  const t2 = performance.now();
  return {
    ttftMs: t1 - t0,
    prefillTokPerSec: (promptTokens / (t1 - t0)) * 1000,
    decodeTokPerSec: ((decodeTokens - 1) / (t2 - t1)) * 1000,
  };
}

/**
 * Times each dtype file in onnxruntime-node over PROMPTS, after one warm-up reply.
 * @param {{
 *   repoDir: string,
 *   dtypes: Dtype[],
 *   threads?: number,
 *   runs?: number,
 *   log?: (line: string) => void,
 * }} options
 * @returns {Promise<import('./report.mjs').BenchRow[]>}
 */
export async function runNativeBench({
  repoDir,
  dtypes,
  threads = 2,
  runs = 5,
  log = console.log,
}) {
  const results = [];
  for (const dtype of dtypes) {
    const file = join(repoDir, 'onnx', `${DTYPE_FILES[dtype]}.onnx`);
    const t0 = performance.now();
    const session = await ort.InferenceSession.create(file, {
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    const loadMs = performance.now() - t0;
    await runOnce(session, 16, 4); // warm-up
    for (const { promptTokens, newTokens } of PROMPTS) {
      const samples = [];
      for (let r = 0; r < runs; r++) samples.push(await runOnce(session, promptTokens, newTokens));
      const row = {
        runtime: 'onnxruntime-node (native CPU)',
        variant: `${dtype} (file as is)`,
        dtype,
        threads,
        promptTokens,
        loadMs,
        ttftMs: summarize(samples.map((s) => s.ttftMs)),
        prefillTokPerSec: summarize(samples.map((s) => s.prefillTokPerSec)),
        decodeTokPerSec:
          newTokens > 1 ? summarize(samples.map((s) => s.decodeTokPerSec)) : undefined,
      };
      log(
        `native ${dtype} ${threads}t prompt ${promptTokens}: prefill ${row.prefillTokPerSec.median.toFixed(0)} tok/s${row.decodeTokPerSec ? `, decode ${row.decodeTokPerSec.median.toFixed(1)} tok/s` : ''}`,
      );
      results.push(row);
    }
    await session.release();
  }
  return results;
}
