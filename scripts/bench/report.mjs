// Turns bench results into the Markdown table kept in BENCHMARKS.md.
const fmt = (s, digits = 0) =>
  s ? `${s.median.toFixed(digits)} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)})` : '–';

export function renderMarkdown({ machine, runs, results, started }) {
  const lines = [
    `Measured ${started.slice(0, 10)} on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), ${machine.platform}, Node ${machine.node}. Median (min–max) of ${runs} runs; decode over 128 forced tokens.`,
    '',
    '| runtime | dtype | threads | prompt | TTFT ms | prefill tok/s | decode tok/s | load from cache ms | peak memory | long tasks (max ms) |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.runtime} | ${r.dtype} | ${r.threads} | ${r.promptTokens} | ${fmt(r.ttftMs)} | ${fmt(r.prefillTokPerSec)} | ${fmt(r.decodeTokPerSec, 1)} | ${r.loadFromCacheMs ? r.loadFromCacheMs.toFixed(0) : '–'} | ${r.peakBytes ? `${(r.peakBytes / 1e9).toFixed(2)} GB` : '–'} | ${r.longTasks !== undefined ? `${r.longTasks} (${r.longTaskMaxMs.toFixed(0)})` : '–'} |`,
    );
  }
  return `${lines.join('\n')}\n`;
}
