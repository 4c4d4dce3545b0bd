import { MODEL_CACHE_NAME } from '../../engine/model-cache';

export interface CachedRepo {
  repo: string;
  files: number;
  bytes: number;
}

/** Groups the model cache by repo, sized from stored headers so multi-GB files are never read. */
export async function listCachedRepos(): Promise<CachedRepo[]> {
  if (typeof caches === 'undefined') return [];
  const cache = await caches.open(MODEL_CACHE_NAME);
  const byRepo = new Map<string, CachedRepo>();
  for (const req of await cache.keys()) {
    const m = new URL(req.url).pathname.match(/\/([^/]+\/[^/]+)\/resolve\//);
    if (!m) continue;
    const res = await cache.match(req);
    let bytes = Number(res?.headers.get('content-length') ?? NaN);
    if (!Number.isFinite(bytes) && res) bytes = (await res.blob()).size;
    const entry = byRepo.get(m[1]) ?? { repo: m[1], files: 0, bytes: 0 };
    entry.files++;
    entry.bytes += bytes || 0;
    byRepo.set(m[1], entry);
  }
  return [...byRepo.values()].sort((a, b) => b.bytes - a.bytes);
}

export interface StorageStatus {
  usage: number;
  quota: number;
  persisted: boolean;
}

export async function storageStatus(): Promise<StorageStatus | null> {
  if (!navigator.storage?.estimate) return null;
  const { usage = 0, quota = 0 } = await navigator.storage.estimate();
  const persisted = (await navigator.storage.persisted?.()) ?? false;
  return { usage, quota, persisted };
}

/** Asks the browser not to evict cached models under storage pressure. */
export async function requestPersistence(): Promise<boolean> {
  return (await navigator.storage?.persist?.()) ?? false;
}
