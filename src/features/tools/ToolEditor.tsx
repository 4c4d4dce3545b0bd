import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ToolRunResult } from '../../sandbox/tool-sandbox';
import { appStore, toolSandbox, useApp } from '../../store';
import { CodeEditor } from './CodeEditor';
import { namesTakenFor } from '../../lib/tools/offered-tools';
import {
  checkArguments,
  checkDefinition,
  checkImplementation,
  definitionWarnings,
  type Problem,
} from '../../lib/tools/tool-definition';

export function ToolEditor({ id, onClose }: { id: string; onClose: () => void }) {
  const tool = useApp((s) => s.tools.list.find((t) => t.id === id));
  const list = useApp((s) => s.tools.list);
  const timeoutMs = useApp((s) => s.tools.settings.timeoutMs);
  const { updateTool } = appStore.getState();
  const [testArgs, setTestArgs] = useState('{}');
  const [testResult, setTestResult] = useState<TestOutcome | null>(null);
  const [running, setRunning] = useState(false);
  const dialogRef = useRef<HTMLDivElement>(null);
  // The dialog takes the focus, so Escape and Tab act inside it.
  useEffect(() => dialogRef.current?.focus(), []);

  // Names other tools hold: of two tools with one name, the one renamed last is flagged.
  const otherNames = useMemo(() => namesTakenFor(list, id), [list, id]);
  const checkDef = useCallback(
    (text: string) => checkDefinition(text, otherNames).problems,
    [otherNames],
  );
  if (!tool) return null;
  const defCheck = checkDefinition(tool.definition, otherNames);
  const implProblems = checkImplementation(tool.implementation);
  const warnings = definitionWarnings(tool.definition);

  const testRun = async () => {
    let args: Record<string, unknown>;
    try {
      args = JSON.parse(testArgs);
    } catch (e) {
      setTestResult({
        ok: false,
        kind: 'input',
        message: `Arguments are not valid JSON: ${(e as Error).message}`,
        logs: [],
        durationMs: 0,
      });
      return;
    }
    if (defCheck.ok) {
      const problems = checkArguments(defCheck.definition, args);
      if (problems.length) {
        setTestResult({
          ok: false,
          kind: 'input',
          message: `Arguments fail the schema: ${problems.join('; ')}`,
          logs: [],
          durationMs: 0,
        });
        return;
      }
    }
    setRunning(true);
    try {
      setTestResult(await toolSandbox().run(tool.implementation, args, { timeoutMs }));
    } finally {
      setRunning(false);
    }
  };

  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div
        ref={dialogRef}
        tabIndex={-1}
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-label={`Edit tool ${defCheck.definition?.name ?? ''}`}
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key !== 'Escape') return;
          // The editor closes; the drawer around the tools panel stays open.
          e.preventDefault();
          e.stopPropagation();
          onClose();
        }}
      >
        <header className="row">
          <h2>Edit tool</h2>
          <span className="spacer" />
          <button type="button" className="btn btn-primary" onClick={onClose}>
            Done
          </button>
        </header>
        <div className="editor-grid">
          <EditorSection
            title="Definition (JSON)"
            hint={
              <>
                <code>{'{"name", "description", "parameters"}'}</code>, parameters as JSON Schema.
                Sent to the model exactly as written.
              </>
            }
            label="Tool definition"
            language="json"
            value={tool.definition}
            onChange={(v) => updateTool(id, { definition: v })}
            check={checkDef}
            problems={defCheck.problems}
            problemsLabel="Definition problems"
          />
          {warnings.map((w) => (
            <p key={w} className="field-warning" data-testid="definition-warning">
              {w}
            </p>
          ))}
          <EditorSection
            title="Implementation (JavaScript)"
            hint="An async function that receives the arguments object and returns a JSON value. It runs in an isolated sandbox."
            label="Tool implementation"
            language="javascript"
            value={tool.implementation}
            onChange={(v) => updateTool(id, { implementation: v })}
            check={checkImplementation}
            problems={implProblems}
            problemsLabel="Implementation problems"
          />
        </div>
        <div className="row">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={tool.enabled}
              onChange={(e) => updateTool(id, { enabled: e.target.checked })}
            />
            Enabled
          </label>
          <label className="checkbox">
            <input
              type="checkbox"
              checked={tool.askBeforeRunning}
              onChange={(e) => updateTool(id, { askBeforeRunning: e.target.checked })}
            />
            Ask before running
          </label>
        </div>
        <section className="test-run">
          <h3>Try it</h3>
          <div className="row">
            <input
              aria-label="Test arguments"
              value={testArgs}
              onChange={(e) => setTestArgs(e.target.value)}
              placeholder='{"city": "Paris"}'
            />
            <button
              type="button"
              onClick={() => void testRun()}
              disabled={running || implProblems.length > 0}
            >
              {running ? 'Running…' : 'Run'}
            </button>
          </div>
          {testResult && <RunOutput result={testResult} />}
        </section>
      </div>
    </div>
  );
}

function EditorSection(
  props: {
    title: string;
    hint: React.ReactNode;
    problems: Problem[];
    problemsLabel: string;
  } & Omit<React.ComponentProps<typeof CodeEditor>, 'minHeight'>,
) {
  const { title, hint, problems, problemsLabel, ...editor } = props;
  return (
    <section>
      <h3>{title}</h3>
      <p className="hint">{hint}</p>
      <CodeEditor {...editor} minHeight="220px" />
      <ul className="problems" aria-label={problemsLabel}>
        {problems.map((p, i) => (
          <li key={i}>
            {p.line ? `Line ${p.line}: ` : ''}
            {p.message}
          </li>
        ))}
      </ul>
    </section>
  );
}

type TestOutcome =
  ToolRunResult | { ok: false; kind: 'input'; message: string; logs: []; durationMs: 0 };

function RunOutput({ result }: { result: TestOutcome }) {
  return (
    <div className="run-output" data-testid="test-run-output" data-ok={result.ok}>
      {result.ok ? (
        <pre>{JSON.stringify(result.value, null, 2)}</pre>
      ) : (
        <p className="field-error" role="alert">
          {result.message}
        </p>
      )}
      {result.logs.length > 0 && (
        <pre className="logs">{result.logs.map((l) => `[${l.level}] ${l.text}`).join('\n')}</pre>
      )}
      <p className="hint">{Math.round(result.durationMs)} ms</p>
    </div>
  );
}
