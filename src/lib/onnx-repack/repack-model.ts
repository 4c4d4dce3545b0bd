// Rewrites an ONNX model's 4-bit MatMulNBits layers (and optionally its float output projection)
// into int8 DynamicQuantizeMatMul at load time. ONNX Runtime Web has no fast N-bit kernel on WASM
// (each call dequantizes the whole weight), but its int8 kernel is fast: this keeps the download at
// q4 size and runs at q8 speed. Weights are dequantized per block and requantized per output
// column, so the only extra error is int8 rounding of already-4-bit values.
import onnxProto from 'onnx-proto';
import { float16ToFloat32, floatToInt8, nbitsToInt8, type Int8Columns } from './int8-weights';

const { onnx } = onnxProto;
type Model = InstanceType<typeof onnx.ModelProto>;
type Tensor = InstanceType<typeof onnx.TensorProto>;
type Node = InstanceType<typeof onnx.NodeProto>;
type Graph = NonNullable<Model['graph']>;

const MS_DOMAIN = 'com.microsoft';
const FLOAT = 1;
const UINT8 = 2;
const INT8 = 3;
const INT64 = 7;
const FLOAT16 = 10;
const EXTERNAL = 1;
const ALIGNMENT = 64;

export interface ExternalDataFile {
  path: string;
  data: Uint8Array;
}

export interface RepackOptions {
  /** Also quantize the float MatMul that produces `logits` (the tied embedding head). */
  quantizeOutputProjection?: boolean;
  /** Output projections with fewer weights stay float: only vocab-sized heads are worth it. */
  minOutputProjectionElements?: number;
  /**
   * Compute `logits` for the last position only. Generation reads nothing else, and a 1,024-token
   * prefill otherwise spends a fifth of its time and 268 MB (65,536 × 1,024 floats) on rows
   * nobody reads.
   */
  lastPositionLogits?: boolean;
}

export interface RepackReport {
  /** MatMulNBits nodes turned into int8. */
  nbitsLayers: number;
  /** MatMulNBits nodes left alone (unsupported bit width, g_idx, non-constant weights). */
  skipped: number;
  outputProjection: boolean;
  lastPositionLogits: boolean;
  /** Weight bytes before and after (initializers only). */
  bytesBefore: number;
  bytesAfter: number;
}

export interface RepackResult {
  model: Uint8Array;
  externalData: ExternalDataFile[];
  report: RepackReport;
}

const toNumber = (v: number | { toNumber(): number }) => (typeof v === 'number' ? v : v.toNumber());

function attr(node: Node, name: string): number | undefined {
  const a = node.attribute.find((x) => x.name === name);
  return a ? toNumber(a.i) : undefined;
}

class Initializers {
  private readonly byName = new Map<string, Tensor>();
  private readonly files = new Map<string, Uint8Array>();

  constructor(model: Model, externalData: ExternalDataFile[]) {
    for (const t of model.graph!.initializer as Tensor[]) this.byName.set(t.name, t);
    for (const f of externalData) this.files.set(f.path, f.data);
  }

  get(name: string): Tensor | undefined {
    return this.byName.get(name);
  }

  bytes(t: Tensor): Uint8Array {
    if (t.dataLocation !== EXTERNAL) {
      if (t.rawData?.length) return t.rawData;
      if (t.dataType === FLOAT && t.floatData.length) {
        const f = Float32Array.from(t.floatData);
        return new Uint8Array(f.buffer);
      }
      if (t.int32Data.length && (t.dataType === UINT8 || t.dataType === INT8)) {
        return Uint8Array.from(t.int32Data);
      }
      return new Uint8Array(0);
    }
    const entry = (key: string) => t.externalData.find((e) => e.key === key)?.value ?? undefined;
    const location = entry('location');
    const file = location === undefined ? undefined : this.files.get(location);
    if (!file) throw new Error(`external data "${location}" for ${t.name} was not provided`);
    const offset = Number(entry('offset') ?? 0);
    const length = Number(entry('length') ?? file.length - offset);
    if (offset + length > file.length)
      throw new Error(`external data for ${t.name} runs past the end of "${location}"`);
    return file.subarray(offset, offset + length);
  }

  /** The tensor's values as floats; `raw` lets a caller pass bytes it resolved earlier. */
  floats(t: Tensor, raw = this.bytes(t)): Float32Array {
    if (t.dataType === FLOAT) {
      if (raw.byteOffset % 4 === 0)
        return new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4);
      // Copy (new Uint8Array, not slice: a Node Buffer's slice is a view into a shared pool) to
      // get 4-byte alignment.
      return new Float32Array(new Uint8Array(raw).buffer);
    }
    if (t.dataType === FLOAT16)
      return float16ToFloat32(new Uint16Array(new Uint8Array(raw).buffer));
    throw new Error(`${t.name} is not a float tensor`);
  }

  addInline(name: string, dims: number[], dataType: number, rawData: Uint8Array): void {
    this.byName.set(name, onnx.TensorProto.create({ name, dims, dataType, rawData }));
  }

  /** Tensors whose bytes are written straight into the new data file by relayout(). */
  readonly lazy = new Map<Tensor, { size: number; write(target: Uint8Array): void }>();

  addLazy(
    name: string,
    dims: number[],
    dataType: number,
    size: number,
    write: (target: Uint8Array) => void,
  ): void {
    const t = onnx.TensorProto.create({ name, dims, dataType });
    this.byName.set(name, t);
    this.lazy.set(t, { size, write });
  }

  remove(names: Iterable<string>): void {
    for (const n of names) this.byName.delete(n);
  }

  all(): Tensor[] {
    return [...this.byName.values()];
  }
}

/**
 * Adds the [N, K] int8 rows and their scales, computed by `quantize` only when the new data file
 * is written (so no intermediate copy of the weights exists); returns the node that yields B as
 * [K, N].
 */
function int8Tensors(
  init: Initializers,
  base: string,
  quantize: (target: Int8Array) => Int8Columns,
  K: number,
  N: number,
) {
  const rows = `${base}_int8_nk`;
  const weight = `${base}_int8`;
  const scale = `${base}_int8_scale`;
  let scales: Float32Array | null = null;
  // relayout() writes tensors in the order they were added: the rows (which compute the scales)
  // before the scales.
  init.addLazy(rows, [N, K], INT8, N * K, (target) => {
    const view = new Int8Array(target.buffer, target.byteOffset, target.byteLength);
    scales = quantize(view).scales;
  });
  init.addLazy(scale, [N], FLOAT, N * 4, (target) => {
    if (!scales) throw new Error(`scales of ${rows} were not computed`);
    target.set(new Uint8Array(scales.buffer, scales.byteOffset, scales.byteLength));
  });
  const transpose = onnx.NodeProto.create({
    name: `${base}_int8_transpose`,
    opType: 'Transpose',
    input: [rows],
    output: [weight],
    attribute: [{ name: 'perm', type: onnx.AttributeProto.AttributeType.INTS, ints: [1, 0] }],
  });
  return { weight, scale, transpose };
}

function dynamicQuantizeMatMul(
  name: string,
  a: string,
  weight: string,
  scale: string,
  output: string,
  bias?: string,
): Node {
  const inputs = [a, weight, scale];
  if (bias) inputs.push('', bias);
  return onnx.NodeProto.create({
    name: `${name}_int8`,
    opType: 'DynamicQuantizeMatMul',
    domain: MS_DOMAIN,
    input: inputs,
    output: [output],
  });
}

/** Returns null when the node cannot be converted (then it is left as it is). */
function repackNBits(init: Initializers, node: Node): Node[] | null {
  const [a, bName, scalesName, zpName, gIdx, bias] = node.input;
  if (attr(node, 'bits') !== 4 || (gIdx ?? '') !== '') return null;
  const K = attr(node, 'K');
  const N = attr(node, 'N');
  const blockSize = attr(node, 'block_size');
  const b = init.get(bName);
  const s = scalesName ? init.get(scalesName) : undefined;
  const zp = zpName ? init.get(zpName) : undefined;
  if (!K || !N || !blockSize || !b || !s || (zpName && (!zp || zp.dataType !== UINT8))) return null;
  // Resolve every source now: relayout() rewrites external locations before it runs quantize.
  const packed = init.bytes(b);
  const blocks = Math.ceil(K / blockSize);
  if (packed.length !== N * blocks * (blockSize / 2)) return null;
  const scales = init.floats(s);
  const zeroPoints = zp ? init.bytes(zp) : undefined;
  const quantize = (target: Int8Array) =>
    nbitsToInt8({ K, N, blockSize, packed, scales, zeroPoints, target });
  const { weight, scale, transpose } = int8Tensors(init, bName, quantize, K, N);
  return [
    transpose,
    dynamicQuantizeMatMul(node.name || bName, a, weight, scale, node.output[0], bias || undefined),
  ];
}

/** The MatMul that writes `logits`, with a constant [K, N] weight or a Transpose of an [N, K] one. */
function repackOutputProjection(
  init: Initializers,
  nodes: Node[],
  node: Node,
  minElements: number,
): { nodes: Node[]; dropped?: Node } | null {
  const [a, bName] = node.input;
  const direct = init.get(bName);
  const producer = nodes.find((n) => n.output.includes(bName));
  let quantize: (target: Int8Array) => Int8Columns;
  let K: number;
  let N: number;
  let dropped: Node | undefined;
  if (direct && direct.dims.length === 2) {
    [K, N] = direct.dims.map(toNumber);
    if (K * N < minElements) return null;
    const raw = init.bytes(direct);
    quantize = (target) => floatToInt8(init.floats(direct, raw), K, N, 'KN', target);
  } else if (producer?.opType === 'Transpose' && init.get(producer.input[0])?.dims.length === 2) {
    const table = init.get(producer.input[0])!;
    [N, K] = table.dims.map(toNumber);
    if (K * N < minElements) return null;
    const raw = init.bytes(table);
    quantize = (target) => floatToInt8(init.floats(table, raw), K, N, 'NK', target);
    const otherUses = nodes.some((n) => n !== node && n.input.includes(bName));
    if (!otherUses) dropped = producer;
  } else return null;
  const { weight, scale, transpose } = int8Tensors(init, bName || 'head', quantize, K, N);
  return {
    nodes: [
      transpose,
      dynamicQuantizeMatMul(node.name || 'head', a, weight, scale, node.output[0]),
    ],
    dropped,
  };
}

function initializerBytes(t: Tensor): number {
  if (t.dataLocation === EXTERNAL)
    return Number(t.externalData.find((e) => e.key === 'length')?.value ?? 0);
  return t.rawData?.length ?? 0;
}

/** Writes every large initializer into one new external data file named `dataPath`. */
function relayout(init: Initializers, dataPath: string, keepInline = 1024) {
  const tensors = init.all();
  let size = 0;
  const placed: { t: Tensor; length: number; offset: number }[] = [];
  for (const t of tensors) {
    const length = init.lazy.get(t)?.size ?? init.bytes(t).length;
    if (length < keepInline && !init.lazy.has(t)) continue;
    size += (ALIGNMENT - (size % ALIGNMENT)) % ALIGNMENT;
    placed.push({ t, length, offset: size });
    size += length;
  }
  const data = new Uint8Array(size);
  const placedSet = new Set(placed.map((p) => p.t));
  // Small tensors that were external move inline, read before any location is rewritten.
  for (const t of tensors) {
    if (t.dataLocation === EXTERNAL && !placedSet.has(t)) {
      t.rawData = new Uint8Array(init.bytes(t));
      t.dataLocation = 0;
      t.externalData = [];
    }
  }
  for (const { t, length, offset } of placed) {
    const target = data.subarray(offset, offset + length);
    const lazy = init.lazy.get(t);
    if (lazy) lazy.write(target);
    else target.set(init.bytes(t));
    t.rawData = new Uint8Array(0);
    t.dataLocation = EXTERNAL;
    t.externalData = [
      { key: 'location', value: dataPath },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(length) },
    ];
  }
  return data;
}

const LOGITS_HEADS = new Set(['MatMul', 'DynamicQuantizeMatMul', 'MatMulNBits']);

/** Inserts Slice(input, -1:, axis 1) before the matmul that writes `logits` [batch, seq, vocab]. */
function sliceLogitsInput(init: Initializers, graph: Graph, nodes: Node[]): boolean {
  const at = nodes.findIndex((n) => n.output.includes('logits') && LOGITS_HEADS.has(n.opType));
  if (at < 0) return false;
  const head = nodes[at];
  // Inline, not external: ONNX Runtime's shape inference reads Slice bounds from the graph.
  const int64 = (name: string, value: bigint) => {
    init.addInline(name, [1], INT64, new Uint8Array(BigInt64Array.of(value).buffer));
    return name;
  };
  const sliced = `${head.input[0]}_last_position`;
  const slice = onnx.NodeProto.create({
    name: 'logits_last_position',
    opType: 'Slice',
    input: [
      head.input[0],
      int64('logits_slice_start', -1n),
      int64('logits_slice_end', 2n ** 62n),
      int64('logits_slice_axis', 1n),
    ],
    output: [sliced],
  });
  head.input = [sliced, ...head.input.slice(1)];
  nodes.splice(at, 0, slice);
  const dims = graph.output?.find((o) => o.name === 'logits')?.type?.tensorType?.shape?.dim;
  if (dims?.length === 3) dims[1] = onnx.TensorShapeProto.Dimension.create({ dimValue: 1 });
  return true;
}

export function repackToInt8(
  modelBytes: Uint8Array,
  externalData: ExternalDataFile[],
  options: RepackOptions = {},
): RepackResult {
  const model = onnx.ModelProto.decode(modelBytes);
  const graph = model.graph;
  if (!graph) throw new Error('the ONNX file has no graph');
  const init = new Initializers(model, externalData);
  const bytesBefore = init.all().reduce((sum, t) => sum + initializerBytes(t), 0);
  const nodes = graph.node as Node[];
  const outputNames = new Set((graph.output ?? []).map((o) => o.name));
  const replaced = new Map<Node, Node[]>();
  const dropped = new Set<Node>();
  let skipped = 0;
  let outputProjection = false;
  for (const node of nodes) {
    if (node.opType === 'MatMulNBits' && node.domain === MS_DOMAIN) {
      const next = repackNBits(init, node);
      if (next) replaced.set(node, next);
      else skipped++;
    } else if (
      options.quantizeOutputProjection &&
      node.opType === 'MatMul' &&
      outputNames.has(node.output[0])
    ) {
      const next = repackOutputProjection(
        init,
        nodes,
        node,
        options.minOutputProjectionElements ?? 1 << 20,
      );
      if (next) {
        replaced.set(node, next.nodes);
        if (next.dropped) dropped.add(next.dropped);
        outputProjection = true;
      }
    }
  }
  const rewritten = nodes.filter((n) => !dropped.has(n)).flatMap((n) => replaced.get(n) ?? [n]);
  const lastPositionLogits = options.lastPositionLogits
    ? sliceLogitsInput(init, graph, rewritten)
    : false;
  const report = {
    nbitsLayers: [...replaced.keys()].filter((n) => n.opType === 'MatMulNBits').length,
    skipped,
    outputProjection,
    lastPositionLogits,
    bytesBefore,
    bytesAfter: bytesBefore,
  };
  // Nothing to rewrite: hand back the original bytes rather than copying every weight.
  if (replaced.size === 0 && !lastPositionLogits)
    return { model: modelBytes, externalData, report };
  graph.node = rewritten;

  const used = new Set(graph.node.flatMap((n) => n.input));
  for (const o of graph.output ?? []) used.add(o.name);
  init.remove(
    init
      .all()
      .filter((t) => !used.has(t.name))
      .map((t) => t.name),
  );

  const dataPath = externalData[0]?.path ?? 'model.onnx_data';
  const data = relayout(init, dataPath);
  graph.initializer = init.all();
  if (!model.opsetImport.some((o) => o.domain === MS_DOMAIN))
    model.opsetImport.push(onnx.OperatorSetIdProto.create({ domain: MS_DOMAIN, version: 1 }));
  report.bytesAfter = graph.initializer.reduce((sum, t) => sum + initializerBytes(t as Tensor), 0);
  return {
    model: onnx.ModelProto.encode(model).finish(),
    externalData: data.length ? [{ path: dataPath, data }] : [],
    report,
  };
}
