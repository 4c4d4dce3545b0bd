/** bench-bare.html: exposes the bare Transformers.js worker to the benchmark driver. */
const worker = new Worker(new URL('./bare-worker.ts', import.meta.url), {
  type: 'module',
  name: 'bare-transformers',
});

function call<T>(msg: object): Promise<T> {
  return new Promise((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<{ ok: boolean; value: T; error: string }>) =>
      e.data.ok ? resolve(e.data.value) : reject(new Error(e.data.error));
    worker.postMessage(msg);
  });
}

const api = {
  load: (repo: string, host: string, dtype: string, threads: number) =>
    call<{ loadMs: number }>({ type: 'load', repo, host, dtype, threads }),
  generate: (promptTokens: number, newTokens: number) =>
    call<{ ttftMs: number; prefillTokPerSec: number; decodeTokPerSec: number }>({
      type: 'generate',
      promptTokens,
      newTokens,
    }),
};

(window as unknown as { bareBench: typeof api }).bareBench = api;
document.body.dataset.ready = 'true';
