import { describe, expect, it } from 'vitest';
import { prefillBudget, promptFits, type FitInput } from './context-budget';

const base: FitInput = {
  promptTokens: 1000,
  cachedTokens: 0,
  maxNewTokens: 512,
  contextLength: 128_000,
  attentionHeads: 16,
  budgetBytes: prefillBudget('wasm'),
};

describe('promptFits', () => {
  it('accepts an ordinary prompt', () => {
    expect(promptFits(base)).toEqual({ ok: true });
  });

  it('refuses a prompt over the context, and says by how much', () => {
    const r = promptFits({ ...base, promptTokens: 300_000 });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toMatch(/300,000 tokens, more than the model's context of 128,000/);
      expect(r.message).toMatch(/Start a new chat/);
    }
  });

  it('refuses a prompt that only passes the context with the reply, pointing at Max new tokens', () => {
    const r = promptFits({
      ...base,
      promptTokens: 127_900,
      cachedTokens: 127_899,
      maxNewTokens: 512,
    });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/Max new tokens/);
  });

  it('refuses a one-pass read whose attention scores exceed the budget (1.5 GiB on WASM, 16 heads)', () => {
    // 16 heads × 4 B × n² ≤ 1.5 GiB → n ≤ 5,016
    expect(promptFits({ ...base, promptTokens: 5016, maxNewTokens: 1 }).ok).toBe(true);
    const r = promptFits({ ...base, promptTokens: 5017, maxNewTokens: 1 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/about 5,016 in one pass/);
  });

  it('counts only what the cache does not hold', () => {
    expect(promptFits({ ...base, promptTokens: 20_000, cachedTokens: 19_000 }).ok).toBe(true);
  });

  it('has no context limit when the config gives none', () => {
    expect(
      promptFits({ ...base, contextLength: null, promptTokens: 2000, maxNewTokens: 1e9 }).ok,
    ).toBe(true);
  });
});

describe('budgets', () => {
  it('WebGPU gets one storage buffer, WASM more of its heap', () => {
    expect(prefillBudget('webgpu')).toBe(1024 ** 3);
    expect(prefillBudget('wasm')).toBe(1.5 * 1024 ** 3);
  });
});
