import { readdirSync, readFileSync } from 'node:fs';

/** Total resident memory of all Chromium processes, in bytes (Linux /proc). */
function chromiumRss() {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (!/^Name:\s*(chromium|chrome)/m.test(status)) continue;
      total += Number(status.match(/^VmRSS:\s*(\d+)/m)?.[1] ?? 0) * 1024;
    } catch {
      // The process exited while we read it.
    }
  }
  return total;
}

/**
 * Samples Chromium's memory every `intervalMs` until stopped; returns the peak.
 * @returns {() => number} stops sampling and returns the peak, in bytes
 */
export function watchPeakMemory(intervalMs = 200) {
  let peak = chromiumRss();
  const timer = setInterval(() => (peak = Math.max(peak, chromiumRss())), intervalMs);
  return () => {
    clearInterval(timer);
    return Math.max(peak, chromiumRss());
  };
}
