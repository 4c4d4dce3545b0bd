import type { Device } from './device-choice';

/**
 * Whether a prompt can be run, checked before it reaches ONNX Runtime. Two limits:
 * - the model's context (`max_position_embeddings`): prompt plus the longest reply asked for;
 * - memory for reading the prompt in one pass: ONNX Runtime's attention kernel holds the scores
 *   of every head for every new token against every token at once (heads × new × total × 4
 *   bytes), which on WASM must fit beside the weights in the 4 GiB heap and on WebGPU in one
 *   storage buffer (commonly 1 GiB). Past that it fails deep inside the runtime ("Tensor shape is
 *   too large", "Integer overflow") and can leave the engine unusable.
 * Turns after the first only read what the cache does not hold, so a long conversation that grew
 * turn by turn stays well inside the second limit.
 */

const GiB = 1024 ** 3;

/** Bytes of attention scores one prefill may use. */
export function prefillBudget(device: Device): number {
  return device === 'wasm' ? 1.5 * GiB : 1 * GiB;
}

export interface FitInput {
  promptTokens: number;
  /** Prompt tokens already in the cache (not read again). */
  cachedTokens: number;
  maxNewTokens: number;
  contextLength: number | null;
  attentionHeads: number;
  budgetBytes: number;
}

export type Fit = { ok: true } | { ok: false; message: string; detail: string };

const fmt = (n: number) => n.toLocaleString('en-US');

export function promptFits(x: FitInput): Fit {
  if (x.contextLength !== null && x.promptTokens + x.maxNewTokens > x.contextLength) {
    const over = x.promptTokens >= x.contextLength;
    return {
      ok: false,
      message: over
        ? `This conversation is ${fmt(x.promptTokens)} tokens, more than the model's context of ${fmt(x.contextLength)}. Start a new chat, or delete or shorten the longest messages.`
        : `This conversation is ${fmt(x.promptTokens)} tokens; with up to ${fmt(x.maxNewTokens)} for the reply it passes the model's context of ${fmt(x.contextLength)}. Lower "Max new tokens" in Generation settings, start a new chat, or delete older messages.`,
      detail: `prompt ${x.promptTokens} + max new ${x.maxNewTokens} > context ${x.contextLength}`,
    };
  }
  const fresh = x.promptTokens - x.cachedTokens;
  const bytes = x.attentionHeads * 4 * fresh * x.promptTokens;
  if (bytes > x.budgetBytes) {
    // The largest prompt read in one pass from scratch: heads × n² × 4 ≤ budget.
    const limit = Math.floor(Math.sqrt(x.budgetBytes / (x.attentionHeads * 4)));
    return {
      ok: false,
      message: `This prompt has ${fmt(fresh)} new tokens to read at once; in this browser engine a model of this size can safely read about ${fmt(limit)} in one pass. Shorten or split the long message, or start a new chat.`,
      detail: `attention scores ${x.attentionHeads} heads × ${fresh} × ${x.promptTokens} × 4 B = ${(bytes / GiB).toFixed(2)} GiB > budget ${(x.budgetBytes / GiB).toFixed(2)} GiB`,
    };
  }
  return { ok: true };
}
