// Turns bench results into the Markdown kept in BENCHMARKS.md: the measurements, the targets (as
// ratios to native onnxruntime, wllama and a bare Transformers.js loop, plus main-thread and memory
// limits; met or not) and output agreement against fp32.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DTYPE_FILES } from '../fixtures/repo-files.mjs';

/** @typedef {import('./stats.mjs').Spread} Spread */

/**
 * One row of results.json: a runtime and weights at one thread count and prompt length.
 * @typedef {object} BenchRow
 * @property {string} runtime
 * @property {string} variant the weights as the report names them
 * @property {string} dtype
 * @property {number} threads
 * @property {number} promptTokens
 * @property {Spread} [ttftMs]
 * @property {Spread} prefillTokPerSec
 * @property {Spread} [decodeTokPerSec] absent when the prompt generates one token
 * @property {number} [loadMs] native: creating the session
 * @property {number} [loadFromCacheMs] app: loading from Cache Storage in a fresh page
 * @property {number} [repackMs] app: the part of that spent repacking weights
 * @property {number} [peakBytes] app: peak resident memory of Chromium
 * @property {number} [longTasks] app: most main-thread long tasks in one reply
 * @property {number} [longTaskMaxMs] app: the longest of them
 * @property {number} [downloadBytes] wllama: the GGUF's size
 */

/**
 * results.json.
 * @typedef {object} Report
 * @property {string} started ISO time
 * @property {string} finished ISO time
 * @property {string} command
 * @property {{
 *   cpu: string | undefined,
 *   cores: number,
 *   memoryGiB: number,
 *   node: string,
 *   platform: string,
 * }} machine
 * @property {number} runs
 * @property {BenchRow[]} results
 * @property {import('./agreement.mjs').AgreementRow[]} agreement
 * @property {import('./wllama/run-wllama.mjs').WllamaSummary | null} wllama
 * @property {(import('./browser.mjs').WebGpuAdapter & { error?: string }) | null} webgpu
 */

/**
 * @param {Spread | undefined} s
 * @param {number} [digits]
 */
const fmt = (s, digits = 0) =>
  s ? `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})` : '–';
/** @param {number | undefined} bytes */
const gb = (bytes) => (bytes ? `${(bytes / 1e9).toFixed(2)} GB` : '–');
/**
 * @param {number | undefined} a
 * @param {number | undefined} b
 */
const ratio = (a, b) => (a && b ? a / b : NaN);
/** @param {number} r */
const x = (r) => (Number.isFinite(r) ? `${r.toFixed(2)}×` : '–');

/**
 * Bytes a browser downloads for `dtype`: the graph and its external data.
 * @param {string} repoDir
 * @param {import('../fixtures/repo-files.mjs').Dtype} dtype
 */
function downloadBytes(repoDir, dtype) {
  const base = join(repoDir, 'onnx', DTYPE_FILES[dtype]);
  return statSync(`${base}.onnx`).size + statSync(`${base}.onnx_data`).size;
}

/**
 * The row of `runtime` (a prefix) with weights `variant` (a prefix; null for any).
 * @param {BenchRow[]} results
 * @param {string} runtime
 * @param {string | null} variant
 * @param {number} threads
 */
function find(results, runtime, variant, threads, promptTokens = 128) {
  return results.find(
    (r) =>
      r.runtime.startsWith(runtime) &&
      (!variant || r.variant.startsWith(variant)) &&
      r.threads === threads &&
      r.promptTokens === promptTokens,
  );
}

/**
 * @param {Report} report
 * @param {{ repoDir?: string }} options without `repoDir`, no download sizes
 */
export function renderMarkdown(
  { machine, runs, results, agreement, started, command, webgpu },
  { repoDir },
) {
  const lines = [
    `Measured ${started.slice(0, 16).replace('T', ' ')} UTC on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), ${machine.platform}, Node ${machine.node}, headless Chromium. Command: \`${command}\`. Median (min–max) of ${runs} runs. Decode is over 128 forced tokens (EOS ignored) after the 128-token prompt; the 1,024-token prompt generates one token.`,
    '',
    webgpu
      ? `WebGPU adapter: ${webgpu.name}${webgpu.software ? ' — a software adapter, so its row is one short run and not comparable with anything' : ''}${webgpu.error ? `; the WebGPU run did not finish (${webgpu.error}), so it has no row` : ''}.`
      : 'WebGPU: no adapter in this browser, so no WebGPU rows.',
    '',
    '| runtime | weights | threads | prompt | TTFT ms | prefill tok/s | decode tok/s | load from cache ms (repack) | peak memory | long tasks (max ms) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const load = r.loadFromCacheMs
      ? `${r.loadFromCacheMs.toFixed(0)}${r.repackMs ? ` (${r.repackMs.toFixed(0)})` : ''}`
      : '–';
    const tasks =
      r.longTasks !== undefined && r.longTaskMaxMs !== undefined
        ? `${r.longTasks} (${r.longTaskMaxMs.toFixed(0)})`
        : '–';
    lines.push(
      `| ${r.runtime} | ${r.variant} | ${r.threads} | ${r.promptTokens} | ${fmt(r.ttftMs)} | ${fmt(r.prefillTokPerSec)} | ${fmt(r.decodeTokPerSec, 1)} | ${load} | ${gb(r.peakBytes)} | ${tasks} |`,
    );
  }

  const ours = find(results, 'app', 'q4 → int8 (engine default)', 2);
  const ours1024 = find(results, 'app', 'q4 → int8 (engine default)', 2, 1024);
  const native = results.filter(
    /** @returns {r is BenchRow & { decodeTokPerSec: Spread }} */
    (r) => r.runtime.startsWith('onnxruntime-node') && !!r.decodeTokPerSec,
  );
  const bestNative = native.reduce(
    (best, r) => (!best || r.decodeTokPerSec.median > best.decodeTokPerSec.median ? r : best),
    /** @type {(typeof native)[number] | null} */ (null),
  );
  const bestNative1024 =
    bestNative && find(results, 'onnxruntime-node', bestNative.variant, 2, 1024);
  const wllama = find(results, 'wllama', null, 2);
  const appQ8 = find(results, 'app', 'q8 (file as is)', 2);
  const bareQ8 = find(results, 'bare', null, 2);
  /**
   * @param {BenchRow | null | undefined} r
   * @param {'prefillTokPerSec' | 'decodeTokPerSec'} key
   */
  const med = (r, key) => r?.[key]?.median;
  const appTasks = results.filter((r) => r.runtime.startsWith('app'));
  const longest = Math.max(0, ...appTasks.map((r) => r.longTaskMaxMs ?? 0));
  const q4Bytes = repoDir ? downloadBytes(repoDir, 'q4') : NaN;
  /** @type {Array<{ name: string, text: string, met: boolean }>} */
  const targets = [];
  /**
   * @param {string} name
   * @param {number} value a ratio
   * @param {(value: number) => boolean} met
   */
  const target = (name, value, met) => targets.push({ name, text: x(value), met: met(value) });
  if (ours && bestNative) {
    target(
      `decode ≥ 0.5× native best (${bestNative.variant})`,
      ratio(med(ours, 'decodeTokPerSec'), med(bestNative, 'decodeTokPerSec')),
      (v) => v >= 0.5,
    );
    target(
      'prefill ≥ 0.5× native best, 128-token prompt',
      ratio(med(ours, 'prefillTokPerSec'), med(bestNative, 'prefillTokPerSec')),
      (v) => v >= 0.5,
    );
    if (ours1024 && bestNative1024)
      target(
        'prefill ≥ 0.5× native best, 1,024-token prompt',
        ratio(med(ours1024, 'prefillTokPerSec'), med(bestNative1024, 'prefillTokPerSec')),
        (v) => v >= 0.5,
      );
  }
  if (ours && wllama) {
    target(
      'decode ≥ 1.0× wllama Q4_0',
      ratio(med(ours, 'decodeTokPerSec'), med(wllama, 'decodeTokPerSec')),
      (v) => v >= 1,
    );
    target(
      'prefill ≥ 1.0× wllama Q4_0',
      ratio(med(ours, 'prefillTokPerSec'), med(wllama, 'prefillTokPerSec')),
      (v) => v >= 1,
    );
  }
  if (appQ8 && bareQ8)
    target(
      'app overhead ≤ 5 % (decode, app / bare Transformers.js, same q8 file)',
      ratio(med(appQ8, 'decodeTokPerSec'), med(bareQ8, 'decodeTokPerSec')),
      (v) => v >= 0.95,
    );
  if (appTasks.length)
    targets.push({
      name: 'no main-thread task over 50 ms during generation (all app runs)',
      text: `longest ${longest.toFixed(0)} ms`,
      met: longest <= 50,
    });
  if (ours?.peakBytes)
    targets.push({
      name: `peak memory ≤ 1.5× the weight bytes (q4 download ${gb(q4Bytes)})`,
      text: `${gb(ours.peakBytes)} = ${(ours.peakBytes / q4Bytes).toFixed(2)}×`,
      met: ours.peakBytes <= 1.5 * q4Bytes,
    });

  lines.push('', '### Targets (engine default: q4 download, repacked to int8, 2 threads)', '');
  lines.push('| target | measured | met |', '|---|---|---|');
  for (const t of targets) lines.push(`| ${t.name} | ${t.text} | ${t.met ? 'yes' : '**no**'} |`);

  if (repoDir) {
    lines.push('', '### Downloads', '', '| weights | bytes |', '|---|---|');
    for (const d of /** @type {const} */ (['fp32', 'q8', 'q4']))
      lines.push(`| ${d} | ${gb(downloadBytes(repoDir, d))} |`);
    if (wllama?.downloadBytes) lines.push(`| wllama Q4_0 GGUF | ${gb(wllama.downloadBytes)} |`);
  }

  if (agreement?.length) {
    lines.push(
      '',
      '### Output agreement with fp32 (onnxruntime-node, one 128-token teacher-forced pass)',
      '',
      '| weights | top-1 agreement | relative RMS logit error | max abs logit error | vs the q4 file: top-1, RMS error |',
      '|---|---|---|---|---|',
    );
    /**
     * @param {number} v
     * @param {number} [d]
     */
    const pct = (v, d = 1) => `${(v * 100).toFixed(d)} %`;
    for (const a of agreement)
      lines.push(
        `| ${a.variant} | ${pct(a.top1Agreement)} | ${pct(a.relativeRmsError, 2)} | ${a.maxAbsError.toFixed(3)} | ${a.vsQ4File ? `${pct(a.vsQ4File.top1Agreement)}, ${pct(a.vsQ4File.relativeRmsError, 2)}` : '–'} |`,
      );
  }
  return `${lines.join('\n')}\n`;
}
