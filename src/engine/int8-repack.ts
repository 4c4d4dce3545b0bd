// Load-time repacking of 4-bit (MatMulNBits) weights into int8 for the WASM backend, applied where
// Transformers.js hands the downloaded bytes to ONNX Runtime. The download and the cached files
// stay exactly the published q4 files; only the session ONNX Runtime builds from them changes.
import * as ort from 'onnxruntime-web/webgpu';
import { repackToInt8, type ExternalDataFile } from '../lib/onnx-repack/repack-model';
import type { RepackSummary } from './protocol';

export type { RepackSummary };

interface Active {
  quantizeOutputProjection: boolean;
  onPhase: (phase: 'repack' | 'initialise') => void;
  summaries: RepackSummary[];
}

let active: Active | null = null;
let installed = false;

type Create = typeof ort.InferenceSession.create;
type SessionOptions = ort.InferenceSession.SessionOptions;

function bytesOnly(files: SessionOptions['externalData']): ExternalDataFile[] | null {
  const out: ExternalDataFile[] = [];
  for (const f of files ?? []) {
    if (typeof f === 'string' || !(f.data instanceof Uint8Array)) return null;
    out.push({ path: f.path, data: f.data });
  }
  return out;
}

function install(): void {
  if (installed) return;
  installed = true;
  const original: Create = ort.InferenceSession.create.bind(ort.InferenceSession);
  // Transformers.js calls InferenceSession.create(bytes, options) with the external data as
  // options.externalData; it has no hook of its own between download and session creation.
  const patched = (async (...args: Parameters<Create>) => {
    const [model, options] = args as [unknown, SessionOptions | undefined];
    const external = bytesOnly(options?.externalData);
    if (!active || !(model instanceof Uint8Array) || !options || !external)
      return original(...args);
    const state = active;
    state.onPhase('repack');
    const t0 = performance.now();
    const {
      model: bytes,
      externalData,
      report,
    } = repackToInt8(model, external, {
      quantizeOutputProjection: state.quantizeOutputProjection,
      lastPositionLogits: true,
    });
    state.onPhase('initialise');
    if (report.nbitsLayers === 0 && !report.outputProjection && !report.lastPositionLogits)
      return original(...args);
    state.summaries.push({
      layers: report.nbitsLayers,
      outputProjection: report.outputProjection,
      lastPositionLogits: report.lastPositionLogits,
      ms: performance.now() - t0,
      bytes: report.bytesAfter,
    });
    return original(bytes, { ...options, externalData });
  }) as Create;
  ort.InferenceSession.create = patched;
}

/**
 * Runs `load` with repacking on: every session created meanwhile gets its 4-bit layers (and, when
 * asked, its float output projection) on int8 kernels. Returns what was repacked.
 */
export async function withInt8Repack<T>(
  options: Omit<Active, 'summaries'>,
  load: () => Promise<T>,
): Promise<{ value: T; summary: RepackSummary | null }> {
  install();
  const state: Active = { ...options, summaries: [] };
  active = state;
  try {
    const value = await load();
    const summary = state.summaries.reduce<RepackSummary | null>(
      (sum, s) =>
        sum
          ? {
              layers: sum.layers + s.layers,
              outputProjection: sum.outputProjection || s.outputProjection,
              lastPositionLogits: sum.lastPositionLogits || s.lastPositionLogits,
              ms: sum.ms + s.ms,
              bytes: sum.bytes + s.bytes,
            }
          : s,
      null,
    );
    return { value, summary };
  } finally {
    active = null;
  }
}
