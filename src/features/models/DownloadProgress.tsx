import { Check } from 'lucide-react';
import { formatBytes, formatRate } from '../../lib/format';
import { useApp } from '../../store';

export function DownloadProgress() {
  const d = useApp((s) => s.models.download);
  if (!d) return <p className="hint">Starting…</p>;
  const pct = d.total > 0 ? Math.min(100, (d.loaded / d.total) * 100) : 0;
  return (
    <div className="download" data-testid="download-progress">
      {d.phase === 'repack' ? (
        <p>Rewriting the model for the int8 kernels…</p>
      ) : d.phase === 'initialise' ? (
        <p>Preparing the model on the device…</p>
      ) : (
        <>
          <progress max={100} value={pct} aria-label="Download progress" />
          <p>
            {formatBytes(d.loaded)} / {formatBytes(d.total)} ·{' '}
            {formatRate(d.bytesPerSec / 1e6, 'MB')}
          </p>
        </>
      )}
      <ul className="file-list">
        {Object.entries(d.files).map(([file, f]) => (
          <li key={file}>
            <code>{file}</code>{' '}
            {f.done ? (
              <Check size={12} aria-label="done" className="file-done" />
            ) : (
              `${formatBytes(f.loaded)} / ${formatBytes(f.total)}`
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
