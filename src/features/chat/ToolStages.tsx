import { formatMs } from '../../lib/format';
import { appStore, useApp } from '../../store';
import type { ToolCallsInfo, ToolExecution } from './conversation';

const json = (v: unknown) => JSON.stringify(v, null, 2);

/** Stages 1 and 2 of a tool turn: the tools as the model saw them, and the calls it wrote. */
export function ToolCallCard({
  raw,
  complete,
  info,
}: {
  raw: string;
  complete: boolean;
  info?: ToolCallsInfo;
}) {
  return (
    <div className="tool-card" data-testid="tool-call">
      {info?.toolPrompt && (
        <details className="stage" data-testid="stage-definitions">
          <summary>① Tools in the system prompt</summary>
          <pre>{info.toolPrompt}</pre>
        </details>
      )}
      <div className="stage" data-testid="stage-call">
        <p className="stage-title">② {complete ? 'Tool call' : 'Writing a tool call…'}</p>
        <pre className="raw-call" data-testid="raw-call">
          {raw}
        </pre>
        {info?.parseError && (
          <p className="field-error" role="alert">
            {info.parseError}
          </p>
        )}
        {info?.calls.map((c, i) => (
          <div key={i} className="parsed-call" data-testid="parsed-call">
            <code>{c.name}</code>
            <pre>{json(c.args)}</pre>
            {c.error && (
              <p className="field-error" role="alert">
                {c.error}
              </p>
            )}
          </div>
        ))}
      </div>
    </div>
  );
}

const STATUS: Record<ToolExecution['status'], string> = {
  pending: 'waiting for the calls before it',
  'awaiting-approval': 'waiting for your approval',
  running: 'running…',
  done: 'done',
  error: 'error',
  denied: 'not allowed',
  interrupted: 'interrupted',
};

/** The stage title's verb: a call is only "Ran" once it has run. */
const VERB: Record<ToolExecution['status'], string> = {
  pending: 'Will run',
  'awaiting-approval': 'Wants to run',
  running: 'Running',
  done: 'Ran',
  error: 'Ran',
  denied: 'Did not run',
  interrupted: 'Interrupted',
};

/** Stage 3: one execution with its arguments, result or error, duration and console output. */
export function ToolExecutionCard({
  messageId,
  execution,
}: {
  messageId: string;
  execution: ToolExecution;
}) {
  const { approveToolCall } = appStore.getState();
  // Approval buttons only while this reply really waits for them (never after a reload).
  const waiting = useApp(
    (s) => s.chat.reply?.phase === 'awaiting-approval' && s.chat.reply.messageId === messageId,
  );
  return (
    <div className="tool-card stage" data-testid="tool-execution" data-status={execution.status}>
      <p className="stage-title">
        ③ {VERB[execution.status]} <code>{execution.name}</code> ·{' '}
        <span data-testid="execution-status">{STATUS[execution.status]}</span>
        {execution.durationMs !== undefined && ` · ${formatMs(execution.durationMs)}`}
      </p>
      <pre data-testid="execution-args">{json(execution.args)}</pre>
      {execution.status === 'awaiting-approval' && waiting && (
        <div className="row">
          <button
            type="button"
            className="primary"
            onClick={() => approveToolCall(messageId, true)}
          >
            Run {execution.name}
          </button>
          <button type="button" onClick={() => approveToolCall(messageId, false)}>
            Don&apos;t run
          </button>
        </div>
      )}
      {execution.status === 'done' && (
        <pre data-testid="execution-result">{json(execution.result)}</pre>
      )}
      {execution.error && (
        <p className="field-error" role="alert" data-testid="execution-error">
          {execution.error}
        </p>
      )}
      {execution.logs && execution.logs.length > 0 && (
        <pre className="logs" data-testid="execution-logs">
          {execution.logs.map((l) => `[${l.level}] ${l.text}`).join('\n')}
        </pre>
      )}
    </div>
  );
}
