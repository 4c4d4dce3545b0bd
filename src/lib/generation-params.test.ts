import { describe, expect, it } from 'vitest';
import { normalizeParams, PRESETS } from './generation-params';

describe('presets from the LFM2 docs', () => {
  it('LFM2 text: temperature 0.3, min_p 0.15, repetition_penalty 1.05', () => {
    expect(PRESETS.lfm2).toMatchObject({
      temperature: 0.3,
      minP: 0.15,
      repetitionPenalty: 1.05,
      greedy: false,
    });
  });
  it('LFM2.5 text: temperature 0.1, top_k 50, top_p 0.1, repetition_penalty 1.05', () => {
    expect(PRESETS['lfm2.5']).toMatchObject({
      temperature: 0.1,
      topK: 50,
      topP: 0.1,
      repetitionPenalty: 1.05,
    });
  });
  it('LFM2-VL: temperature 0.1, min_p 0.15, repetition_penalty 1.05', () => {
    expect(PRESETS['lfm2-vl']).toMatchObject({
      temperature: 0.1,
      minP: 0.15,
      repetitionPenalty: 1.05,
    });
  });
  it('task models decode greedily', () => {
    expect(PRESETS.task).toMatchObject({ greedy: true, temperature: 0 });
  });
});

describe('normalizeParams', () => {
  it('clamps out-of-range and non-finite values', () => {
    const p = normalizeParams({
      ...PRESETS.lfm2,
      temperature: 9,
      topP: -1,
      topK: 3.6,
      maxNewTokens: NaN,
    });
    expect(p).toMatchObject({ temperature: 2, topP: 0, topK: 4, maxNewTokens: 1 });
  });
  it('treats temperature 0 as greedy', () => {
    expect(normalizeParams({ ...PRESETS.lfm2, temperature: 0 }).greedy).toBe(true);
  });
});
