import type { Dtype } from '../../lib/device-choice';
import type { ModelFamily } from '../../lib/generation-params';

export interface CatalogEntry {
  repo: string;
  label: string;
  family: ModelFamily;
  purpose: string;
  paramsMillions: number;
  /** Approximate download per dtype from the published listings; real sizes are probed on pick. */
  approxSizes: Partial<Record<Dtype, number>>;
  /** Overrides the model host (fixture models live on the app's own `/hub/`). */
  host?: string;
  fixture?: boolean;
}

const GB = 1e9;
const size1_2B = { fp32: 4.7 * GB, fp16: 2.36 * GB, q4: 1.22 * GB, q4f16: 0.87 * GB };

export const CATALOG: CatalogEntry[] = [
  {
    repo: 'onnx-community/LFM2-350M-ONNX',
    label: 'LFM2 350M',
    family: 'lfm2',
    purpose: 'Smallest and fastest general chat model',
    paramsMillions: 354,
    approxSizes: { fp32: 1.42 * GB, fp16: 0.71 * GB, q4: 0.42 * GB, q4f16: 0.29 * GB },
  },
  {
    repo: 'onnx-community/LFM2-700M-ONNX',
    label: 'LFM2 700M',
    family: 'lfm2',
    purpose: 'General chat, better quality than 350M',
    paramsMillions: 742,
    approxSizes: { fp32: 3.0 * GB, fp16: 1.5 * GB, q4: 0.84 * GB, q4f16: 0.58 * GB },
  },
  {
    repo: 'onnx-community/LFM2-1.2B-ONNX',
    label: 'LFM2 1.2B',
    family: 'lfm2',
    purpose: 'Largest LFM2 text model that fits comfortably in a browser',
    paramsMillions: 1170,
    approxSizes: size1_2B,
  },
  {
    repo: 'LiquidAI/LFM2.5-1.2B-Instruct-ONNX',
    label: 'LFM2.5 1.2B Instruct',
    family: 'lfm2.5',
    purpose: 'Newest instruct model: chat, reasoning, tool use',
    paramsMillions: 1170,
    approxSizes: { fp32: 4.7 * GB, fp16: 2.4 * GB, q4: 1.2 * GB, q4f16: 0.87 * GB },
  },
  {
    repo: 'onnx-community/LFM2-1.2B-Tool-ONNX',
    label: 'LFM2 1.2B Tool',
    family: 'task',
    purpose: 'Task model for tool calling (greedy decoding)',
    paramsMillions: 1170,
    approxSizes: { ...size1_2B, q8: 1.3 * GB },
  },
  {
    repo: 'onnx-community/LFM2-1.2B-RAG-ONNX',
    label: 'LFM2 1.2B RAG',
    family: 'task',
    purpose: 'Task model for answering from provided documents',
    paramsMillions: 1170,
    approxSizes: size1_2B,
  },
  {
    repo: 'onnx-community/LFM2-1.2B-Extract-ONNX',
    label: 'LFM2 1.2B Extract',
    family: 'task',
    purpose: 'Task model for extracting structured data (JSON) from text',
    paramsMillions: 1170,
    approxSizes: size1_2B,
  },
];

/** Guesses the preset family of a repo typed by the user, from its name. */
export function guessFamily(repo: string): ModelFamily {
  if (/lfm2\.5/i.test(repo)) return 'lfm2.5';
  if (/-vl-/i.test(repo)) return 'lfm2-vl';
  if (/-(tool|rag|extract)\b/i.test(repo)) return 'task';
  return 'lfm2';
}

export const REPO_ID_PATTERN = /^[\w.-]+\/[\w.-]+$/;

interface FixtureIndexEntry {
  id: string;
  label?: string;
  description?: string;
  family?: string;
  dtypes?: Partial<Record<Dtype, number>>;
}

/**
 * Dev and test servers mount generated fixture models at `/hub/`; a static deployment has no such
 * route, so this returns [] there and the app never depends on fixtures.
 */
export async function loadFixtureEntries(baseUrl: string): Promise<CatalogEntry[]> {
  try {
    const res = await fetch(new URL('hub/fixtures.json', baseUrl));
    if (!res.ok || !res.headers.get('content-type')?.includes('json')) return [];
    const list = (await res.json()) as FixtureIndexEntry[];
    const host = new URL('hub/', baseUrl).href;
    return list.map((f) => ({
      repo: f.id,
      label: f.label ?? f.id.split('/')[1],
      family: f.family === 'lfm2.5' ? 'lfm2.5' : 'lfm2',
      purpose: f.description ?? 'Test fixture model',
      paramsMillions: 1,
      approxSizes: f.dtypes ?? {},
      host,
      fixture: true,
    }));
  } catch {
    return [];
  }
}
