import { Trash2 } from 'lucide-react';
import { useEffect } from 'react';
import { IconButton } from '../../components/IconButton';
import { formatBytes } from '../../lib/format';
import { appStore, useApp } from '../../store';

export function StoragePanel() {
  const repos = useApp((s) => s.models.cached);
  const storage = useApp((s) => s.models.storage);
  const error = useApp((s) => s.models.storageError);
  const loadedRepo = useApp((s) => s.models.loaded?.repo);
  const { refreshStorage, deleteCached, persistStorage } = appStore.getState();
  const persistMessage = useApp((s) => s.models.persistMessage);

  useEffect(() => {
    void refreshStorage();
  }, [refreshStorage]);

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
              <IconButton
                label={`Delete ${r.repo} from cache`}
                icon={Trash2}
                size="sm"
                className="danger-on-hover"
                onClick={() => void deleteCached(r.repo)}
                title={
                  r.repo === loadedRepo
                    ? `Delete ${r.repo} from cache (the loaded model keeps working until you reload it)`
                    : undefined
                }
              />
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
            <button type="button" className="link" onClick={() => void persistStorage()}>
              make persistent
            </button>
          )}
        </p>
      )}
      {persistMessage && (
        <p className="hint" role="status" data-testid="persist-message">
          {persistMessage}
        </p>
      )}
    </section>
  );
}
