import { describe, expect, it } from 'vitest';
import { applyMinP, applyTopK, applyTopP, softmax } from './sampling';

const logitsOf = (probs: number[]) => Float32Array.from(probs.map((p) => Math.log(p)));
const kept = (logits: Float32Array) =>
  Array.from(logits)
    .map((v, i) => (v === -Infinity ? -1 : i))
    .filter((i) => i >= 0);

describe('softmax', () => {
  it('recovers the distribution the logits came from and ignores -Infinity', () => {
    const probs = softmax(
      Float32Array.from([Math.log(0.5), Math.log(0.25), Math.log(0.25), -Infinity]),
    );
    expect(Array.from(probs).map((p) => +p.toFixed(6))).toEqual([0.5, 0.25, 0.25, 0]);
  });
  it('is stable for huge logits', () => {
    const probs = softmax(Float32Array.from([1000, 1000]));
    expect(Array.from(probs)).toEqual([0.5, 0.5]);
  });
});

describe('top_p (HF TopPLogitsWarper semantics)', () => {
  // probs 0.5, 0.3, 0.15, 0.05 — ascending cumulative: 0.05, 0.20, 0.50, 1.0
  it('p=0.8 keeps the smallest set reaching 0.8: {0.5, 0.3}', () => {
    const l = logitsOf([0.5, 0.3, 0.15, 0.05]);
    applyTopP(l, 0.8);
    expect(kept(l)).toEqual([0, 1]);
  });
  it('p=0.81 needs the third token too', () => {
    const l = logitsOf([0.5, 0.3, 0.15, 0.05]);
    applyTopP(l, 0.81);
    expect(kept(l)).toEqual([0, 1, 2]);
  });
  it('p=0.1 keeps only the top token', () => {
    const l = logitsOf([0.15, 0.5, 0.3, 0.05]);
    applyTopP(l, 0.1);
    expect(kept(l)).toEqual([1]);
  });
  it('p=1 keeps everything', () => {
    const l = logitsOf([0.5, 0.3, 0.15, 0.05]);
    applyTopP(l, 1);
    expect(kept(l)).toEqual([0, 1, 2, 3]);
  });
  it('honours min_tokens_to_keep', () => {
    const l = logitsOf([0.9, 0.05, 0.03, 0.02]);
    applyTopP(l, 0.1, 3);
    expect(kept(l)).toEqual([0, 1, 2]);
  });
  it('renormalised probabilities of the kept tokens are proportional to the originals', () => {
    const l = logitsOf([0.5, 0.3, 0.15, 0.05]);
    applyTopP(l, 0.8);
    const p = softmax(l);
    expect(p[0]).toBeCloseTo(0.625, 6);
    expect(p[1]).toBeCloseTo(0.375, 6);
  });
  it('ignores tokens already filtered by an earlier step', () => {
    const l = logitsOf([0.5, 0.3, 0.15, 0.05]);
    l[0] = -Infinity; // now 0.6, 0.3, 0.1 of the rest
    applyTopP(l, 0.85);
    expect(kept(l)).toEqual([1, 2]);
  });
});

describe('min_p (HF MinPLogitsWarper semantics)', () => {
  it('drops tokens below min_p × top probability', () => {
    // top 0.5 → threshold at min_p 0.15 is 0.075: drops 0.05 and 0.04, keeps 0.08 and above
    const l = logitsOf([0.5, 0.33, 0.08, 0.05, 0.04]);
    applyMinP(l, 0.15);
    expect(kept(l)).toEqual([0, 1, 2]);
  });
  it('cuts right at min_p × top probability', () => {
    const below = logitsOf([0.5, 0.25, 0.25]);
    applyMinP(below, 0.49); // threshold 0.245 keeps the 0.25s
    expect(kept(below)).toEqual([0, 1, 2]);
    const above = logitsOf([0.5, 0.25, 0.25]);
    applyMinP(above, 0.51); // threshold 0.255 drops them
    expect(kept(above)).toEqual([0]);
  });
  it('min_p=1 keeps only the argmax (and its ties)', () => {
    const l = logitsOf([0.2, 0.4, 0.4]);
    applyMinP(l, 1);
    expect(kept(l)).toEqual([1, 2]);
  });
  it('min_p=0 is a no-op', () => {
    const l = logitsOf([0.97, 0.01, 0.01, 0.01]);
    applyMinP(l, 0);
    expect(kept(l)).toEqual([0, 1, 2, 3]);
  });
  it('honours min_tokens_to_keep', () => {
    const l = logitsOf([0.97, 0.02, 0.01]);
    applyMinP(l, 0.9, 2);
    expect(kept(l)).toEqual([0, 1]);
  });
  it('is invariant to temperature-free shifts of the logits', () => {
    const a = logitsOf([0.5, 0.33, 0.08, 0.05, 0.04]);
    const b = a.map((v) => v + 42);
    applyMinP(a, 0.15);
    applyMinP(b, 0.15);
    expect(kept(a)).toEqual(kept(b));
  });
});

describe('top_k', () => {
  it('keeps the k largest', () => {
    const l = Float32Array.from([1, 5, 3, 4, 2]);
    applyTopK(l, 2);
    expect(kept(l)).toEqual([1, 3]);
  });
  it('keeps ties with the k-th value', () => {
    const l = Float32Array.from([1, 5, 4, 4, 2]);
    applyTopK(l, 2);
    expect(kept(l)).toEqual([1, 2, 3]);
  });
  it('k=0 disables it', () => {
    const l = Float32Array.from([1, 5, 3]);
    applyTopK(l, 0);
    expect(kept(l)).toEqual([0, 1, 2]);
  });
});

describe('composition temperature → top_k → top_p → min_p', () => {
  it('matches a hand-computed distribution', () => {
    // logits: ln(.4), ln(.3), ln(.2), ln(.1); temperature 0.5 squares the probs then renormalises:
    // .16,.09,.04,.01 / .30 → .5333, .3, .1333, .0333
    const l = logitsOf([0.4, 0.3, 0.2, 0.1]).map((v) => v / 0.5);
    applyTopK(l, 3); // drops .0333
    // renormalised over 3: .16/.29=.5517, .09/.29=.3103, .04/.29=.1379
    applyTopP(l, 0.8); // ascending cum: .1379 (<= .2 → drop), .4483 → keep
    const p = softmax(l);
    expect(p[0]).toBeCloseTo(0.16 / 0.25, 6);
    expect(p[1]).toBeCloseTo(0.09 / 0.25, 6);
    expect(p[2]).toBe(0);
    applyMinP(l, 0.6); // top .64, threshold .384 → .36 dropped
    expect(kept(l)).toEqual([0]);
  });
});
