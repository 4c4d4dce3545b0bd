import { LogitsProcessor, LogitsProcessorList, type Tensor } from '@huggingface/transformers';
import { applyMinP, applyTopK, applyTopP } from '../lib/sampling';
import type { GenerationParams } from '../lib/generation-params';

type RowFilter = (row: Float32Array) => void;

/** Runs a pure row filter over each batch row of the logits Transformers.js hands us. */
class RowFilterProcessor extends LogitsProcessor {
  constructor(private readonly filter: RowFilter) {
    super();
  }
  _call(inputIds: bigint[][], logits: Tensor): Tensor {
    // Indexing a Tensor returns a view over the same buffer, so filtering in place is what we want.
    const rows = logits as unknown as Tensor[];
    for (let i = 0; i < inputIds.length; i++) this.filter(rows[i].data as Float32Array);
    return logits;
  }
}

/**
 * Transformers.js applies repetition penalty and temperature itself but neither top_p nor min_p,
 * and applies top_k only inside its sampler. We add top_k → top_p → min_p in HF's order after its
 * temperature step; the sampler's own top_k then only re-selects what survived.
 */
export function buildLogitsProcessors(p: GenerationParams): LogitsProcessorList | null {
  if (p.greedy) return null;
  const list = new LogitsProcessorList();
  if (p.topK > 0) list.push(new RowFilterProcessor((row) => applyTopK(row, p.topK)));
  if (p.topP < 1) list.push(new RowFilterProcessor((row) => applyTopP(row, p.topP)));
  if (p.minP > 0) list.push(new RowFilterProcessor((row) => applyMinP(row, p.minP)));
  return list;
}

/** The matching Transformers.js generation config. */
export function generationConfig(p: GenerationParams): Record<string, unknown> {
  return {
    do_sample: !p.greedy,
    temperature: p.greedy ? 1 : p.temperature,
    top_k: p.greedy ? 0 : p.topK,
    repetition_penalty: p.repetitionPenalty,
    max_new_tokens: p.maxNewTokens,
  };
}
