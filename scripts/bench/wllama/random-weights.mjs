// Seeded random LFM2 weights, one tensor at a time, for writeLfm2Gguf's `weights` input.
//
// Contract (what a swapped-in source of the shared benchmark weights must follow):
//   weights(name, shape) -> Float32Array of shape[0] * shape[1] * ... values, where `name` is the
//   GGUF tensor name and `shape` is PyTorch's (outermost first), row-major:
//     token_embd.weight            [vocab, hidden]          model.embed_tokens (tied LM head)
//     token_embd_norm.weight       [hidden]                 model.embedding_norm (the final norm)
//     blk.N.attn_norm.weight       [hidden]                 layers.N.operator_norm
//     blk.N.ffn_norm.weight        [hidden]                 layers.N.ffn_norm
//     blk.N.ffn_gate.weight        [ff, hidden]             layers.N.feed_forward.w1
//     blk.N.ffn_up.weight          [ff, hidden]             layers.N.feed_forward.w3
//     blk.N.ffn_down.weight        [hidden, ff]             layers.N.feed_forward.w2
//     blk.N.shortconv.in_proj.weight  [3 * hidden, hidden]  layers.N.conv.in_proj (rows: B, C, x)
//     blk.N.shortconv.conv.weight     [hidden, L]           layers.N.conv.conv, [hidden, 1, L] squeezed
//     blk.N.shortconv.out_proj.weight [hidden, hidden]      layers.N.conv.out_proj
//     blk.N.attn_q.weight          [heads * headDim, hidden]    layers.N.self_attn.q_proj
//     blk.N.attn_k.weight          [kvHeads * headDim, hidden]  layers.N.self_attn.k_proj
//     blk.N.attn_v.weight          [kvHeads * headDim, hidden]  layers.N.self_attn.v_proj
//     blk.N.attn_output.weight     [hidden, heads * headDim]    layers.N.self_attn.out_proj
//     blk.N.attn_q_norm.weight     [headDim]                    layers.N.self_attn.q_layernorm
//     blk.N.attn_k_norm.weight     [headDim]                    layers.N.self_attn.k_layernorm
// A matmul weight is PyTorch's Linear layout [out, in]; an ONNX MatMul initializer ([in, out])
// must be transposed first (see transposed()).
//
// Each tensor's values depend only on (seed, name), so tensors can be made in any order.

/** @param {string} text */
function hash32(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** @param {number} seed */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * @param {number} n
 * @param {number} seed
 * @param {number} std
 */
function normals(n, seed, std, mean = 0) {
  const random = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log(1 - random())) * std;
    const theta = 2 * Math.PI * random();
    out[i] = mean + r * Math.cos(theta);
    if (i + 1 < n) out[i + 1] = mean + r * Math.sin(theta);
  }
  return out;
}

/**
 * Matmul weights ~ N(0, 1/in) keep activations O(1) through the stack; norms ~ 1 + N(0, 0.1^2).
 * A small embedding (std 0.2) keeps the tied LM head from always predicting the input token.
 * @param {import('../../fixtures/lfm2-io.mjs').Lfm2Arch} arch
 * @param {number} seed
 * @returns {import('./make-gguf.mjs').WeightFunction}
 */
export function randomLfm2Weights(arch, seed) {
  return (name, shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const s = hash32(`${seed}:${name}`);
    if (shape.length === 1) return normals(n, s, 0.1, 1);
    if (name === 'token_embd.weight') return normals(n, s, 0.2);
    if (name.endsWith('shortconv.conv.weight')) return normals(n, s, 1 / Math.sqrt(arch.convL));
    return normals(n, s, 1 / Math.sqrt(shape[1]));
  };
}

/**
 * [rows, cols] row-major -> [cols, rows] row-major, e.g. an ONNX MatMul [in, out] -> [out, in].
 * @param {Float32Array} data
 * @param {number} rows
 * @param {number} cols
 */
export function transposed(data, rows, cols) {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  }
  return out;
}
