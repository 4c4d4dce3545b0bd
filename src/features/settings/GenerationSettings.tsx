import {
  PARAM_LIMITS,
  PRESETS,
  type GenerationParams,
  type ModelFamily,
} from '../../lib/generation-params';
import { appStore, useApp } from '../../store';

const FIELDS: { key: keyof typeof PARAM_LIMITS; label: string; hint: string }[] = [
  { key: 'temperature', label: 'Temperature', hint: 'randomness; 0 = greedy' },
  { key: 'topP', label: 'top_p', hint: '1 = off' },
  { key: 'topK', label: 'top_k', hint: '0 = off' },
  { key: 'minP', label: 'min_p', hint: '0 = off' },
  { key: 'repetitionPenalty', label: 'Repetition penalty', hint: '1 = off' },
  { key: 'maxNewTokens', label: 'Max new tokens', hint: '' },
];

const PRESET_LABEL: Record<ModelFamily, string> = {
  lfm2: 'LFM2',
  'lfm2.5': 'LFM2.5',
  'lfm2-vl': 'LFM2-VL',
  task: 'Task (greedy)',
};

export function GenerationSettings() {
  const params = useApp((s) => s.settings.params);
  const family = useApp((s) => s.settings.presetFamily);
  const { setParams, applyPreset } = appStore.getState();
  const isPreset = JSON.stringify(PRESETS[family]) === JSON.stringify(params);

  return (
    <section className="panel" aria-labelledby="gen-heading">
      <h2 id="gen-heading">Generation</h2>
      <label className="field">
        <span>Preset</span>
        <select
          aria-label="Preset"
          value={family}
          onChange={(e) => applyPreset(e.target.value as ModelFamily)}
        >
          {(Object.keys(PRESETS) as ModelFamily[]).map((f) => (
            <option key={f} value={f}>
              {PRESET_LABEL[f]}
            </option>
          ))}
        </select>
      </label>
      {!isPreset && <p className="hint">Edited from the {PRESET_LABEL[family]} preset.</p>}
      <label className="checkbox">
        <input
          type="checkbox"
          checked={params.greedy}
          onChange={(e) =>
            setParams({
              greedy: e.target.checked,
              ...(e.target.checked ? {} : { temperature: params.temperature || 0.3 }),
            })
          }
        />
        Greedy decoding (always the most likely token)
      </label>
      <div className="param-grid">
        {FIELDS.map(({ key, label, hint }) => {
          const lim = PARAM_LIMITS[key];
          const disabled = params.greedy && key !== 'maxNewTokens' && key !== 'repetitionPenalty';
          return (
            <label key={key} className="field" title={hint}>
              <span>{label}</span>
              <input
                type="number"
                aria-label={label}
                min={lim.min}
                max={lim.max}
                step={lim.step}
                value={params[key]}
                disabled={disabled}
                onChange={(e) =>
                  setParams({ [key]: e.target.valueAsNumber } as Partial<GenerationParams>)
                }
              />
            </label>
          );
        })}
      </div>
    </section>
  );
}
