// The exact LFM2-350M architecture (its config.json), for benchmarking with random weights.
// block_ff_dim 6656 with block_auto_adjust_ff_dim: int(2 * 6656 / 3) = 4437, rounded up to a
// multiple of block_multiple_of 256 = 4608.
/** @type {Readonly<import('../fixtures/lfm2-io.mjs').Lfm2Arch>} */
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
export const BENCH_REPO = 'bench/LFM2-350M-random-ONNX';
export const BENCH_SEED = 350;
