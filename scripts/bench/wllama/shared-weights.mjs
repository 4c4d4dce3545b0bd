// The benchmark's ONNX weights (scripts/fixtures/random-model.mjs randomWeights) by GGUF tensor
// name, in the layout writeLfm2Gguf expects (see random-weights.mjs), so wllama runs the very same
// random model as the ONNX files.
import { transposed } from './random-weights.mjs';

export function sharedWeights(weights) {
  const linear = (m) => transposed(m.data, m.K, m.N); // ONNX MatMul [in, out] -> [out, in]
  return (name) => {
    if (name === 'token_embd.weight') return weights.embed;
    if (name === 'token_embd_norm.weight') return weights.finalNorm;
    const match = /^blk\.(\d+)\.(.+)\.weight$/.exec(name);
    if (!match) throw new Error(`no benchmark weight for ${name}`);
    const layer = weights.layers[Number(match[1])];
    const op = layer.operator;
    const byName = {
      attn_norm: () => layer.operatorNorm,
      ffn_norm: () => layer.ffnNorm,
      ffn_gate: () => linear(layer.w1),
      ffn_up: () => linear(layer.w3),
      ffn_down: () => linear(layer.w2),
      'shortconv.in_proj': () => linear(op.inProj),
      'shortconv.conv': () => op.conv,
      'shortconv.out_proj': () => linear(op.outProj),
      attn_q: () => linear(op.q),
      attn_k: () => linear(op.k),
      attn_v: () => linear(op.v),
      attn_output: () => linear(op.o),
      attn_q_norm: () => op.qNorm,
      attn_k_norm: () => op.kNorm,
    };
    const get = byName[match[2]];
    if (!get) throw new Error(`no benchmark weight for ${name}`);
    return get();
  };
}
