// The benchmark's ONNX weights (scripts/fixtures/random-model.mjs randomWeights) by GGUF tensor
// name, in the layout writeLfm2Gguf expects (see random-weights.mjs), so wllama runs the very same
// random model as the ONNX files.
import { randomWeights } from '../../fixtures/random-model.mjs';
import { BENCH_SEED, LFM2_350M_ARCH, LFM2_350M_VOCAB } from '../arch.mjs';
import { transposed } from './random-weights.mjs';

/** @typedef {import('../../fixtures/random-model.mjs').Matrix} Matrix */

/**
 * @param {import('../../fixtures/random-model.mjs').Lfm2Weights} weights
 * @returns {(name: string) => Float32Array}
 */
export function sharedWeights(weights) {
  /** @param {Matrix} m */
  const linear = (m) => transposed(m.data, m.K, m.N); // ONNX MatMul [in, out] -> [out, in]
  return (name) => {
    if (name === 'token_embd.weight') return weights.embed;
    if (name === 'token_embd_norm.weight') return weights.finalNorm;
    const match = /^blk\.(\d+)\.(.+)\.weight$/.exec(name);
    if (!match) throw new Error(`no benchmark weight for ${name}`);
    const layer = weights.layers[Number(match[1])];
    /** @type {Record<string, () => Float32Array>} */
    const byName = {
      attn_norm: () => layer.operatorNorm,
      ffn_norm: () => layer.ffnNorm,
      ffn_gate: () => linear(layer.w1),
      ffn_up: () => linear(layer.w3),
      ffn_down: () => linear(layer.w2),
    };
    if (layer.type === 'conv') {
      const op = layer.operator;
      Object.assign(byName, {
        'shortconv.in_proj': () => linear(op.inProj),
        'shortconv.conv': () => op.conv,
        'shortconv.out_proj': () => linear(op.outProj),
      });
    } else {
      const op = layer.operator;
      Object.assign(byName, {
        attn_q: () => linear(op.q),
        attn_k: () => linear(op.k),
        attn_v: () => linear(op.v),
        attn_output: () => linear(op.o),
        attn_q_norm: () => op.qNorm,
        attn_k_norm: () => op.kNorm,
      });
    }
    const get = byName[match[2]];
    if (!get) throw new Error(`no benchmark weight for ${name}`);
    return get();
  };
}

/**
 * The benchmark model's weights (make-model.mjs draws the same ones), drawn on the first call: a
 * GGUF that already exists needs none of them.
 * @returns {(name: string) => Float32Array}
 */
export function benchModelWeights() {
  /** @type {((name: string) => Float32Array) | undefined} */
  let get;
  return (name) => {
    get ??= sharedWeights(randomWeights(LFM2_350M_ARCH, LFM2_350M_VOCAB, BENCH_SEED));
    return get(name);
  };
}
