import {
  Ban,
  CircleCheck,
  CircleSlash,
  CircleX,
  Clock,
  Hand,
  LoaderCircle,
  type LucideIcon,
} from 'lucide-react';
import type { ReactNode } from 'react';
import { formatMs } from '../../lib/format';
import { appStore, useApp } from '../../store';
import type { ToolCallsInfo, ToolExecution } from './conversation';

const json = (v: unknown) => JSON.stringify(v, null, 2);

/** A titled block of code or data inside a tool stage ("Arguments", "Result", …). */
function Block({
  label,
  testId,
  className,
  children,
}: {
  label: ReactNode;
  testId?: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <figure className="stage-block">
      <figcaption className="stage-block-label">{label}</figcaption>
      <pre className={className} data-testid={testId}>
        {children}
      </pre>
    </figure>
  );
}

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
        <Block label="Written by the model" testId="raw-call" className="raw-call">
          {raw}
        </Block>
        {info?.parseError && (
          <p className="field-error" role="alert">
            {info.parseError}
          </p>
        )}
        {info?.calls.map((c, i) => (
          <div key={i} className="parsed-call" data-testid="parsed-call">
            <Block
              label={
                <>
                  Parsed call · <code>{c.name}</code>
                </>
              }
            >
              {json(c.args)}
            </Block>
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
  interrupted: 'stopped before it returned',
};

const STATUS_ICON: Record<ToolExecution['status'], LucideIcon> = {
  pending: Clock,
  'awaiting-approval': Hand,
  running: LoaderCircle,
  done: CircleCheck,
  error: CircleX,
  denied: Ban,
  interrupted: CircleSlash,
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
  const Icon = STATUS_ICON[execution.status];
  return (
    <div className="tool-card stage" data-testid="tool-execution" data-status={execution.status}>
      <p className="stage-title">
        ③ {VERB[execution.status]} <code>{execution.name}</code>{' '}
        <span className={`status-badge status-${execution.status}`}>
          <Icon size={13} className={execution.status === 'running' ? 'spin' : undefined} />
          <span data-testid="execution-status">{STATUS[execution.status]}</span>
        </span>
        {execution.durationMs !== undefined && (
          <span className="stage-duration"> · {formatMs(execution.durationMs)}</span>
        )}
      </p>
      <Block label="Arguments" testId="execution-args">
        {json(execution.args)}
      </Block>
      {execution.status === 'awaiting-approval' && waiting && (
        <div className="row">
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => approveToolCall(messageId, true)}
          >
            Run {execution.name}
          </button>
          <button
            type="button"
            className="btn btn-secondary"
            onClick={() => approveToolCall(messageId, false)}
          >
            Don&apos;t run
          </button>
        </div>
      )}
      {execution.status === 'done' && (
        <Block label="Result" testId="execution-result">
          {json(execution.result)}
        </Block>
      )}
      {execution.error && (
        <p className="field-error" role="alert" data-testid="execution-error">
          {execution.error}
        </p>
      )}
      {execution.logs && execution.logs.length > 0 && (
        <Block label="Console output" testId="execution-logs" className="logs">
          {execution.logs.map((l) => `[${l.level}] ${l.text}`).join('\n')}
        </Block>
      )}
    </div>
  );
}
