import type { StateCreator } from 'zustand';
import type { EngineClient } from '../../engine/client';
import { EngineError, type EngineErrorInfo } from '../../engine/errors';
import type {
  CachedRepo,
  Capabilities,
  LoadOptions,
  LoadProgress,
  LoadResult,
  RepoInfo,
} from '../../engine/protocol';
import type { AppState } from '../../store/app-state';
import { toErrorInfo } from '../../store/errors';
import { CATALOG, guessFamily, type CatalogEntry } from './catalog';
import { requestPersistence, storageStatus, type StorageStatus } from './storage';

export interface DownloadState extends LoadProgress {
  bytesPerSec: number;
}

export type LoadStatus = 'idle' | 'loading' | 'ready' | 'error';

export interface ModelsSlice {
  models: {
    catalog: CatalogEntry[];
    selectedRepo: string;
    capabilities: Capabilities | null;
    repoInfo: RepoInfo | null;
    inspecting: boolean;
    inspectError: EngineErrorInfo | null;
    status: LoadStatus;
    download: DownloadState | null;
    loaded: LoadResult | null;
    error: EngineErrorInfo | null;
    /**
     * Set when the loaded model became unusable (a runtime error while generating, GPU lost, worker
     * crash). The engine restarts and reloads the model by itself (`recovering`); if that fails
     * the UI offers a reload.
     */
    fatal: EngineErrorInfo | null;
    recovering: boolean;
    cached: CachedRepo[];
    storage: StorageStatus | null;
    storageError: string | null;
    /** The answer to the last "keep models" (persistent storage) request, in words. */
    persistMessage: string | null;
  };
  refreshStorage(): Promise<void>;
  deleteCached(repo: string): Promise<void>;
  persistStorage(): Promise<void>;
  addFixtures(entries: CatalogEntry[]): void;
  selectModel(repo: string): void;
  detectCapabilities(): Promise<void>;
  inspectSelected(): Promise<void>;
  loadSelected(): Promise<void>;
  cancelLoad(): void;
  unloadModel(): Promise<void>;
  markFatal(error: EngineErrorInfo): void;
}

type CatalogView = { models: Pick<ModelsSlice['models'], 'catalog' | 'selectedRepo'> };

export function entryFor(state: CatalogView, repo = state.models.selectedRepo): CatalogEntry {
  return (
    state.models.catalog.find((e) => e.repo === repo) ?? {
      repo,
      label: repo,
      family: guessFamily(repo),
      purpose: 'Custom repository',
      paramsMillions: 0,
      approxSizes: {},
    }
  );
}

export const hostFor = (state: AppState, repo?: string) =>
  entryFor(state, repo).host ?? state.settings.host;

export const createModelsSlice =
  (engineClient: EngineClient): StateCreator<AppState, [], [], ModelsSlice> =>
  (set, get) => {
    const patch = (p: Partial<ModelsSlice['models']>) =>
      set((s) => ({ models: { ...s.models, ...p } }));
    const engine = () => engineClient;
    let inspectToken = 0;
    let lastRecovery = 0;

    async function load(options: LoadOptions): Promise<void> {
      patch({ status: 'loading', error: null, loaded: null, download: null });
      let last = { at: performance.now(), loaded: 0 };
      const request = () =>
        engine().request('load', options, {
          onProgress: (p) => {
            const now = performance.now();
            const prev = get().models.download?.bytesPerSec ?? 0;
            const dt = (now - last.at) / 1000;
            const rate = dt > 0.2 ? (p.loaded - last.loaded) / dt : prev;
            if (dt > 0.2) last = { at: now, loaded: p.loaded };
            patch({ download: { ...p, bytesPerSec: Math.max(0, rate) } });
          },
        });
      try {
        let result;
        try {
          result = await request();
        } catch (e) {
          if (!(e instanceof EngineError) || e.code !== 'corrupt_file') throw e;
          // The worker has deleted the cached copy; fetch once more in a fresh worker.
          engine().restart('cancelled');
          result = await request();
        }
        patch({ status: 'ready', loaded: result, fatal: null });
        // Ask once a model is worth keeping: browsers may evict non-persistent storage.
        if (!get().models.storage?.persisted) await requestPersistence().catch(() => false);
      } catch (e) {
        patch({ status: 'error', error: toErrorInfo(e) });
      }
      // A load is what changes the cache.
      void get().refreshStorage();
    }

    return {
      models: {
        catalog: CATALOG,
        selectedRepo: CATALOG[0].repo,
        capabilities: null,
        repoInfo: null,
        inspecting: false,
        inspectError: null,
        status: 'idle',
        download: null,
        loaded: null,
        error: null,
        fatal: null,
        recovering: false,
        cached: [],
        storage: null,
        storageError: null,
        persistMessage: null,
      },
      refreshStorage: async () => {
        try {
          const [cached, storage] = await Promise.all([
            engine().request('listCached', {}),
            storageStatus(),
          ]);
          patch({ cached, storage, storageError: null });
        } catch (e) {
          patch({ storageError: `Could not read the model cache: ${toErrorInfo(e).message}` });
        }
      },
      deleteCached: async (repo) => {
        await engine()
          .request('deleteCached', { repo })
          .catch((e: unknown) =>
            patch({ storageError: `Could not delete ${repo}: ${toErrorInfo(e).message}` }),
          );
        await get().refreshStorage();
      },
      persistStorage: async () => {
        const granted = await requestPersistence().catch(() => false);
        patch({
          persistMessage: granted
            ? 'Storage is persistent: the browser will not evict cached models to free space.'
            : 'The browser declined persistent storage (it decides by how often you use this site; installing or bookmarking the app helps). Cached models may be evicted when the disk runs low.',
        });
        await get().refreshStorage();
      },
      addFixtures: (entries) =>
        set((s) => ({
          models: {
            ...s.models,
            catalog: [...s.models.catalog.filter((e) => !e.fixture), ...entries],
          },
        })),
      selectModel: (repo) => {
        patch({ selectedRepo: repo, repoInfo: null, inspectError: null, error: null });
        get().applyPreset(entryFor(get(), repo).family);
        void get().inspectSelected();
      },
      detectCapabilities: async () => {
        try {
          patch({ capabilities: await engine().request('capabilities', {}) });
        } catch {
          patch({ capabilities: null });
        }
      },
      inspectSelected: async () => {
        const repo = get().models.selectedRepo;
        const token = ++inspectToken;
        patch({ inspecting: true, inspectError: null });
        try {
          const info = await engine().request('inspect', { repo, host: hostFor(get()) });
          if (token === inspectToken) patch({ repoInfo: info, inspecting: false });
        } catch (e) {
          if (token === inspectToken)
            patch({ repoInfo: null, inspecting: false, inspectError: toErrorInfo(e) });
        }
      },
      loadSelected: async () => {
        const s = get();
        await load({
          repo: s.models.selectedRepo,
          host: hostFor(s),
          device: s.settings.device,
          dtype: s.settings.dtype,
          threads: s.settings.threads,
          int8Kernels: s.settings.int8Kernels,
        });
      },
      cancelLoad: () => {
        // Downloads cannot be aborted inside Transformers.js, so the worker is replaced; completed
        // files stay cached.
        engine().restart('cancelled');
        patch({ status: 'idle', download: null, loaded: null });
      },
      unloadModel: async () => {
        await engine()
          .request('unload', {})
          .catch(() => null);
        patch({ status: 'idle', loaded: null, download: null });
      },
      markFatal: (error) => {
        const lost = get().models.loaded;
        patch({ fatal: error, status: 'error', loaded: null, error });
        // A runtime that failed mid-generation may have a broken WASM heap: start a fresh worker
        // and load the same model again (from the cache), once a minute at most so a model that
        // crashes on load does not loop.
        const now = Date.now();
        if (!lost || now - lastRecovery < 60_000) return;
        lastRecovery = now;
        engine().restart('worker_crashed', error.detail);
        patch({ recovering: true });
        const s = get();
        void load({
          repo: lost.repo,
          host: hostFor(s, lost.repo),
          device: lost.device,
          dtype: lost.dtype,
          threads: lost.threads,
          int8Kernels: s.settings.int8Kernels,
        }).finally(() => patch({ recovering: false }));
      },
    };
  };
