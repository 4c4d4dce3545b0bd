/// <reference lib="webworker" />
/**
 * A bare Transformers.js generate loop (no app code) in a plain worker: the baseline for the
 * app's overhead ratio. Same wasm files and settings as the app, nothing else.
 */
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  env,
  Tensor,
  TextStreamer,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';

declare const self: DedicatedWorkerGlobalScope;

let model: PreTrainedModel | null = null;
let tokenizer: PreTrainedTokenizer | null = null;

type Msg =
  | { type: 'load'; repo: string; host: string; dtype: string; threads: number }
  | { type: 'generate'; promptTokens: number; newTokens: number };

async function handle(msg: Msg) {
  if (msg.type === 'load') {
    const base = new URL('/ort/', self.location.origin).href;
    env.allowLocalModels = false;
    env.remoteHost = msg.host;
    env.backends.onnx.wasm!.wasmPaths = {
      mjs: `${base}ort-wasm-simd-threaded.asyncify.mjs`,
      wasm: `${base}ort-wasm-simd-threaded.asyncify.wasm`,
    };
    env.backends.onnx.wasm!.numThreads = msg.threads;
    const t0 = performance.now();
    tokenizer = await AutoTokenizer.from_pretrained(msg.repo);
    model = await AutoModelForCausalLM.from_pretrained(msg.repo, {
      device: 'wasm',
      dtype: msg.dtype as 'q8',
    });
    return { loadMs: performance.now() - t0 };
  }
  const ids = Array.from({ length: msg.promptTokens }, (_, i) => BigInt(20 + (i % 1500)));
  let first = 0;
  const streamer = new TextStreamer(tokenizer!, {
    skip_prompt: true,
    callback_function: () => undefined,
    token_callback_function: () => {
      if (!first) first = performance.now();
    },
  });
  const t0 = performance.now();
  await model!.generate({
    input_ids: new Tensor('int64', BigInt64Array.from(ids), [1, ids.length]),
    attention_mask: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
    max_new_tokens: msg.newTokens,
    min_new_tokens: msg.newTokens,
    do_sample: false,
    streamer,
  } as never);
  const end = performance.now();
  return {
    ttftMs: first - t0,
    prefillTokPerSec: (msg.promptTokens / (first - t0)) * 1000,
    decodeTokPerSec: ((msg.newTokens - 1) / (end - first)) * 1000,
  };
}

if (!self.name?.startsWith('em-pthread')) {
  self.onmessage = (e: MessageEvent<Msg>) =>
    handle(e.data).then(
      (value) => self.postMessage({ ok: true, value }),
      (err) => self.postMessage({ ok: false, error: String(err) }),
    );
}
