// The globals the benchmark's pages expose to the driver, which calls them through Playwright's
// page.evaluate: lfm2Bench (src/bench/bench-main.ts, bench.html), bareBench
// (src/bench/bare-main.ts, bench-bare.html) and wllamaBench (wllama/page.mjs). The first two are
// built from src/ by Vite, so only the fields the driver reads are declared here (the full types
// are src/engine/protocol.ts's LoadOptions, LoadResult, Capabilities and GenerationStats);
// wllama/page.mjs is checked against its declaration.

/* eslint-disable no-var -- only `var` declarations become properties of globalThis */

interface Lfm2BenchApi {
  capabilities(): Promise<{ webgpu: boolean; adapterName: string; fallbackAdapter: boolean }>;
  load(options: {
    repo: string;
    host: string;
    device: 'wasm' | 'webgpu';
    dtype: string;
    threads: number;
    int8Kernels?: boolean;
    int8OutputProjection?: boolean;
  }): Promise<{ loadMs: number; repack: { ms: number } | null }>;
  /** One reply of `newTokens` forced tokens (EOS ignored) to a prompt of `promptTokens`. */
  generate(
    promptTokens: number,
    newTokens: number,
  ): Promise<{
    stats: { ttftMs: number; prefillTokPerSec: number; decodeTokPerSec: number };
    /** Durations of the main thread's long tasks during the reply, ms. */
    longTasks: number[];
  }>;
}

interface BareBenchApi {
  load(repo: string, host: string, dtype: string, threads: number): Promise<{ loadMs: number }>;
  generate(
    promptTokens: number,
    newTokens: number,
  ): Promise<{ ttftMs: number; prefillTokPerSec: number; decodeTokPerSec: number }>;
}

interface WllamaBenchApi {
  load(options: { threads: number; nCtx: number; nBatch?: number; nUbatch?: number }): Promise<{
    loadMs: number;
    crossOriginIsolated: boolean;
    multithread: boolean;
    threads: number;
    libllama: string;
    /** wllama's LoadedContextInfo without the GGUF metadata. */
    context: { n_ctx: number; n_batch: number; n_ubatch: number; n_vocab: number };
  }>;
  complete(options: { prompt: string; maxTokens: number; bannedTokens?: number[] }): Promise<{
    wallMs: number;
    /** llama-server's own timings of the request. */
    timings?: {
      prompt_n: number;
      prompt_ms: number;
      predicted_n: number;
      predicted_ms: number;
    };
    usage: unknown;
    finishReason: string | null | undefined;
  }>;
  exit(): Promise<void>;
  /** The wllama log lines kept since the last call. */
  takeLogs(): string[];
}

declare var lfm2Bench: Lfm2BenchApi;
declare var bareBench: BareBenchApi;
declare var wllamaBench: WllamaBenchApi;
