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

const MS_DOMAIN = 'com.microsoft';
const FLOAT = 1;
const UINT8 = 2;
const INT8 = 3;
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
}

export interface RepackReport {
  /** MatMulNBits nodes turned into int8. */
  nbitsLayers: number;
  /** MatMulNBits nodes left alone (unsupported bit width, g_idx, non-constant weights). */
  skipped: number;
  outputProjection: boolean;
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

  floats(t: Tensor): Float32Array {
    const raw = this.bytes(t);
    if (t.dataType === FLOAT) {
      // Copy (new Uint8Array, not slice: a Node Buffer's slice is a view into a shared pool) to
      // get 4-byte alignment whatever the offset in the data file.
      return new Float32Array(new Uint8Array(raw).buffer);
    }
    if (t.dataType === FLOAT16)
      return float16ToFloat32(new Uint16Array(new Uint8Array(raw).buffer));
    throw new Error(`${t.name} is not a float tensor`);
  }

  add(name: string, dims: number[], dataType: number, rawData: Uint8Array): void {
    const t = onnx.TensorProto.create({ name, dims, dataType, rawData });
    this.byName.set(name, t);
  }

  remove(names: Iterable<string>): void {
    for (const n of names) this.byName.delete(n);
  }

  all(): Tensor[] {
    return [...this.byName.values()];
  }
}

/** Adds the [N, K] int8 rows and their scales; returns the node list that yields B as [K, N]. */
function int8Tensors(
  init: Initializers,
  base: string,
  { q, scales }: Int8Columns,
  K: number,
  N: number,
) {
  const rows = `${base}_int8_nk`;
  const weight = `${base}_int8`;
  const scale = `${base}_int8_scale`;
  init.add(rows, [N, K], INT8, new Uint8Array(q.buffer, q.byteOffset, q.byteLength));
  init.add(scale, [N], FLOAT, new Uint8Array(scales.buffer));
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
  const columns = nbitsToInt8({
    K,
    N,
    blockSize,
    packed: init.bytes(b),
    scales: init.floats(s),
    zeroPoints: zp ? init.bytes(zp) : undefined,
  });
  const { weight, scale, transpose } = int8Tensors(init, bName, columns, K, N);
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
  let columns: Int8Columns;
  let K: number;
  let N: number;
  let dropped: Node | undefined;
  if (direct && direct.dims.length === 2) {
    [K, N] = direct.dims.map(toNumber);
    if (K * N < minElements) return null;
    columns = floatToInt8(init.floats(direct), K, N, 'KN');
  } else if (producer?.opType === 'Transpose' && init.get(producer.input[0])?.dims.length === 2) {
    const table = init.get(producer.input[0])!;
    [N, K] = table.dims.map(toNumber);
    if (K * N < minElements) return null;
    columns = floatToInt8(init.floats(table), K, N, 'NK');
    const otherUses = nodes.some((n) => n !== node && n.input.includes(bName));
    if (!otherUses) dropped = producer;
  } else return null;
  const { weight, scale, transpose } = int8Tensors(init, bName || 'head', columns, K, N);
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
  const placed: { t: Tensor; raw: Uint8Array; offset: number }[] = [];
  for (const t of tensors) {
    const raw = init.bytes(t);
    if (raw.length < keepInline) continue;
    size += (ALIGNMENT - (size % ALIGNMENT)) % ALIGNMENT;
    placed.push({ t, raw, offset: size });
    size += raw.length;
  }
  const data = new Uint8Array(size);
  const placedSet = new Set(placed.map((p) => p.t));
  for (const { t, raw, offset } of placed) {
    data.set(raw, offset);
    t.rawData = new Uint8Array(0);
    t.dataLocation = EXTERNAL;
    t.externalData = [
      { key: 'location', value: dataPath },
      { key: 'offset', value: String(offset) },
      { key: 'length', value: String(raw.length) },
    ];
  }
  for (const t of tensors) {
    if (t.dataLocation === EXTERNAL && !placedSet.has(t)) {
      const raw = init.bytes(t);
      t.dataLocation = 0;
      t.externalData = [];
      t.rawData = raw;
    }
  }
  return data;
}

/** True when the model has something this module would rewrite. */
export function hasNBitsLayers(modelBytes: Uint8Array): boolean {
  const model = onnx.ModelProto.decode(modelBytes);
  return (model.graph?.node ?? []).some((n) => n.opType === 'MatMulNBits');
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
  graph.node = nodes.filter((n) => !dropped.has(n)).flatMap((n) => replaced.get(n) ?? [n]);

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
  const bytesAfter = graph.initializer.reduce((sum, t) => sum + initializerBytes(t as Tensor), 0);
  return {
    model: onnx.ModelProto.encode(model).finish(),
    externalData: data.length ? [{ path: dataPath, data }] : [],
    report: {
      nbitsLayers: [...replaced.keys()].filter((n) => n.opType === 'MatMulNBits').length,
      skipped,
      outputProjection,
      bytesBefore,
      bytesAfter,
    },
  };
}
