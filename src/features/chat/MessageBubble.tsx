import { Play, Check, Copy, Pencil, RotateCcw } from 'lucide-react';
import { memo, useState } from 'react';
import { IconButton } from '../../components/IconButton';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Markdown } from '../../components/Markdown';
import { formatMs, formatRate } from '../../lib/format';
import { appStore, useApp } from '../../store';
import { splitToolCallSegments } from '../../lib/tool-calls/segments';
import { displayText, type ChatMessage } from './conversation';
import { ToolCallCard, ToolExecutionCard } from './ToolStages';

const STATUS_LABEL: Partial<Record<ChatMessage['status'], string>> = {
  stopped: 'Stopped',
  interrupted: 'Interrupted by a reload',
};

interface Props {
  message: ChatMessage;
  isLast: boolean;
  specialTokens: readonly string[];
  /** The reply that follows tool results: stage 4 of a tool turn. */
  afterTool: boolean;
}

export const MessageBubble = memo(function MessageBubble({
  message,
  isLast,
  specialTokens,
  afterTool,
}: Props) {
  const generating = useApp((s) => s.chat.reply !== null);
  const { regenerate, editAndResend, continueReply } = appStore.getState();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(message.content);
  const [copied, setCopied] = useState<'ok' | 'failed' | null>(null);
  const segments =
    message.role === 'assistant'
      ? splitToolCallSegments(message.content, undefined, { final: message.status !== 'streaming' })
      : [];
  // The user's text is shown as typed, control-token look-alikes included; the model's text
  // without its special tokens and tool calls (shown as stages instead).
  const text =
    message.role === 'assistant'
      ? displayText(segments.map((s) => (s.kind === 'text' ? s.text : '')).join(''), specialTokens)
      : message.content;
  const calls = segments.filter((s) => s.kind === 'call');
  // The start of the reply the user wrote is marked; copying still takes the whole text.
  const prefill =
    message.role === 'assistant' && message.prefill && text.startsWith(message.prefill)
      ? message.prefill
      : '';

  if (message.role === 'tool' && message.execution)
    return (
      <article
        className="message message-tool"
        aria-label="tool message"
        data-status={message.execution.status}
      >
        <ToolExecutionCard messageId={message.id} execution={message.execution} />
      </article>
    );

  const copy = async () => {
    // Say "Copied" only when the clipboard took it (it refuses without focus or permission).
    const ok = await (navigator.clipboard?.writeText(text) ?? Promise.reject(new Error('none')))
      .then(() => true)
      .catch(() => false);
    setCopied(ok ? 'ok' : 'failed');
    setTimeout(() => setCopied(null), ok ? 1200 : 4000);
  };
  const cut = message.role === 'assistant' && message.finishReason === 'length';

  return (
    <article
      className={`message message-${message.role}`}
      data-status={message.status}
      aria-label={`${message.role} message`}
    >
      <header>
        <span className="role">{message.role === 'user' ? 'You' : 'Assistant'}</span>
        {afterTool && <span className="chip">④ Answer</span>}
        {prefill && (
          <span className="chip prefill-chip" title="The reply continues from a start you wrote">
            started by you
          </span>
        )}
        {STATUS_LABEL[message.status] && (
          <span className="chip">{STATUS_LABEL[message.status]}</span>
        )}
        {cut && (
          <span className="chip chip-warn" data-testid="cut-at-limit">
            Cut at the token limit
          </span>
        )}
      </header>
      {editing ? (
        <div className="edit">
          <textarea
            aria-label="Edit message"
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            rows={3}
          />
          <div className="row">
            <button
              type="button"
              className="btn btn-primary"
              onClick={() => {
                setEditing(false);
                void editAndResend(message.id, draft);
              }}
            >
              Save and resend
            </button>
            <button type="button" className="btn btn-secondary" onClick={() => setEditing(false)}>
              Cancel
            </button>
          </div>
        </div>
      ) : message.role === 'user' ? (
        <p className="user-text" data-testid="user-text">
          {text}
        </p>
      ) : (
        <>
          <div className="assistant-text" data-testid="assistant-text">
            {text ? (
              <Markdown
                text={text}
                markPrefix={
                  prefill ? { length: prefill.length, title: 'You wrote this start' } : undefined
                }
              />
            ) : message.status === 'streaming' && calls.length === 0 ? (
              <span className="cursor">▍</span>
            ) : null}
          </div>
          {calls.map((c, i) => (
            <ToolCallCard key={i} raw={c.raw} complete={c.complete} info={message.toolCalls} />
          ))}
        </>
      )}
      {message.error && <ErrorNotice error={message.error} />}
      {message.stats && (
        <p className="stats" data-testid="reply-stats">
          TTFT {formatMs(message.stats.ttftMs)} · prefill{' '}
          {formatRate(message.stats.prefillTokPerSec, 'tok')} · decode{' '}
          {formatRate(message.stats.decodeTokPerSec, 'tok')} · {message.stats.promptTokens} in
          {message.stats.cachedTokens > 0 ? ` (${message.stats.cachedTokens} cached)` : ''} ·{' '}
          {message.stats.outputTokens} out
        </p>
      )}
      {!editing && (
        <footer className="message-actions">
          <IconButton
            label={copied === 'ok' ? 'Copied' : 'Copy'}
            text={copied === 'ok' ? 'Copied' : 'Copy'}
            icon={copied === 'ok' ? Check : Copy}
            size="sm"
            onClick={() => void copy()}
          />
          {copied === 'failed' && (
            <span className="field-error" role="alert">
              Could not copy: the browser refused clipboard access. Select the text and copy it.
            </span>
          )}
          {cut && isLast && !generating && (
            <IconButton
              label="Continue"
              text="Continue"
              icon={Play}
              size="sm"
              onClick={() => void continueReply()}
            />
          )}
          {message.role === 'user' && !generating && (
            <IconButton
              label="Edit"
              text="Edit"
              icon={Pencil}
              size="sm"
              onClick={() => {
                setDraft(message.content);
                setEditing(true);
              }}
            />
          )}
          {message.role === 'assistant' && isLast && !generating && (
            <IconButton
              label="Regenerate"
              text="Regenerate"
              icon={RotateCcw}
              size="sm"
              onClick={() => void regenerate()}
            />
          )}
        </footer>
      )}
    </article>
  );
});
