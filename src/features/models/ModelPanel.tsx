import { ChevronDown, ChevronUp, Download, Power, RefreshCw, X } from 'lucide-react';
import { useMemo, useState } from 'react';
import { useStoredState } from '../../components/hooks';
import { IconButton } from '../../components/IconButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { DTYPES, expectedSpeed, type Device, type Dtype } from '../../lib/device-choice';
import type { EngineErrorInfo, RepackSummary } from '../../engine/protocol';
import { formatBytes, formatMs } from '../../lib/format';
import { appStore, useApp } from '../../store';
import { REPO_ID_PATTERN } from './catalog';
import { DownloadProgress } from './DownloadProgress';
import { entryFor } from './models-slice';

export function ModelPanel() {
  const catalog = useApp((s) => s.models.catalog);
  const selectedRepo = useApp((s) => s.models.selectedRepo);
  const status = useApp((s) => s.models.status);
  const repoInfo = useApp((s) => s.models.repoInfo);
  const inspecting = useApp((s) => s.models.inspecting);
  const inspectError = useApp((s) => s.models.inspectError);
  const error = useApp((s) => s.models.error);
  const fatal = useApp((s) => s.models.fatal);
  const recovering = useApp((s) => s.models.recovering);
  const loaded = useApp((s) => s.models.loaded);
  const caps = useApp((s) => s.models.capabilities);
  const device = useApp((s) => s.settings.device);
  const dtype = useApp((s) => s.settings.dtype);
  const int8Kernels = useApp((s) => s.settings.int8Kernels);
  const { selectModel, setDevice, setDtype, loadSelected, cancelLoad, unloadModel } =
    appStore.getState();
  const entry = useMemo(
    () => entryFor({ models: { catalog, selectedRepo } }),
    [catalog, selectedRepo],
  );
  const [collapsed, setCollapsed] = useStoredState('lfm2.layout.modelCollapsed', false);
  const [custom, setCustom] = useState('');
  const [customError, setCustomError] = useState<string | null>(null);

  const inCatalog = catalog.some((e) => e.repo === selectedRepo);
  const sizes = repoInfo?.sizes ?? entry.approxSizes;
  const approx = !repoInfo;
  // Custom repos: estimate the parameter count from the fp32 (4 B/param) or q8 (~1 B/param) size.
  const paramsMillions =
    entry.paramsMillions || (sizes.fp32 ? sizes.fp32 / 4e6 : sizes.q8 ? sizes.q8 / 1.1e6 : 350);
  const speedDevice: Device =
    device === 'auto' ? (caps?.webgpu && !caps.fallbackAdapter ? 'webgpu' : 'wasm') : device;

  const applyCustomRepo = () => {
    const repo = custom.trim();
    if (!REPO_ID_PATTERN.test(repo)) {
      setCustomError('A repo id looks like "organisation/model-name".');
      return;
    }
    setCustomError(null);
    selectModel(repo);
  };

  return (
    <section className="panel model-panel" aria-labelledby="models-heading">
      <div className="panel-header">
        <h2 id="models-heading">Model</h2>
        {collapsed && (
          <span className="panel-summary" data-testid="model-summary">
            {loaded && status === 'ready'
              ? `${loaded.repo.split('/')[1]} · ${loaded.device} · ${loaded.dtype}`
              : status === 'loading'
                ? `Loading ${entry.label}…`
                : `${entry.label} · not loaded`}
          </span>
        )}
        <span className="spacer" />
        <IconButton
          label="Model settings"
          icon={collapsed ? ChevronDown : ChevronUp}
          size="sm"
          aria-expanded={!collapsed}
          aria-controls="model-panel-content"
          title={collapsed ? 'Show the model settings' : 'Hide the model settings'}
          onClick={() => setCollapsed(!collapsed)}
        />
      </div>
      <div id="model-panel-content" className="panel-content" hidden={collapsed}>
        <label className="field">
          <span>Model</span>
          <select
            aria-label="Model"
            value={inCatalog ? selectedRepo : ''}
            onChange={(e) => selectModel(e.target.value)}
            disabled={status === 'loading'}
          >
            {!inCatalog && <option value="">{selectedRepo}</option>}
            <optgroup label="LFM2 models">
              {catalog
                .filter((e) => !e.fixture)
                .map((e) => (
                  <option key={e.repo} value={e.repo}>
                    {e.label}
                  </option>
                ))}
            </optgroup>
            {catalog.some((e) => e.fixture) && (
              <optgroup label="Test fixtures (local)">
                {catalog
                  .filter((e) => e.fixture)
                  .map((e) => (
                    <option key={e.repo} value={e.repo}>
                      {e.label}
                    </option>
                  ))}
              </optgroup>
            )}
          </select>
        </label>
        <p className="hint">
          {entry.purpose} · <code>{entry.repo}</code>
        </p>
        <div className="row">
          <input
            aria-label="Custom repo id"
            placeholder="Other repo: org/name"
            title="Any Hugging Face repo id with ONNX files, e.g. onnx-community/LFM2-350M-ONNX"
            value={custom}
            onChange={(e) => setCustom(e.target.value)}
            onKeyDown={(e) => e.key === 'Enter' && applyCustomRepo()}
          />
          <button
            type="button"
            className="btn btn-secondary"
            onClick={applyCustomRepo}
            disabled={status === 'loading'}
          >
            Use
          </button>
        </div>
        {customError && <p className="field-error">{customError}</p>}
        {inspectError && !sameError(inspectError, fatal ?? error) && (
          <ErrorNotice error={inspectError} />
        )}

        <div className="field-pair">
          <label className="field">
            <span>Device</span>
            <select
              aria-label="Device"
              value={device}
              onChange={(e) => setDevice(e.target.value as Device | 'auto')}
            >
              <option value="auto">Auto</option>
              <option value="webgpu" disabled={caps !== null && !caps.webgpu}>
                WebGPU{caps && !caps.webgpu ? ' (unavailable)' : ''}
              </option>
              <option value="wasm">WASM (CPU)</option>
            </select>
          </label>
          <label className="field">
            <span>Precision</span>
            <select
              aria-label="Precision"
              value={dtype}
              onChange={(e) => setDtype(e.target.value as Dtype | 'auto')}
            >
              <option value="auto">Auto</option>
              {DTYPES.map((d) => (
                <option key={d} value={d} disabled={repoInfo !== null && sizes[d] === undefined}>
                  {d} ·{' '}
                  {sizes[d] !== undefined
                    ? `${approx ? '≈' : ''}${formatBytes(sizes[d])}`
                    : 'not in repo'}
                </option>
              ))}
            </select>
          </label>
        </div>
        <table className="dtype-table" aria-label="Download size and expected speed">
          <thead>
            <tr>
              <th scope="col">Precision</th>
              <th scope="col" className="num">
                Download
              </th>
              <th scope="col">Expected speed ({speedDevice === 'webgpu' ? 'WebGPU' : 'WASM'})</th>
            </tr>
          </thead>
          <tbody>
            {DTYPES.filter((d) => sizes[d] !== undefined).map((d) => (
              <tr key={d} className={d === dtype ? 'selected' : undefined}>
                <th scope="row">
                  <code>{d}</code>
                </th>
                <td className="num">{`${approx ? '≈' : ''}${formatBytes(sizes[d])}`}</td>
                <td>
                  {entry.fixture
                    ? 'tiny test model'
                    : expectedSpeed(speedDevice, d, paramsMillions, { int8Kernels })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {inspecting && <p className="hint">Checking which files the repo has…</p>}

        <div className="row load-row">
          {status === 'loading' ? (
            <IconButton
              label="Cancel"
              text="Cancel"
              icon={X}
              variant="secondary"
              onClick={cancelLoad}
            />
          ) : (
            <IconButton
              label={loaded?.repo === selectedRepo ? 'Reload' : 'Load'}
              text={loaded?.repo === selectedRepo ? 'Reload' : 'Load'}
              icon={loaded?.repo === selectedRepo ? RefreshCw : Download}
              variant="primary"
              onClick={() => void loadSelected()}
            />
          )}
          {loaded && status === 'ready' && (
            <IconButton
              label="Unload"
              text="Unload"
              icon={Power}
              variant="secondary"
              onClick={() => void unloadModel()}
            />
          )}
        </div>
        {status === 'loading' && <DownloadProgress />}
        {recovering ? (
          <p className="notice" role="status" data-testid="engine-recovering">
            The engine stopped on an error while generating; it was restarted and the model is
            loading again. Your conversation is kept.
          </p>
        ) : fatal ? (
          <ErrorNotice
            error={fatal}
            action={
              <button
                type="button"
                className="btn btn-secondary"
                onClick={() => void loadSelected()}
              >
                Reload model
              </button>
            }
          />
        ) : (
          error && <ErrorNotice error={error} />
        )}
        {loaded && status === 'ready' && (
          <div className="loaded" aria-label="Loaded model" data-testid="loaded-model">
            <p>
              <strong>Ready:</strong> {loaded.repo}
            </p>
            <p>
              <span className="chip" data-testid="loaded-device">
                {loaded.device}
              </span>{' '}
              because {loaded.deviceReason}
            </p>
            <p>
              <span className="chip" data-testid="loaded-dtype">
                {loaded.dtype}
              </span>{' '}
              because {loaded.dtypeReason}
            </p>
            {loaded.warnings.map((w) => (
              <p key={w} className="notice" role="status">
                {w}
              </p>
            ))}
            {loaded.repack && (
              <p className="hint" data-testid="loaded-repack">
                {describeRepack(loaded.repack)} (rewritten at load in {formatMs(loaded.repack.ms)},{' '}
                {formatBytes(loaded.repack.bytes)} of weights)
              </p>
            )}
            <p className="hint">
              Loaded in {formatMs(loaded.loadMs)}
              {loaded.device === 'wasm'
                ? ` · ${loaded.threads} thread${loaded.threads > 1 ? 's' : ''}`
                : ''}
            </p>
          </div>
        )}
        {caps && (
          <p className="hint" data-testid="capabilities">
            WebGPU:{' '}
            {caps.webgpu
              ? `${caps.adapterName}${caps.shaderF16 ? ', shader-f16' : ''}${caps.fallbackAdapter ? ' (software)' : ''}`
              : 'not available'}{' '}
            ·{' '}
            {caps.crossOriginIsolated
              ? 'multi-threaded WASM'
              : 'single-threaded WASM (page not cross-origin isolated)'}
          </p>
        )}
      </div>
    </section>
  );
}

function describeRepack(r: RepackSummary): string {
  const parts = [];
  if (r.layers > 0) parts.push(`${r.layers} 4-bit layers run on int8 kernels`);
  if (r.outputProjection) parts.push('the output layer runs in int8');
  if (r.lastPositionLogits) parts.push('logits are computed for the last position only');
  const text = parts.join('; ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The same problem reported twice (the repo check and the load): shown once. */
function sameError(a: EngineErrorInfo, b: EngineErrorInfo | null): boolean {
  return b !== null && a.code === b.code && a.message === b.message;
}
