import { describe, expect, it } from 'vitest';
import { clampThreads } from './settings-slice';

describe('clampThreads', () => {
  it('never asks for more WASM threads than the machine has cores', () => {
    expect(clampThreads(16, 2)).toBe(2);
    expect(clampThreads(2, 8)).toBe(2);
  });
  it('keeps at least one thread and whole numbers', () => {
    expect(clampThreads(0, 4)).toBe(1);
    expect(clampThreads(Number.NaN, 4)).toBe(1);
    expect(clampThreads(2.6, 4)).toBe(3);
  });
});
