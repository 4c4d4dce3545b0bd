import { useCallback, useEffect, useState } from 'react';
import { deleteCachedRepo } from '../../engine/model-cache';
import { formatBytes } from '../../lib/format';
import { useApp } from '../../store';
import { listCachedRepos, requestPersistence, storageStatus, type CachedRepo, type StorageStatus } from './storage';

export function StoragePanel() {
  const status = useApp((s) => s.models.status);
  const loadedRepo = useApp((s) => s.models.loaded?.repo);
  const [repos, setRepos] = useState<CachedRepo[]>([]);
  const [storage, setStorage] = useState<StorageStatus | null>(null);
  const [error, setError] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    try {
      const [r, s] = await Promise.all([listCachedRepos(), storageStatus()]);
      setRepos(r);
      setStorage(s);
      setError(null);
    } catch (e) {
      setError(`Could not read the model cache: ${String(e)}`);
    }
  }, []);

  useEffect(() => {
    // Re-read after each load finishes or fails: that is when the cache changes.
    if (status !== 'loading') void refresh();
  }, [status, refresh]);

  const remove = async (repo: string) => {
    await deleteCachedRepo(repo);
    await refresh();
  };

  return (
    <section className="panel" aria-labelledby="storage-heading">
      <h2 id="storage-heading">Cached models</h2>
      {error && <p className="field-error">{error}</p>}
      {repos.length === 0 ? (
        <p className="hint">Nothing cached yet. Loaded models are kept for offline use.</p>
      ) : (
        <ul className="cache-list" aria-label="Cached models">
          {repos.map((r) => (
            <li key={r.repo}>
              <span>
                <code>{r.repo}</code> · {formatBytes(r.bytes)} in {r.files} files
              </span>
              <button
                type="button"
                onClick={() => void remove(r.repo)}
                aria-label={`Delete ${r.repo} from cache`}
                title={r.repo === loadedRepo ? 'The loaded model keeps working until you reload it.' : undefined}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      {storage && (
        <p className="hint" data-testid="storage-usage">
          Storage: {formatBytes(storage.usage)} used of {formatBytes(storage.quota)} ·{' '}
          {storage.persisted ? (
            'persistent'
          ) : (
            <button type="button" className="link" onClick={() => void requestPersistence().then(refresh)}>
              make persistent
            </button>
          )}
        </p>
      )}
    </section>
  );
}
