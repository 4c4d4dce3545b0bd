// Model shapes for the wllama bench: the real one is the benchmark's single definition.
export { LFM2_350M_ARCH, LFM2_350M_VOCAB } from '../arch.mjs';

/** @typedef {import('../../fixtures/lfm2-io.mjs').Lfm2Arch} Lfm2Arch */

/**
 * The same layer kinds and ratios at toy size, for a quick end-to-end check.
 * @type {Readonly<Lfm2Arch>}
 */
export const SMOKE_ARCH = Object.freeze({
  hiddenSize: 64,
  layerTypes: /** @type {Lfm2Arch['layerTypes']} */ ([
    'conv',
    'conv',
    'full_attention',
    'conv',
    'full_attention',
    'conv',
  ]),
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
