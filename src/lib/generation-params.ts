/** What the user controls for one reply. `greedy` overrides all sampling settings. */
export interface GenerationParams {
  temperature: number;
  topP: number;
  topK: number;
  minP: number;
  repetitionPenalty: number;
  maxNewTokens: number;
  greedy: boolean;
}

export type ModelFamily = 'lfm2' | 'lfm2.5' | 'lfm2-vl' | 'task';

const base = { topP: 1, topK: 0, minP: 0, maxNewTokens: 1024, greedy: false };

/** Sampling presets from Liquid's LFM2 docs, applied when a model is picked (then editable). */
export const PRESETS: Record<ModelFamily, GenerationParams> = {
  lfm2: { ...base, temperature: 0.3, minP: 0.15, repetitionPenalty: 1.05 },
  'lfm2.5': { ...base, temperature: 0.1, topK: 50, topP: 0.1, repetitionPenalty: 1.05 },
  'lfm2-vl': { ...base, temperature: 0.1, minP: 0.15, repetitionPenalty: 1.05 },
  task: { ...base, temperature: 0, repetitionPenalty: 1, greedy: true },
};

export const PARAM_LIMITS: Record<
  Exclude<keyof GenerationParams, 'greedy'>,
  { min: number; max: number; step: number }
> = {
  temperature: { min: 0, max: 2, step: 0.05 },
  topP: { min: 0, max: 1, step: 0.01 },
  topK: { min: 0, max: 500, step: 1 },
  minP: { min: 0, max: 1, step: 0.01 },
  repetitionPenalty: { min: 1, max: 2, step: 0.01 },
  maxNewTokens: { min: 1, max: 8192, step: 1 },
};

/** Clamps every field into its range; a temperature of 0 means greedy, as in Liquid's docs. */
export function normalizeParams(p: GenerationParams): GenerationParams {
  const out = { ...p };
  for (const key of Object.keys(PARAM_LIMITS) as (keyof typeof PARAM_LIMITS)[]) {
    const { min, max } = PARAM_LIMITS[key];
    const v = Number.isFinite(out[key]) ? out[key] : min;
    out[key] = Math.min(max, Math.max(min, v));
  }
  out.topK = Math.round(out.topK);
  out.maxNewTokens = Math.round(out.maxNewTokens);
  if (out.temperature === 0) out.greedy = true;
  return out;
}
