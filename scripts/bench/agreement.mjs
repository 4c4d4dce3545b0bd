// Output agreement of every lossy path against the fp32 model, in onnxruntime-node: one
// teacher-forced forward over a fixed 128-token prompt, then per position top-1 agreement and the
// logit error. The engine's load-time repacking (src/lib/onnx-repack) runs here exactly as in the
// worker, from a Node build of the same module.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ort from 'onnxruntime-node';
import { DTYPE_FILES } from '../fixtures/repo-files.mjs';
import { emptyCache, float32Data } from './native.mjs';

const REPACK_BUILD = resolve('bench-out/repack-build');

/**
 * What the agreement check calls of the engine's src/lib/onnx-repack/repack-model.ts.
 * @typedef {{
 *   repackToInt8(
 *     model: Uint8Array,
 *     externalData: Array<{ path: string, data: Uint8Array }>,
 *     options: { quantizeOutputProjection: boolean },
 *   ): { model: Uint8Array, externalData: Array<{ path: string, data: Uint8Array }> },
 * }} RepackModule
 */

/**
 * A Node build of the engine's repacking module.
 * @returns {Promise<RepackModule>}
 */
async function loadRepack() {
  execFileSync(
    'npx',
    [
      'vite',
      'build',
      '--ssr',
      'src/lib/onnx-repack/repack-model.ts',
      '--outDir',
      REPACK_BUILD,
      '--emptyOutDir',
    ],
    { stdio: 'ignore' },
  );
  return import(join(REPACK_BUILD, 'repack-model.js'));
}

const PROMPT = Array.from({ length: 128 }, (_, i) => 20 + ((i * 7919) % 1500));

/**
 * Logits of one teacher-forced pass over PROMPT.
 * @param {string | Uint8Array} model a file path or the model's bytes
 * @param {ort.InferenceSession.SessionOptions} [options]
 */
async function logits(model, options = {}) {
  const session =
    typeof model === 'string'
      ? await ort.InferenceSession.create(model, { intraOpNumThreads: 2, ...options })
      : await ort.InferenceSession.create(model, { intraOpNumThreads: 2, ...options });
  /** @param {number[]} v */
  const int64 = (v) => new ort.Tensor('int64', BigInt64Array.from(v, BigInt), [1, v.length]);
  const feeds = {
    input_ids: int64(PROMPT),
    attention_mask: int64(PROMPT.map(() => 1)),
    position_ids: int64(PROMPT.map((_, i) => i)),
    ...emptyCache(session),
  };
  const out = await session.run(feeds);
  await session.release();
  return out.logits;
}

/**
 * @param {ort.Tensor} reference
 * @param {ort.Tensor} candidate
 */
function compare(reference, candidate) {
  const [, seq, vocab] = reference.dims;
  const ref = float32Data(reference);
  const got = float32Data(candidate);
  let agree = 0;
  let maxError = 0;
  let maxRef = 0;
  let sqError = 0;
  let sqRef = 0;
  for (let p = 0; p < seq; p++) {
    let bestRef = 0;
    let bestGot = 0;
    for (let v = 0, o = p * vocab; v < vocab; v++, o++) {
      if (ref[o] > ref[p * vocab + bestRef]) bestRef = v;
      if (got[o] > got[p * vocab + bestGot]) bestGot = v;
      const e = got[o] - ref[o];
      maxError = Math.max(maxError, Math.abs(e));
      maxRef = Math.max(maxRef, Math.abs(ref[o]));
      sqError += e * e;
      sqRef += ref[o] * ref[o];
    }
    if (bestRef === bestGot) agree++;
  }
  return {
    top1Agreement: agree / seq,
    maxAbsError: maxError,
    relativeMaxError: maxError / maxRef,
    relativeRmsError: Math.sqrt(sqError / sqRef),
  };
}

/** @typedef {ReturnType<typeof compare>} Agreement */
/** @typedef {Agreement & { variant: string, vsQ4File?: Agreement }} AgreementRow */

/**
 * Compares each lossy variant's logits with the fp32 file's.
 * @param {{ repoDir: string, log?: (line: string) => void }} options
 * @returns {Promise<AgreementRow[]>}
 */
export async function runAgreement({ repoDir, log = console.log }) {
  /** @param {import('../fixtures/repo-files.mjs').Dtype} dtype */
  const file = (dtype) => join(repoDir, 'onnx', `${DTYPE_FILES[dtype]}.onnx`);
  const { repackToInt8 } = await loadRepack();
  const reference = await logits(file('fp32'));
  /**
   * The q4 file repacked in memory, as the engine does at load.
   * @param {boolean} quantizeOutputProjection
   * @returns {[Uint8Array, ort.InferenceSession.SessionOptions]}
   */
  const repacked = (quantizeOutputProjection) => {
    const base = DTYPE_FILES.q4;
    const model = readFileSync(file('q4'));
    const data = readFileSync(join(repoDir, 'onnx', `${base}.onnx_data`));
    const out = repackToInt8(
      new Uint8Array(model),
      [
        {
          path: `${base}.onnx_data`,
          data: new Uint8Array(data.buffer, data.byteOffset, data.length),
        },
      ],
      { quantizeOutputProjection },
    );
    return [out.model, { externalData: out.externalData }];
  };
  /** @type {Array<[string, () => [string | Uint8Array, ort.InferenceSession.SessionOptions?]]>} */
  const variants = [
    ['q8 (file as is)', () => [file('q8')]],
    ['q4 (MatMulNBits, file as is)', () => [file('q4')]],
    ['q4 → int8 (engine default)', () => repacked(false)],
    ['q4 → int8 + int8 output layer', () => repacked(true)],
  ];
  // Random weights make the network chaotic (small weight errors grow layer by layer), so the
  // repacked rows are also compared with the 4-bit file they come from.
  const q4Reference = await logits(file('q4'));
  const rows = [];
  for (const [name, make] of variants) {
    const out = await logits(...make());
    /** @type {AgreementRow} */
    const row = { variant: name, ...compare(reference, out) };
    if (name.startsWith('q4 →')) row.vsQ4File = compare(q4Reference, out);
    log(
      `agreement ${name}: top-1 ${(row.top1Agreement * 100).toFixed(1)}%, relative RMS error ${(row.relativeRmsError * 100).toFixed(2)}%`,
    );
    rows.push(row);
  }
  return rows;
}
