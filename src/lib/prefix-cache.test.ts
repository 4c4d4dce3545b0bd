import { describe, expect, it } from 'vitest';
import { reusablePrefix } from './prefix-cache';

const ids = (...n: number[]) => n.map(BigInt);

describe('reusablePrefix', () => {
  it('reuses the cache when the new prompt only appends', () => {
    expect(reusablePrefix(ids(1, 2, 3), ids(1, 2, 3, 4, 5))).toBe(3);
  });
  it('re-prefills when an earlier token changed (edited history)', () => {
    expect(reusablePrefix(ids(1, 2, 3), ids(1, 9, 3, 4))).toBe(0);
  });
  it('re-prefills when the prompt is not longer than the cache (regenerate)', () => {
    expect(reusablePrefix(ids(1, 2, 3), ids(1, 2, 3))).toBe(0);
    expect(reusablePrefix(ids(1, 2, 3), ids(1, 2))).toBe(0);
  });
  it('re-prefills with no cache', () => {
    expect(reusablePrefix(null, ids(1))).toBe(0);
    expect(reusablePrefix([], ids(1))).toBe(0);
  });
});
