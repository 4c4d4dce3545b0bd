import { useState } from 'react';
import { appStore, useApp } from '../../store';
import { DEFAULT_HOST } from './settings-slice';

export function EngineSettings() {
  const host = useApp((s) => s.settings.host);
  const threads = useApp((s) => s.settings.threads);
  const int8Kernels = useApp((s) => s.settings.int8Kernels);
  const caps = useApp((s) => s.models.capabilities);
  const { setHost, setThreads, setInt8Kernels } = appStore.getState();
  const [draft, setDraft] = useState(host);
  const [error, setError] = useState<string | null>(null);

  const save = () => {
    try {
      const url = new URL(draft);
      if (!/^https?:$/.test(url.protocol)) throw new Error('protocol');
      setHost(url.href.endsWith('/') ? url.href : `${url.href}/`);
      setError(null);
    } catch {
      setError(
        'Enter an http(s) URL, e.g. https://huggingface.co/ or a mirror with the same layout.',
      );
    }
  };

  return (
    <section className="panel" aria-labelledby="engine-heading">
      <h2 id="engine-heading">Engine settings</h2>
      <label className="field">
        <span>Model host</span>
        <input
          aria-label="Model host"
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={save}
          onKeyDown={(e) => e.key === 'Enter' && save()}
        />
      </label>
      {error && <p className="field-error">{error}</p>}
      <p className="hint">
        Files are fetched from <code>{'{host}{repo}/resolve/main/{file}'}</code>.{' '}
        {host !== DEFAULT_HOST && (
          <button
            type="button"
            className="link"
            onClick={() => {
              setDraft(DEFAULT_HOST);
              setHost(DEFAULT_HOST);
            }}
          >
            Reset to Hugging Face
          </button>
        )}
      </p>
      <label className="field">
        <span>WASM threads</span>
        <input
          type="number"
          aria-label="WASM threads"
          min={1}
          max={caps?.hardwareThreads ?? 16}
          value={threads}
          onChange={(e) => setThreads(e.target.valueAsNumber || 1)}
        />
      </label>
      <p className="hint">
        Applies on the next load.{' '}
        {caps &&
          !caps.crossOriginIsolated &&
          'This page is not cross-origin isolated, so only 1 thread is possible.'}
      </p>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={int8Kernels}
          onChange={(e) => setInt8Kernels(e.target.checked)}
        />{' '}
        Fast int8 kernels on WASM
      </label>
      <p className="hint">
        ONNX Runtime has no fast 4-bit kernel on the CPU, so 4-bit (q4) models are repacked to int8
        when they load: a few seconds, and about 25% more weight memory than the download, for
        several times the speed. Turn off to run the file&apos;s exact numerics. Applies on the next
        load.
      </p>
    </section>
  );
}
