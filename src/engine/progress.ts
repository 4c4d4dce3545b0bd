import type { ProgressInfo } from '@huggingface/transformers';
import type { LoadProgress } from './protocol';

/**
 * Folds Transformers.js' per-file events into one snapshot (per file and in total) and emits at
 * most every `intervalMs`, so a multi-GB download does not flood the UI with messages.
 */
export function createProgressTracker(emit: (p: LoadProgress) => void, intervalMs = 100) {
  const state: LoadProgress = { phase: 'download', files: {}, loaded: 0, total: 0 };
  let announcedTotal = 0;
  let lastEmit = 0;

  const flush = (force: boolean) => {
    const now = performance.now();
    if (!force && now - lastEmit < intervalMs) return;
    lastEmit = now;
    const files = Object.values(state.files);
    state.loaded = files.reduce((s, f) => s + f.loaded, 0);
    state.total = Math.max(
      announcedTotal,
      files.reduce((s, f) => s + f.total, 0),
    );
    emit(structuredClone(state));
  };

  return {
    onEvent(e: ProgressInfo) {
      if (e.status === 'progress_total') {
        announcedTotal = Math.max(announcedTotal, e.total ?? 0);
        return;
      }
      if (!('file' in e)) return;
      const f = (state.files[e.file] ??= { loaded: 0, total: 0, done: false });
      if (e.status === 'progress') {
        f.loaded = e.loaded;
        f.total = e.total;
      } else if (e.status === 'done') {
        f.done = true;
        f.loaded = Math.max(f.loaded, f.total);
      }
      flush(e.status === 'done' || e.status === 'initiate');
    },
    initialising() {
      state.phase = 'initialise';
      flush(true);
    },
    repacking() {
      state.phase = 'repack';
      flush(true);
    },
  };
}
