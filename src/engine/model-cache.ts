import type { CachedRepo } from './protocol';

/**
 * The one owner of Cache Storage: Transformers.js stores every downloaded file in this bucket,
 * keyed by URL, and only this module reads or deletes it (the UI goes through the engine client).
 */
export const MODEL_CACHE_NAME = 'transformers-cache';

const repoOf = (url: string) => new URL(url).pathname.match(/\/([^/]+\/[^/]+)\/resolve\//)?.[1];

/** Deletes every cached file of `repo` (any host, any revision). Returns how many were removed. */
export async function deleteCachedRepo(repo: string): Promise<number> {
  if (typeof caches === 'undefined') return 0;
  const cache = await caches.open(MODEL_CACHE_NAME);
  const doomed = (await cache.keys()).filter((req) => repoOf(req.url) === repo);
  await Promise.all(doomed.map((req) => cache.delete(req)));
  return doomed.length;
}

/** Groups the model cache by repo, sized from stored headers so multi-GB files are never read. */
export async function listCachedRepos(): Promise<CachedRepo[]> {
  if (typeof caches === 'undefined') return [];
  const cache = await caches.open(MODEL_CACHE_NAME);
  const byRepo = new Map<string, CachedRepo>();
  for (const req of await cache.keys()) {
    const repo = repoOf(req.url);
    if (!repo) continue;
    const res = await cache.match(req);
    let bytes = Number(res?.headers.get('content-length') ?? NaN);
    if (!Number.isFinite(bytes) && res) bytes = (await res.blob()).size;
    const entry = byRepo.get(repo) ?? { repo, files: 0, bytes: 0 };
    entry.files++;
    entry.bytes += bytes || 0;
    byRepo.set(repo, entry);
  }
  return [...byRepo.values()].sort((a, b) => b.bytes - a.bytes);
}
