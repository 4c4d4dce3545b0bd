// Writes an LFM2 GGUF that llama.cpp (and so wllama) loads as architecture `lfm2`, following what
// llama.cpp's convert_hf_to_gguf.py (LFM2Model) writes and src/models/lfm2.cpp reads:
// per-layer head_count_kv with 0 marking a conv layer, the final norm stored as token_embd_norm,
// the conv kernel squeezed to [hidden, L] and kept F32 (the converter never quantizes it), norms
// F32, and a tied LM head (no output.weight: llama.cpp then reuses token_embd).
import { GGML, GGUF, writeGguf } from './gguf-writer.mjs';
import {
  byteToUnicode,
  SPECIAL_TOKENS as FIXTURE_SPECIAL_TOKENS,
} from '../../fixtures/tokenizer.mjs';
import { quantizeQ4_0, toF16Bytes } from './quant.mjs';

export { randomLfm2Weights } from './random-weights.mjs';

/** @typedef {import('../../fixtures/lfm2-io.mjs').Lfm2Arch} Lfm2Arch */
/** @typedef {import('./gguf-writer.mjs').GgufMetadata} GgufMetadata */
/**
 * A tensor's values by GGUF tensor name and PyTorch shape (layout: see random-weights.mjs).
 * @typedef {(name: string, shape: number[]) => Float32Array} WeightFunction
 */
/**
 * @typedef {object} GgufVocab
 * @property {string[]} tokens
 * @property {number[]} tokenTypes
 * @property {string[]} merges
 * @property {number} bos
 * @property {number} eos
 * @property {number} pad
 */
/** @typedef {'q4_0' | 'f16' | 'f32'} WeightType */

const TOKEN_NORMAL = 1;
const TOKEN_CONTROL = 3;
/** LFM2's leading special tokens at their real ids: pad 0, bos 1, eos 7 = <|im_end|>. */
const SPECIAL_TOKENS = FIXTURE_SPECIAL_TOKENS.slice(0, 8);

/**
 * The letters-only word spelled by placeholder token `id` (base 26, so unique per id).
 * @param {number} id
 */
export function placeholderWord(id) {
  let word = '';
  for (let n = id; n > 0; n = Math.floor(n / 26)) word = String.fromCharCode(97 + (n % 26)) + word;
  return word;
}

/**
 * LFM2's special tokens, the 256 byte tokens, then one token per " <placeholderWord(id)>" (written
 * byte-level, "Ġ" standing for the space). llama.cpp needs the byte tokens (it looks up "\n" and
 * decodes every token through the byte map). Its "lfm2" pre-tokenizer splits text into such
 * space-led words and, ignoring merges, maps a word that is a whole token to that token, so the text
 * of N placeholder ids tokenizes to exactly those N ids. The (required) merges list stays empty.
 * @param {number} size
 * @returns {GgufVocab}
 */
export function placeholderVocab(size) {
  const tokens = [...SPECIAL_TOKENS, ...byteToUnicode()];
  if (size < tokens.length) throw new Error(`vocab must hold at least ${tokens.length} tokens`);
  const types = tokens.map((_, i) => (i < SPECIAL_TOKENS.length ? TOKEN_CONTROL : TOKEN_NORMAL));
  for (let i = tokens.length; i < size; i++) {
    tokens.push(`\u0120${placeholderWord(i)}`);
    types.push(TOKEN_NORMAL);
  }
  return { tokens, tokenTypes: types, merges: [], bos: 1, eos: 7, pad: 0 };
}

/** First id of placeholderVocab's word tokens. */
export const FIRST_WORD_TOKEN = SPECIAL_TOKENS.length + 256;

/**
 * The GGUF tensors of an LFM2 model: name, PyTorch shape (outermost first) and storage kind.
 * @param {Lfm2Arch} arch
 * @param {number} vocabSize
 */
export function lfm2Tensors(arch, vocabSize) {
  const H = arch.hiddenSize;
  const qDim = arch.numHeads * arch.headDim;
  const kvDim = arch.numKvHeads * arch.headDim;
  /** @type {Array<{ name: string, shape: number[], kind: 'embed' | 'f32' | 'matmul' }>} */
  const list = [
    { name: 'token_embd.weight', shape: [vocabSize, H], kind: 'embed' },
    { name: 'token_embd_norm.weight', shape: [H], kind: 'f32' },
  ];
  arch.layerTypes.forEach((type, i) => {
    /**
     * @param {string} n
     * @param {number[]} shape
     * @param {'f32' | 'matmul'} [kind]
     */
    const blk = (n, shape, kind = 'matmul') =>
      list.push({ name: `blk.${i}.${n}.weight`, shape, kind });
    blk('attn_norm', [H], 'f32');
    if (type === 'conv') {
      blk('shortconv.in_proj', [3 * H, H]);
      blk('shortconv.conv', [H, arch.convL], 'f32');
      blk('shortconv.out_proj', [H, H]);
    } else {
      blk('attn_q', [qDim, H]);
      blk('attn_k', [kvDim, H]);
      blk('attn_v', [kvDim, H]);
      blk('attn_output', [H, qDim]);
      blk('attn_q_norm', [arch.headDim], 'f32');
      blk('attn_k_norm', [arch.headDim], 'f32');
    }
    blk('ffn_norm', [H], 'f32');
    blk('ffn_gate', [arch.ffDim, H]);
    blk('ffn_up', [arch.ffDim, H]);
    blk('ffn_down', [H, arch.ffDim]);
  });
  return list;
}

/**
 * @param {Lfm2Arch} arch
 * @param {GgufVocab} vocab
 * @param {number} fileType
 * @param {string} name
 */
function lfm2Metadata(arch, vocab, fileType, name) {
  const A = 'lfm2';
  /**
   * @param {string} key
   * @param {number} v
   * @returns {GgufMetadata}
   */
  const u32 = (key, v) => [key, GGUF.UINT32, v];
  /**
   * @param {string} key
   * @param {number} v
   * @returns {GgufMetadata}
   */
  const f32 = (key, v) => [key, GGUF.FLOAT32, v];
  /**
   * @param {string} key
   * @param {string} v
   * @returns {GgufMetadata}
   */
  const str = (key, v) => [key, GGUF.STRING, v];
  /** @type {GgufMetadata[]} */
  const metadata = [
    str('general.architecture', A),
    str('general.name', name),
    u32('general.file_type', fileType),
    u32('general.quantization_version', 2),
    u32(`${A}.block_count`, arch.layerTypes.length),
    u32(`${A}.context_length`, arch.maxPositions),
    u32(`${A}.embedding_length`, arch.hiddenSize),
    u32(`${A}.feed_forward_length`, arch.ffDim),
    u32(`${A}.attention.head_count`, arch.numHeads),
    [
      `${A}.attention.head_count_kv`,
      GGUF.ARRAY,
      arch.layerTypes.map((t) => (t === 'conv' ? 0 : arch.numKvHeads)),
      GGUF.INT32,
    ],
    f32(`${A}.rope.freq_base`, arch.ropeTheta),
    f32(`${A}.attention.layer_norm_rms_epsilon`, arch.normEps),
    u32(`${A}.vocab_size`, vocab.tokens.length),
    u32(`${A}.shortconv.l_cache`, arch.convL),
    str('tokenizer.ggml.model', 'gpt2'),
    str('tokenizer.ggml.pre', 'lfm2'),
    ['tokenizer.ggml.tokens', GGUF.ARRAY, vocab.tokens, GGUF.STRING],
    ['tokenizer.ggml.token_type', GGUF.ARRAY, vocab.tokenTypes, GGUF.INT32],
    ['tokenizer.ggml.merges', GGUF.ARRAY, vocab.merges, GGUF.STRING],
    u32('tokenizer.ggml.bos_token_id', vocab.bos),
    u32('tokenizer.ggml.eos_token_id', vocab.eos),
    u32('tokenizer.ggml.padding_token_id', vocab.pad),
    ['tokenizer.ggml.add_bos_token', GGUF.BOOL, true],
    ['tokenizer.ggml.add_eos_token', GGUF.BOOL, false],
  ];
  // llama.cpp derives the head size as hidden / heads unless told otherwise.
  if (arch.headDim * arch.numHeads !== arch.hiddenSize) {
    metadata.push(u32(`${A}.attention.key_length`, arch.headDim));
    metadata.push(u32(`${A}.attention.value_length`, arch.headDim));
  }
  return metadata;
}

/** @type {Record<WeightType, { type: number, encode: (values: Float32Array) => Uint8Array }>} */
const ENCODINGS = {
  q4_0: { type: GGML.Q4_0, encode: quantizeQ4_0 },
  f16: { type: GGML.F16, encode: toF16Bytes },
  f32: { type: GGML.F32, encode: (v) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength) },
};
/** general.file_type (llama_ftype) by matmul encoding. */
const FILE_TYPES = { f32: 0, f16: 1, q4_0: 2 };

/**
 * @param {string} name
 * @returns {name is WeightType}
 */
export const isWeightType = (name) => Object.hasOwn(ENCODINGS, name);

/**
 * Writes `outFile`. `weights` is a function (name, shape) -> Float32Array or an object keyed by GGUF
 * tensor name (layout: see random-weights.mjs); `vocab` a token count (placeholder vocabulary) or
 * placeholderVocab()'s shape. Matmul weights use `matmulType`; the tied embedding `embedType`
 * (llama-quantize usually gives a tied embedding Q6_K; the default keeps every 2-D weight Q4_0).
 * @param {{
 *   outFile: string,
 *   weights: WeightFunction | Record<string, Float32Array>,
 *   arch: Lfm2Arch,
 *   vocab: number | GgufVocab,
 *   matmulType?: WeightType,
 *   embedType?: WeightType,
 *   name?: string,
 * }} options
 */
export function writeLfm2Gguf({
  outFile,
  weights,
  arch,
  vocab,
  matmulType = 'q4_0',
  embedType = matmulType,
  name = 'LFM2 random weights',
}) {
  for (const t of [matmulType, embedType]) {
    if (!ENCODINGS[t]) throw new Error(`unknown weight type ${t} (${Object.keys(ENCODINGS)})`);
  }
  const voc = typeof vocab === 'number' ? placeholderVocab(vocab) : vocab;
  /** @type {WeightFunction} */
  const get = typeof weights === 'function' ? weights : (n) => weights[n];
  const tensors = lfm2Tensors(arch, voc.tokens.length).map(({ name: tname, shape, kind }) => {
    const enc = ENCODINGS[kind === 'f32' ? 'f32' : kind === 'embed' ? embedType : matmulType];
    return {
      name: tname,
      ne: [...shape].reverse(),
      type: enc.type,
      data: () => {
        const values = get(tname, shape);
        const n = shape.reduce((a, b) => a * b, 1);
        if (!(values instanceof Float32Array) || values.length !== n) {
          throw new Error(`${tname}: expected a Float32Array of ${n} values [${shape}]`);
        }
        return enc.encode(values);
      },
    };
  });
  const metadata = lfm2Metadata(arch, voc, FILE_TYPES[matmulType], name);
  return { ...writeGguf(outFile, { metadata, tensors }), tensors: tensors.length };
}
