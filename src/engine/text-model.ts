import {
  AutoModelForCausalLM,
  AutoTokenizer,
  InterruptableStoppingCriteria,
  Tensor,
  TextStreamer,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type ProgressInfo,
} from '@huggingface/transformers';
import type { Device, Dtype } from '../lib/device-choice';
import type { GenerationParams } from '../lib/generation-params';
import { reusablePrefix } from '../lib/prefix-cache';
import { EngineError } from './errors';
import { prefillBudget, promptFits } from '../lib/context-budget';
import { PromptEncoder, type EncodedPrompt } from './prompt-encoding';
import { yieldToEventLoop } from './yield';
import { buildLogitsProcessors, generationConfig } from './logits-processors';
import type { ChatModelHandle } from './model-handle';
import type { GenerateResult, PromptRequest, RenderedPrompt, RepoRef } from './protocol';

/** Transformers.js' cache object; typed loosely because its class is not exported in the typings. */
interface KvCache {
  dispose(): Promise<void>;
}

interface GenerateOutput {
  sequences: Tensor;
  past_key_values: KvCache;
}

/** What the model's config says about its size, for the context check. */
interface ModelShape {
  contextLength: number | null;
  attentionHeads: number;
}

export class TextModel implements ChatModelHandle {
  readonly kind = 'text' as const;
  private cache: { ids: bigint[]; kv: KvCache } | null = null;
  private readonly stopper = new InterruptableStoppingCriteria();
  private readonly encoder: PromptEncoder;
  private busy = false;

  private constructor(
    private readonly tokenizer: PreTrainedTokenizer,
    private readonly model: PreTrainedModel,
    chatTemplate: string | undefined,
    private readonly device: Device,
    private readonly shape: ModelShape,
  ) {
    this.encoder = new PromptEncoder(tokenizer, chatTemplate);
  }

  /**
   * `fileName` loads `onnx/{fileName}.onnx` instead of the name Transformers.js derives from the
   * dtype (LiquidAI's repos call their 8-bit file `model_q8.onnx`, Transformers.js expects
   * `model_quantized.onnx`).
   */
  static async load(
    ref: RepoRef,
    device: Device,
    dtype: Dtype,
    onProgress: (p: ProgressInfo) => void,
    fileName?: string,
  ): Promise<TextModel> {
    const opts = { revision: ref.revision, progress_callback: onProgress };
    const tokenizer = await AutoTokenizer.from_pretrained(ref.repo, opts);
    const model = await AutoModelForCausalLM.from_pretrained(ref.repo, {
      ...opts,
      device,
      // A named file carries its own precision; '' (fp32) keeps Transformers.js from adding a suffix.
      ...(fileName ? { dtype: 'fp32', model_file_name: fileName } : { dtype }),
    });
    // Transformers.js reads the template only from tokenizer_config.json; newer repos ship it as
    // chat_template.jinja instead, so fall back to that file rather than inventing a template.
    const template = hasTemplate(tokenizer) ? undefined : await fetchTemplateFile(ref);
    yieldBeforeEachStep(model);
    const config = model.config as unknown as Record<string, unknown>;
    const num = (v: unknown) => (typeof v === 'number' && v > 0 ? v : null);
    return new TextModel(tokenizer, model, template, device, {
      contextLength: num(config.max_position_embeddings),
      attentionHeads: num(config.num_attention_heads) ?? 32,
    });
  }

  get specialTokens(): string[] {
    return this.tokenizer.all_special_tokens;
  }

  get eosToken(): string {
    return this.tokenizer.eos_token;
  }

  /** The exact prompt string the model receives, rendered by the model's own chat template. */
  render(req: PromptRequest): RenderedPrompt {
    const { text, ids, plainSpecialSpans } = this.encode(req);
    return {
      text,
      tokenCount: ids.length,
      plainSpecialSpans,
      contextLength: this.shape.contextLength,
    };
  }

  private encode(req: PromptRequest): EncodedPrompt {
    return this.encoder.encode(req.messages, req.tools, req.prefill, req.continuation);
  }

  async generate(
    req: PromptRequest,
    params: GenerationParams,
    onText: (text: string) => void,
  ): Promise<GenerateResult> {
    if (this.busy) throw new EngineError('busy');
    this.busy = true;
    try {
      return await this.runGeneration(req, params, onText);
    } finally {
      this.busy = false;
    }
  }

  private async runGeneration(
    req: PromptRequest,
    params: GenerationParams,
    onText: (text: string) => void,
  ): Promise<GenerateResult> {
    const { ids } = this.encode(req);
    const cachedTokens = reusablePrefix(this.cache?.ids ?? null, ids);
    // Checked before anything reaches ONNX Runtime: an oversized prompt must fail here, with a
    // message, not deep in the runtime (where it can leave the WASM heap unusable).
    const fit = promptFits({
      promptTokens: ids.length,
      cachedTokens,
      maxNewTokens: params.maxNewTokens,
      contextLength: this.shape.contextLength,
      attentionHeads: this.shape.attentionHeads,
      budgetBytes: prefillBudget(this.device),
    });
    if (!fit.ok) throw new EngineError('context_too_long', fit.detail, fit.message);
    const previous = this.cache;
    this.cache = null;
    if (previous && cachedTokens === 0) await previous.kv.dispose();

    const start = performance.now();
    let firstTokenAt = 0;
    let outputTokens = 0;
    const streamer = new TextStreamer(this.tokenizer, {
      skip_prompt: true,
      skip_special_tokens: false,
      // Stored text must be exactly what was generated: the genuine LFM2 tokenizer configs turn
      // this clean-up on, and it rewrites `a , b` as `a, b`.
      decode_kwargs: { clean_up_tokenization_spaces: false },
      callback_function: (t: string) => {
        if (t) onText(t);
      },
      token_callback_function: () => {
        outputTokens++;
        if (!firstTokenAt) firstTokenAt = performance.now();
      },
    });
    this.stopper.reset();
    const out = (await this.model.generate({
      input_ids: new Tensor('int64', BigInt64Array.from(ids), [1, ids.length]),
      attention_mask: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
      ...(cachedTokens > 0 ? { past_key_values: previous!.kv } : {}),
      ...generationConfig(params),
      ...(req.ignoreEos ? { min_new_tokens: params.maxNewTokens } : {}),
      logits_processor: buildLogitsProcessors(params),
      stopping_criteria: this.stopper,
      streamer,
      return_dict_in_generate: true,
    } as never)) as unknown as GenerateOutput;
    const end = performance.now();

    const sequence = Array.from(out.sequences.data as BigInt64Array);
    // The last sampled token was never fed back, so the cache covers all but the last id.
    this.cache = { ids: sequence.slice(0, -1), kv: out.past_key_values };
    const generated = sequence.slice(ids.length);
    const eosId = this.tokenizer.eos_token_id;
    const endedOnEos = generated.length > 0 && Number(generated.at(-1)) === eosId;
    const kept = endedOnEos ? generated.slice(0, -1) : generated;
    // An end-of-turn as the very first token is a valid, empty reply.
    const text = kept.length
      ? this.tokenizer.decode(kept, {
          skip_special_tokens: false,
          clean_up_tokenization_spaces: false,
        })
      : '';
    const ttftMs = (firstTokenAt || end) - start;
    const decodeMs = end - (firstTokenAt || end);
    return {
      text,
      finishReason: this.stopper.interrupted ? 'stopped' : endedOnEos ? 'eos' : 'length',
      stats: {
        promptTokens: ids.length,
        cachedTokens,
        outputTokens,
        ttftMs,
        prefillTokPerSec: ((ids.length - cachedTokens) / ttftMs) * 1000,
        decodeTokPerSec:
          outputTokens > 1 && decodeMs > 0 ? ((outputTokens - 1) / decodeMs) * 1000 : 0,
        totalMs: end - start,
      },
    };
  }

  stop(): void {
    this.stopper.interrupt();
  }

  async dispose(): Promise<void> {
    await this.cache?.kv.dispose();
    this.cache = null;
    await this.model.dispose();
  }
}

/**
 * ONNX Runtime's WASM `run` can finish without ever giving the worker's event loop a turn, so a
 * Stop message would wait for the whole reply. Yielding once per forward pass lets it through.
 */
function yieldBeforeEachStep(model: PreTrainedModel): void {
  const forward = model.forward.bind(model);
  model.forward = async (inputs: object) => {
    await yieldToEventLoop();
    return forward(inputs);
  };
}

function hasTemplate(tokenizer: PreTrainedTokenizer): boolean {
  return Boolean((tokenizer as unknown as { chat_template?: unknown }).chat_template);
}

async function fetchTemplateFile(ref: RepoRef): Promise<string | undefined> {
  const url = `${ref.host.replace(/\/?$/, '/')}${ref.repo}/resolve/${ref.revision ?? 'main'}/chat_template.jinja`;
  try {
    const res = await fetch(url);
    return res.ok ? await res.text() : undefined;
  } catch {
    return undefined;
  }
}
