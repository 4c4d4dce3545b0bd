import { describe, expect, it } from 'vitest';
import { CATALOG, guessFamily, REPO_ID_PATTERN } from './catalog';

describe('catalog', () => {
  it('covers every model the product promises, with ONNX repo ids', () => {
    const labels = CATALOG.map((e) => e.label);
    for (const l of [
      'LFM2 350M',
      'LFM2 700M',
      'LFM2 1.2B',
      'LFM2.5 1.2B Instruct',
      'LFM2 1.2B Tool',
      'LFM2 1.2B RAG',
      'LFM2 1.2B Extract',
    ])
      expect(labels).toContain(l);
    for (const e of CATALOG) {
      expect(e.repo).toMatch(REPO_ID_PATTERN);
      expect(e.repo).toMatch(/-ONNX$/);
    }
  });
  it('task models decode greedily via their family', () => {
    expect(
      CATALOG.filter((e) => /Tool|RAG|Extract/.test(e.label)).every((e) => e.family === 'task'),
    ).toBe(true);
  });
  it('guesses the preset family for custom repos', () => {
    expect(guessFamily('someone/LFM2.5-1.2B-Thinking-ONNX')).toBe('lfm2.5');
    expect(guessFamily('onnx-community/LFM2-VL-450M-ONNX')).toBe('lfm2-vl');
    expect(guessFamily('onnx-community/LFM2-1.2B-Tool-ONNX')).toBe('task');
    expect(guessFamily('me/LFM2-350M-finetune-ONNX')).toBe('lfm2');
  });
});
