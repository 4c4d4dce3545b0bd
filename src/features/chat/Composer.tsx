import { appStore, useApp } from '../../store';

export interface ComposerProps {
  draft: string;
  setDraft: (s: string) => void;
  /** The start of the reply the user writes; null when that option is off. */
  prefill: string | null;
  setPrefill: (s: string | null) => void;
}

export function Composer({ draft, setDraft, prefill, setPrefill }: ComposerProps) {
  const generating = useApp((s) => s.chat.busy !== null);
  const ready = useApp((s) => s.models.status === 'ready');
  const { send, stop } = appStore.getState();
  const prefillOn = prefill !== null;

  const submit = () => {
    if (!draft.trim() || generating) return;
    const text = draft;
    setDraft('');
    void send(text, prefill ?? undefined);
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
      <div className="row">
        <label className="checkbox">
          <input
            type="checkbox"
            checked={prefillOn}
            onChange={(e) => setPrefill(e.target.checked ? '' : null)}
          />
          Start the reply myself
        </label>
        <span className="spacer" />
        {generating ? (
          <button type="button" onClick={stop}>
            Stop
          </button>
        ) : (
          <button type="submit" className="primary" disabled={!draft.trim()}>
            Send
          </button>
        )}
      </div>
    </form>
  );
}
