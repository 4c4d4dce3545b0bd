import { namesTakenFor } from '../../lib/tools/offered-tools';
import { ArrowDown, ArrowUp, CopyPlus, Plus, Trash2 } from 'lucide-react';
import { useRef, useState } from 'react';
import { IconButton } from '../../components/IconButton';
import { JsonImportExport } from '../../components/JsonImportExport';
import { appStore, useApp } from '../../store';
import { checkDefinition, checkImplementation } from '../../lib/tools/tool-definition';
import { ToolEditor } from './ToolEditor';
import { exportToolSet } from './tool-set-io';

const TOOL_MODEL = 'onnx-community/LFM2-1.2B-Tool-ONNX';

export function ToolsPanel() {
  const list = useApp((s) => s.tools.list);
  const settings = useApp((s) => s.tools.settings);
  const selectedRepo = useApp((s) => s.models.selectedRepo);
  const a = appStore.getState();
  const [editing, setEditing] = useState<string | null>(null);
  // Where the focus goes back to when the editor closes.
  const opener = useRef<HTMLElement | null>(null);
  const edit = (id: string) => {
    opener.current = document.activeElement as HTMLElement | null;
    setEditing(id);
  };
  const closeEditor = () => {
    setEditing(null);
    opener.current?.focus();
  };

  const rows = list.map((t) => {
    const def = checkDefinition(t.definition, namesTakenFor(list, t.id));
    const problems = def.problems.length + checkImplementation(t.implementation).length;
    return { tool: t, name: def.definition?.name ?? '(unnamed)', problems };
  });

  return (
    <section className="panel" aria-labelledby="tools-heading">
      <h2 id="tools-heading">Tools</h2>
      <label className="checkbox">
        <input
          type="checkbox"
          checked={settings.offerTools}
          onChange={(e) => a.setToolSettings({ offerTools: e.target.checked })}
        />
        Offer enabled tools to the model
      </label>
      {settings.offerTools && selectedRepo !== TOOL_MODEL && (
        <p className="hint">
          LFM2 1.2B Tool is trained for this (greedy decoding).{' '}
          <button type="button" className="link" onClick={() => a.selectModel(TOOL_MODEL)}>
            Pick it
          </button>
        </p>
      )}
      <ul className="tool-list" aria-label="Tools">
        {rows.map(({ tool, name, problems }, i) => (
          <li key={tool.id} data-invalid={problems > 0}>
            <input
              type="checkbox"
              aria-label={`Enable ${name}`}
              checked={tool.enabled}
              onChange={(e) => a.updateTool(tool.id, { enabled: e.target.checked })}
            />
            <button
              type="button"
              className="tool-name"
              onClick={() => edit(tool.id)}
              title={`Edit ${name}`}
            >
              <span className="tool-name-text">{name}</span>
              {problems > 0 && (
                <span className="chip danger">
                  {problems} problem{problems > 1 ? 's' : ''}
                </span>
              )}
              {tool.askBeforeRunning && <span className="chip">asks</span>}
            </button>
            <IconButton
              label={`Move ${name} up`}
              icon={ArrowUp}
              size="sm"
              disabled={i === 0}
              onClick={() => a.moveTool(tool.id, -1)}
            />
            <IconButton
              label={`Move ${name} down`}
              icon={ArrowDown}
              size="sm"
              disabled={i === rows.length - 1}
              onClick={() => a.moveTool(tool.id, 1)}
            />
            <IconButton
              label={`Duplicate ${name}`}
              icon={CopyPlus}
              size="sm"
              onClick={() => a.duplicateTool(tool.id)}
            />
            <IconButton
              label={`Delete ${name}`}
              icon={Trash2}
              size="sm"
              className="danger-on-hover"
              onClick={() => a.deleteTool(tool.id)}
            />
          </li>
        ))}
      </ul>
      <div className="row">
        <IconButton
          label="Add tool"
          text="Add tool"
          icon={Plus}
          variant="secondary"
          onClick={() => edit(a.addTool())}
        />
        <JsonImportExport
          inputLabel="Import tools file"
          fileName={() => 'lfm2-tools.json'}
          exportText={() => exportToolSet(list)}
          importText={(text) => a.importTools(text, 'merge')}
          what="a tool set"
          maxBytes={5e6}
        />
      </div>
      <details>
        <summary>Tool settings</summary>
        <label className="field">
          <span>Timeout per call (seconds)</span>
          <input
            type="number"
            aria-label="Tool timeout (seconds)"
            min={0.1}
            step={0.5}
            value={settings.timeoutMs / 1000}
            onChange={(e) => a.setToolSettings({ timeoutMs: e.target.valueAsNumber * 1000 })}
          />
        </label>
        <label className="field">
          <span>Max tool rounds per reply</span>
          <input
            type="number"
            aria-label="Max tool rounds"
            min={1}
            max={20}
            value={settings.maxRounds}
            onChange={(e) => a.setToolSettings({ maxRounds: e.target.valueAsNumber })}
          />
        </label>
        <label className="checkbox">
          <input
            type="checkbox"
            checked={settings.returnErrorsToModel}
            onChange={(e) => a.setToolSettings({ returnErrorsToModel: e.target.checked })}
          />
          Send call errors back to the model so it can correct itself
        </label>
        <button type="button" className="link" onClick={a.resetStarterTools}>
          Restore the starter tools
        </button>
      </details>
      {editing && <ToolEditor id={editing} onClose={closeEditor} />}
    </section>
  );
}
