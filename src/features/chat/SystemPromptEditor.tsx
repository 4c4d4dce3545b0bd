import { appStore, useApp } from '../../store';
import type { ExampleTurn } from './conversation';

export function SystemPromptEditor() {
  const conv = useApp((s) => s.chat.conversations[s.chat.activeId]);
  const { setSystemPrompt, setExamples } = appStore.getState();
  const update = (i: number, patch: Partial<ExampleTurn>) =>
    setExamples(conv.examples.map((e, j) => (j === i ? { ...e, ...patch } : e)));

  return (
    <section className="panel" aria-labelledby="system-heading">
      <h2 id="system-heading">System prompt</h2>
      <textarea
        aria-label="System prompt"
        rows={3}
        placeholder="e.g. You are a concise assistant."
        value={conv.systemPrompt}
        onChange={(e) => setSystemPrompt(e.target.value)}
      />
      <h3>Few-shot examples</h3>
      {conv.examples.map((ex, i) => (
        <div key={i} className="example">
          <select
            aria-label={`Example ${i + 1} role`}
            value={ex.role}
            onChange={(e) => update(i, { role: e.target.value as ExampleTurn['role'] })}
          >
            <option value="user">user</option>
            <option value="assistant">assistant</option>
          </select>
          <textarea
            aria-label={`Example ${i + 1} text`}
            rows={2}
            value={ex.content}
            onChange={(e) => update(i, { content: e.target.value })}
          />
          <button
            type="button"
            className="link"
            onClick={() => setExamples(conv.examples.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        onClick={() =>
          setExamples([
            ...conv.examples,
            { role: 'user', content: '' },
            { role: 'assistant', content: '' },
          ])
        }
      >
        Add example pair
      </button>
    </section>
  );
}
