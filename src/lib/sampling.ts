/**
 * Logits filters that Transformers.js 4.x does not apply itself (it has no min_p and ignores
 * top_p), written to match Hugging Face transformers' warpers exactly, including tie handling
 * and `min_tokens_to_keep`. Each works in place on one row of logits; filtered entries become
 * -Infinity so a following softmax gives them zero probability.
 */

/** Softmax of the finite entries; -Infinity stays 0. Stable for large logits. */
export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) if (logits[i] > max) max = logits[i];
  const out = new Float64Array(logits.length);
  if (max === -Infinity) return out;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    const e = Math.exp(logits[i] - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

function finiteIndices(logits: Float32Array): number[] {
  const idx: number[] = [];
  for (let i = 0; i < logits.length; i++) if (logits[i] !== -Infinity) idx.push(i);
  return idx;
}

/** Keeps the k highest logits (ties with the k-th are kept, as in HF `TopKLogitsWarper`). */
export function applyTopK(logits: Float32Array, k: number, minTokensToKeep = 1): void {
  const keep = Math.max(k, minTokensToKeep);
  if (k <= 0 || keep >= logits.length) return;
  const sorted = Float32Array.from(logits).sort();
  const threshold = sorted[sorted.length - keep];
  for (let i = 0; i < logits.length; i++) if (logits[i] < threshold) logits[i] = -Infinity;
}

/**
 * Nucleus filtering as in HF `TopPLogitsWarper`: in ascending order of probability, drop tokens
 * whose cumulative probability is still <= 1 - p, but never the `minTokensToKeep` most likely.
 */
export function applyTopP(logits: Float32Array, p: number, minTokensToKeep = 1): void {
  if (p >= 1) return;
  const idx = finiteIndices(logits);
  const probs = softmax(logits);
  // Stable ascending sort by logit; equal logits keep index order like torch.sort(stable=False) would
  // not guarantee, but ties only matter at the cut and HF makes no promise there either.
  idx.sort((a, b) => logits[a] - logits[b] || a - b);
  let cumulative = 0;
  const removableCount = idx.length - minTokensToKeep;
  for (let rank = 0; rank < idx.length; rank++) {
    cumulative += probs[idx[rank]];
    if (rank < removableCount && cumulative <= 1 - p) logits[idx[rank]] = -Infinity;
  }
}

/**
 * Min-p filtering as in HF `MinPLogitsWarper`: drop tokens whose probability is below
 * `minP` times the top token's probability, keeping at least `minTokensToKeep` tokens.
 */
export function applyMinP(logits: Float32Array, minP: number, minTokensToKeep = 1): void {
  if (minP <= 0) return;
  const probs = softmax(logits);
  let top = 0;
  for (let i = 0; i < probs.length; i++) if (probs[i] > top) top = probs[i];
  const threshold = minP * top;
  const kept = new Set(
    finiteIndices(logits)
      .sort((a, b) => logits[b] - logits[a] || a - b)
      .slice(0, minTokensToKeep),
  );
  for (let i = 0; i < logits.length; i++) {
    if (probs[i] < threshold && !kept.has(i)) logits[i] = -Infinity;
  }
}
