// Model shapes for the wllama bench, in the field names of ../arch.mjs (kept separate so the two
// halves of the benchmark can change independently; LFM2_350M_ARCH must stay equal to that one).

/** LFM2-350M's config.json: block_ff_dim 6656, auto-adjusted to int(2 * 6656 / 3) -> 4608. */
export const LFM2_350M_ARCH = Object.freeze({
  hiddenSize: 1024,
  layerTypes: Array.from({ length: 16 }, (_, i) =>
    [2, 5, 8, 10, 12, 14].includes(i) ? 'full_attention' : 'conv',
  ),
  numHeads: 16,
  numKvHeads: 8,
  headDim: 64,
  convL: 3,
  ffDim: 4608,
  ropeTheta: 1000000,
  normEps: 1e-5,
  maxPositions: 128000,
});
export const LFM2_350M_VOCAB = 65536;

/** The same layer kinds and ratios at toy size, for a quick end-to-end check. */
export const SMOKE_ARCH = Object.freeze({
  hiddenSize: 64,
  layerTypes: ['conv', 'conv', 'full_attention', 'conv', 'full_attention', 'conv'],
  numHeads: 4,
  numKvHeads: 2,
  headDim: 16,
  convL: 3,
  ffDim: 256,
  ropeTheta: 1000000,
  normEps: 1e-5,
  maxPositions: 4096,
});
export const SMOKE_VOCAB = 512;
