/** Transformers.js stores every downloaded file in this Cache Storage bucket, keyed by URL. */
export const MODEL_CACHE_NAME = 'transformers-cache';

/** Deletes every cached file of `repo` (any host, any revision). Returns how many were removed. */
export async function deleteCachedRepo(repo: string): Promise<number> {
  if (typeof caches === 'undefined') return 0;
  const cache = await caches.open(MODEL_CACHE_NAME);
  const keys = await cache.keys();
  const marker = `/${repo}/resolve/`;
  const doomed = keys.filter((req) => new URL(req.url).pathname.includes(marker));
  await Promise.all(doomed.map((req) => cache.delete(req)));
  return doomed.length;
}
