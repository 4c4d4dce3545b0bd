import { AutoConfig, ModelRegistry } from '@huggingface/transformers';
import type { Dtype } from '../lib/device-choice';
import { explainLoadError } from './load-errors';
import type { RepoInfo, RepoRef } from './protocol';

const SUFFIX: Record<Dtype, string> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  q4: '_q4',
  q4f16: '_q4f16',
};

type ExternalData = boolean | number | Record<string, boolean | number> | undefined;

/** How many `.onnx_data` shards Transformers.js will fetch for `onnx/{file}`, as it decides it. */
function dataShards(setting: ExternalData, file: string, base: string): number {
  const v = typeof setting === 'object' ? (setting[file] ?? setting[base]) : setting;
  if (v === true) return 1;
  return typeof v === 'number' ? v : 0;
}

async function fileSize(ref: RepoRef, file: string): Promise<number | undefined> {
  const meta = await ModelRegistry.get_file_metadata(ref.repo, file, { revision: ref.revision });
  return meta.exists ? (meta.size ?? 0) : undefined;
}

/**
 * Reads a repo's config and probes which dtype files exist and how large each download is, so the
 * UI can show real sizes (and the engine pick among real files) for catalog and custom repos alike.
 */
export async function inspectRepo(ref: RepoRef): Promise<RepoInfo> {
  let config: Record<string, unknown>;
  try {
    config = (await AutoConfig.from_pretrained(ref.repo, {
      revision: ref.revision,
    })) as unknown as Record<string, unknown>;
  } catch (e) {
    throw explainLoadError(e, 'model_not_found');
  }
  const modelType = String(config.model_type ?? 'unknown');
  const kind = modelType === 'lfm2_vl' ? 'vision' : 'text';
  const base = kind === 'vision' ? 'decoder_model_merged' : 'model';
  const tjs = (config['transformers.js_config'] ?? {}) as {
    use_external_data_format?: ExternalData;
  };

  /** Download bytes of `onnx/{name}.onnx` and its external data, or undefined if absent. */
  const downloadSize = async (name: string) => {
    const file = `${name}.onnx`;
    const graph = await fileSize(ref, `onnx/${file}`);
    if (graph === undefined) return undefined;
    const shards = dataShards(tjs.use_external_data_format, file, base);
    let total = graph;
    for (let i = 0; i < shards; i++)
      total += (await fileSize(ref, `onnx/${file}_data${i === 0 ? '' : `_${i}`}`)) ?? 0;
    return total;
  };

  const sizes: Partial<Record<Dtype, number>> = {};
  const fileNames: Partial<Record<Dtype, string>> = {};
  await Promise.all(
    (Object.keys(SUFFIX) as Dtype[]).map(async (dtype) => {
      const size = await downloadSize(`${base}${SUFFIX[dtype]}`);
      if (size !== undefined) sizes[dtype] = size;
    }),
  );
  // LiquidAI's own repos name the 8-bit file `model_q8.onnx`; Transformers.js would look for
  // `model_quantized.onnx`. Offer it as q8 and load it by name.
  if (sizes.q8 === undefined) {
    const q8 = await downloadSize(`${base}_q8`);
    if (q8 !== undefined) {
      sizes.q8 = q8;
      fileNames.q8 = `${base}_q8`;
    }
  }
  return { repo: ref.repo, modelType, kind, sizes, fileNames };
}
