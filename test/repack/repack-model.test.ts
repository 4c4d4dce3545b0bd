// Runs the fixture's real 4-bit and int8 files in onnxruntime-node before and after repacking.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { emptyCache } from '../../scripts/bench/native.mjs';
import { RANDOM_LFM2_ID } from '../../scripts/fixtures/catalog.mjs';
import { generateFixtures } from '../../scripts/fixtures/generate.mjs';
import { DataType, Graph, MS_DOMAIN } from '../../scripts/fixtures/onnx-graph.mjs';
import { quantizeQ4Blocks } from '../../scripts/fixtures/weights.mjs';
import { repackToInt8, type ExternalDataFile } from '../../src/lib/onnx-repack/repack-model';

let onnxDir = '';
beforeAll(async () => {
  const { outDir } = await generateFixtures();
  onnxDir = join(outDir, RANDOM_LFM2_ID, 'onnx');
});

async function readModel(base: string) {
  const [model, data] = await Promise.all([
    readFile(join(onnxDir, `${base}.onnx`)),
    readFile(join(onnxDir, `${base}.onnx_data`)),
  ]);
  return {
    model: new Uint8Array(model),
    externalData: [{ path: `${base}.onnx_data`, data: new Uint8Array(data) }],
  };
}

const PROMPT = Array.from({ length: 24 }, (_, i) => 30 + ((i * 37) % 1500));

/** Logits [seq, vocab] of one uncached forward over PROMPT. */
async function logits(
  model: Uint8Array,
  externalData: ExternalDataFile[],
): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(model, { externalData });
  const int64 = (v: number[]) =>
    new ort.Tensor('int64', BigInt64Array.from(v, BigInt), [1, v.length]);
  const feeds: Record<string, ort.Tensor> = {
    input_ids: int64(PROMPT),
    attention_mask: int64(PROMPT.map(() => 1)),
    position_ids: int64(PROMPT.map((_, i) => i)),
    ...emptyCache(session),
  };
  const out = await session.run(feeds);
  await session.release();
  const [, seq, vocab] = out.logits.dims;
  const data = out.logits.data as Float32Array;
  return Array.from({ length: seq }, (_, i) => data.slice(i * vocab, (i + 1) * vocab));
}

/** One layer: X [2, 3, K] times a 4-bit weight with zero points, or a tied-embedding head. */
function singleLayer(kind: 'nbits' | 'head') {
  const K = 96;
  const N = 40;
  const random = (() => {
    let state = 7;
    return () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  })();
  const w = Float32Array.from({ length: K * N }, random);
  const g = new Graph('layer');
  const x = g.input('x', DataType.float, [2, 3, K]);
  g.output('y', DataType.float, [2, 3, N]);
  if (kind === 'nbits') {
    const { packed, scales, blocks } = quantizeQ4Blocks(w, K, N);
    const zeros = Uint8Array.from({ length: N * Math.ceil(blocks / 2) }, (_, i) => 0x87 + (i % 3));
    g.op(
      'MatMulNBits',
      [
        x,
        g.init(packed, [N, blocks, 16], DataType.uint8),
        g.init(scales, [N * blocks], DataType.float),
        g.init(zeros, [zeros.length], DataType.uint8),
      ],
      { K, N, bits: 4, block_size: 32 },
      { domain: MS_DOMAIN, outputs: ['y'] },
    );
  } else {
    const table = g.init(w, [N, K], DataType.float); // [vocab, hidden]
    g.op('MatMul', [x, g.op('Transpose', [table], { perm: [1, 0] })], {}, { outputs: ['y'] });
  }
  const { model, data } = g.encode({ dataFileName: 'layer.onnx_data' });
  const input = Float32Array.from({ length: 2 * 3 * K }, random);
  return { model, externalData: [{ path: 'layer.onnx_data', data }], input };
}

async function runLayer(model: Uint8Array, externalData: ExternalDataFile[], input: Float32Array) {
  const session = await ort.InferenceSession.create(model, { externalData });
  const out = await session.run({ x: new ort.Tensor('float32', input, [2, 3, input.length / 6]) });
  await session.release();
  return out.y.data as Float32Array;
}

function relativeError(reference: Float32Array, candidate: Float32Array) {
  let error = 0;
  let norm = 0;
  reference.forEach((v, i) => {
    error += (v - candidate[i]) ** 2;
    norm += v * v;
  });
  return Math.sqrt(error / norm);
}

const opTypes = (model: Uint8Array) =>
  onnxProto.onnx.ModelProto.decode(model).graph!.node!.map((n) => n.opType);

describe('repackToInt8', () => {
  it.each(['nbits', 'head'] as const)(
    'a %s layer on int8 kernels stays within 2%% of the original',
    async (kind) => {
      const layer = singleLayer(kind);
      const before = await runLayer(layer.model, layer.externalData, layer.input);
      const repacked = repackToInt8(layer.model, layer.externalData, {
        quantizeOutputProjection: true,
        minOutputProjectionElements: 0,
      });
      expect(opTypes(repacked.model)).toEqual(['Transpose', 'DynamicQuantizeMatMul']);
      const after = await runLayer(repacked.model, repacked.externalData, layer.input);
      const error = relativeError(before, after);
      expect(error).toBeGreaterThan(0); // it really ran the int8 kernel
      expect(error).toBeLessThan(0.02);
    },
  );

  it('turns every MatMulNBits layer into int8 and keeps the 4-bit model’s outputs', async () => {
    const q4 = await readModel('model_q4');
    const before = await logits(q4.model, q4.externalData);
    const repacked = repackToInt8(q4.model, q4.externalData);

    const ops = opTypes(repacked.model);
    expect(ops).not.toContain('MatMulNBits');
    // 6 layers: 4 conv (in/out) + 2 attention (q/k/v/o) + 3 feed-forward matmuls each.
    expect(repacked.report).toMatchObject({ nbitsLayers: 4 * 2 + 2 * 4 + 6 * 3, skipped: 0 });
    expect(ops.filter((o) => o === 'DynamicQuantizeMatMul')).toHaveLength(34);
    // The repacked file holds int8 weights: twice the 4-bit bytes, never more than the fp32 ones.
    expect(repacked.report.bytesAfter).toBeGreaterThan(repacked.report.bytesBefore);
    expect(repacked.externalData).toHaveLength(1);
    expect(repacked.externalData[0].path).toBe('model_q4.onnx_data');

    // This tiny random model is chaotic (its own q4 and fp32 files disagree on most tokens), so
    // accuracy is checked layer by layer below; here the repacked session must run and agree in
    // shape and finiteness.
    const after = await logits(repacked.model, repacked.externalData);
    expect(after).toHaveLength(before.length);
    expect(after[0]).toHaveLength(before[0].length);
    expect(after.every((row) => row.every(Number.isFinite))).toBe(true);
  });

  it('quantizes the tied-embedding output projection when asked', async () => {
    const fp32 = await readModel('model');
    const before = await logits(fp32.model, fp32.externalData);
    const repacked = repackToInt8(fp32.model, fp32.externalData, {
      quantizeOutputProjection: true,
      minOutputProjectionElements: 0,
    });
    expect(repacked.report).toMatchObject({ nbitsLayers: 0, outputProjection: true });
    const model = onnxProto.onnx.ModelProto.decode(repacked.model);
    const head = model.graph!.node!.find((n) => n.output?.includes('logits'))!;
    expect(head.opType).toBe('DynamicQuantizeMatMul');
    // The embedding table itself stays float for the input lookup.
    expect(model.graph!.node!.some((n) => n.opType === 'Gather')).toBe(true);

    const after = await logits(repacked.model, repacked.externalData);
    expect(after[0]).toHaveLength(before[0].length);
    // Only the last layer changed, so nothing amplifies the int8 error.
    const error = relativeError(
      Float32Array.from(before.flatMap((r) => [...r])),
      Float32Array.from(after.flatMap((r) => [...r])),
    );
    expect(error).toBeGreaterThan(0);
    expect(error).toBeLessThan(0.02);
  });

  it('leaves a model without 4-bit layers or a large head unchanged in behaviour', async () => {
    const q8 = await readModel('model_quantized');
    const before = await logits(q8.model, q8.externalData);
    const repacked = repackToInt8(q8.model, q8.externalData, { quantizeOutputProjection: true });
    expect(repacked.report).toMatchObject({ nbitsLayers: 0, outputProjection: false });
    const after = await logits(repacked.model, repacked.externalData);
    expect(after).toEqual(before);
  });

  it('computes logits for the last position only when asked, with the same values', async () => {
    const q8 = await readModel('model_quantized');
    const before = await logits(q8.model, q8.externalData);
    const repacked = repackToInt8(q8.model, q8.externalData, { lastPositionLogits: true });
    expect(repacked.report).toMatchObject({ nbitsLayers: 0, lastPositionLogits: true });
    const after = await logits(repacked.model, repacked.externalData);
    expect(after).toHaveLength(1);
    expect(after[0]).toEqual(before.at(-1));
  });

  it('explains which external data file is missing', async () => {
    const q4 = await readModel('model_q4');
    expect(() => repackToInt8(q4.model, [])).toThrow(/external data "model_q4.onnx_data"/);
  });
});
