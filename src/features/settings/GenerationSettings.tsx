import {
  PARAM_LIMITS,
  PRESETS,
  type GenerationParams,
  type ModelFamily,
} from '../../lib/generation-params';
import { useState } from 'react';
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
              <NumberField
                label={label}
                min={lim.min}
                max={lim.max}
                step={lim.step}
                value={params[key] as number}
                disabled={disabled}
                onCommit={(v) => setParams({ [key]: v } as Partial<GenerationParams>)}
              />
            </label>
          );
        })}
      </div>
    </section>
  );
}

/**
 * A number the user types freely: the store (which clamps to the limits) gets it on blur or
 * Enter, never per keystroke, so clearing the field and typing "512" gives 512, not "1512".
 */
function NumberField({
  label,
  value,
  onCommit,
  ...limits
}: {
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  disabled: boolean;
  onCommit: (v: number) => void;
}) {
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    if (draft === null) return;
    const n = Number(draft);
    if (draft.trim() !== '' && Number.isFinite(n)) onCommit(n);
    setDraft(null);
  };
  return (
    <input
      type="number"
      aria-label={label}
      {...limits}
      value={draft ?? value}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => e.key === 'Enter' && commit()}
    />
  );
}
