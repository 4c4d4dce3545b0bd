import { SendHorizontal, Square } from 'lucide-react';
import { appStore, useApp } from '../../store';

export interface ComposerProps {
  draft: string;
  setDraft: (s: string) => void;
  /** The start of the reply the user writes; null when that option is off. */
  prefill: string | null;
  setPrefill: (s: string | null) => void;
}

export function Composer({ draft, setDraft, prefill, setPrefill }: ComposerProps) {
  const replyIn = useApp((s) => s.chat.reply?.conversationId ?? null);
  const activeId = useApp((s) => s.chat.activeId);
  const replyTitle = useApp((s) => (replyIn ? s.chat.conversations[replyIn]?.title : undefined));
  // Stop only where the reply runs; elsewhere say where it runs (the engine does one at a time).
  const generating = replyIn !== null && replyIn === activeId;
  const elsewhere = replyIn !== null && replyIn !== activeId;
  const ready = useApp((s) => s.models.status === 'ready');
  const { send, stop } = appStore.getState();
  const prefillOn = prefill !== null;

  const submit = () => {
    if (!draft.trim() || replyIn !== null) return;
    // The text stays in the box unless the message was really sent.
    if (send(draft, prefill ?? undefined)) setDraft('');
  };

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <textarea
        aria-label="Message"
        placeholder={
          ready
            ? 'Ask anything… (Enter to send, Shift+Enter for a new line)'
            : 'Load a model to start chatting'
        }
        value={draft}
        rows={3}
        onChange={(e) => setDraft(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey) {
            e.preventDefault();
            submit();
          }
        }}
      />
      {prefillOn && (
        <input
          aria-label="Start of the reply"
          placeholder='The assistant continues from this, e.g. {"name": '
          value={prefill ?? ''}
          onChange={(e) => setPrefill(e.target.value)}
        />
      )}
      <div className="row composer-actions">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={prefillOn}
            onChange={(e) => setPrefill(e.target.checked ? '' : null)}
          />
          Start the reply myself
        </label>
        <span className="spacer" />
        {elsewhere && (
          <span className="hint" data-testid="reply-elsewhere">
            Replying in “{replyTitle}”…
          </span>
        )}
        {generating ? (
          <button type="button" className="btn btn-secondary btn-with-icon" onClick={stop}>
            <Square size={14} fill="currentColor" />
            <span>Stop</span>
          </button>
        ) : (
          <button
            type="submit"
            className="btn btn-primary btn-with-icon"
            disabled={!draft.trim() || elsewhere}
          >
            <SendHorizontal size={16} />
            <span>Send</span>
          </button>
        )}
      </div>
    </form>
  );
}
