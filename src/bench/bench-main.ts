/**
 * The benchmark harness page (bench.html): drives the app's own engine client and worker, with
 * no UI, so `npm run bench` measures exactly what the app runs. Built only with BENCH=1.
 */
import { createBrowserEngine } from '../engine/client';
import type { LoadOptions, PromptRequest } from '../engine/protocol';
import { PRESETS } from '../lib/generation-params';

const engine = createBrowserEngine();

/** A user message whose templated prompt is exactly `target` tokens (each word is one token). */
async function promptOfLength(target: number): Promise<PromptRequest> {
  const make = (n: number): PromptRequest => ({
    messages: [{ role: 'user', content: Array.from({ length: n }, () => ' hello').join('') }],
  });
  const base = (await engine.request('render', make(1))).tokenCount - 1;
  const req = make(Math.max(1, target - base));
  const count = (await engine.request('render', req)).tokenCount;
  if (count !== target) throw new Error(`prompt has ${count} tokens, wanted ${target}`);
  return req;
}

const longTasks: number[] = [];
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) longTasks.push(e.duration);
}).observe({ type: 'longtask', buffered: false });

const api = {
  capabilities: () => engine.request('capabilities', {}),
  load: (opts: LoadOptions) => engine.request('load', opts),
  async generate(promptTokens: number, newTokens: number) {
    const req = await promptOfLength(promptTokens);
    longTasks.length = 0;
    const result = await engine.request('generate', {
      ...req,
      ignoreEos: true,
      params: { ...PRESETS.task, maxNewTokens: newTokens },
    });
    return { stats: result.stats, longTasks: [...longTasks] };
  },
};

(window as unknown as { lfm2Bench: typeof api }).lfm2Bench = api;
document.body.dataset.ready = 'true';
