import { useEffect, useState } from 'react';
import { offeredTools } from '../../lib/tools/offered-tools';
import { useApp, engine } from '../../store';
import { toErrorInfo } from '../../store/errors';
import type { RenderedPrompt } from '../../engine/protocol';
import { toTurns } from './conversation';

/**
 * Shows the exact string the model will receive for the next turn, rendered by the model's own
 * chat template in the worker (the same code path generation uses), with its token count.
 */
export function PromptInspector({ draft, prefill }: { draft: string; prefill: string | null }) {
  const conv = useApp((s) => s.chat.conversations[s.chat.activeId]);
  const loaded = useApp((s) => s.models.loaded);
  const generating = useApp((s) => s.chat.reply !== null);
  // The same selector the reply runner uses: the inspector shows what a reply would send.
  const tools = useApp((s) => offeredTools(s.tools).definitions);
  const [prompt, setPrompt] = useState<RenderedPrompt | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!loaded || generating) return;
    let live = true;
    const turns = toTurns(conv);
    if (draft.trim()) turns.push({ role: 'user', content: draft });
    const timer = setTimeout(() => {
      engine
        .request('render', { messages: turns, tools, prefill: prefill || undefined })
        .then((p) => live && (setPrompt(p), setError(null)))
        .catch((e) => live && setError(toErrorInfo(e).message));
    }, 150);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [conv, draft, prefill, tools, loaded, generating]);

  return (
    <section className="panel inspector" aria-labelledby="inspector-heading">
      <h2 id="inspector-heading">Prompt inspector</h2>
      {!loaded ? (
        <p className="hint">
          Load a model to see the prompt exactly as its chat template renders it.
        </p>
      ) : error ? (
        <p className="field-error">{error}</p>
      ) : prompt ? (
        <>
          <p className="hint">
            Next prompt · <strong data-testid="prompt-token-count">{prompt.tokenCount}</strong>{' '}
            tokens
            {prompt.contextLength ? ` of ${prompt.contextLength.toLocaleString('en-US')}` : ''}
            {draft.trim() ? ' · includes your unsent message' : ''}
            {prefill ? ' · ends with the start of the reply you wrote' : ''}
          </p>
          {prompt.plainSpecialSpans.length > 0 && (
            <p className="hint" data-testid="plain-special-note">
              <mark className="plain-special">Marked</mark> text looks like a control token but came
              from you, a tool or a file: the model reads it as plain text.
            </p>
          )}
          <pre className="prompt" data-testid="prompt-text">
            {withMarks(prompt.text, prompt.plainSpecialSpans)}
          </pre>
        </>
      ) : (
        <p className="hint">Rendering…</p>
      )}
    </section>
  );
}

/** The prompt with each control-token look-alike from user, tool or file text marked. */
function withMarks(text: string, spans: [number, number][]) {
  const out: React.ReactNode[] = [];
  let at = 0;
  spans.forEach(([start, end], i) => {
    out.push(text.slice(at, start));
    out.push(
      <mark key={i} className="plain-special" title="Plain text, not a control token">
        {text.slice(start, end)}
      </mark>,
    );
    at = end;
  });
  out.push(text.slice(at));
  return out;
}
