import { Plus, Trash2 } from 'lucide-react';
import { IconButton } from '../../components/IconButton';
import { appStore, useApp } from '../../store';
import type { ExampleTurn } from './conversation';

/** The active conversation's system prompt and few-shot example turns. */
export function SystemPromptEditor() {
  const conv = useApp((s) => s.chat.conversations[s.chat.activeId]);
  const { setSystemPrompt, setExamples } = appStore.getState();
  const update = (i: number, patch: Partial<ExampleTurn>) =>
    setExamples(conv.examples.map((e, j) => (j === i ? { ...e, ...patch } : e)));

  return (
    <section className="system-editor" aria-label="System prompt and examples">
      <textarea
        aria-label="System prompt"
        rows={3}
        placeholder="System prompt for this conversation, e.g. You are a concise assistant."
        value={conv.systemPrompt}
        onChange={(e) => setSystemPrompt(e.target.value)}
      />
      <div className="row">
        <h3>Few-shot examples</h3>
        <p className="hint">Example turns placed before the conversation in every prompt.</p>
      </div>
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
          <IconButton
            label={`Remove example ${i + 1}`}
            icon={Trash2}
            size="sm"
            onClick={() => setExamples(conv.examples.filter((_, j) => j !== i))}
          />
        </div>
      ))}
      <div className="row">
        <IconButton
          label="Add example pair"
          text="Add example pair"
          icon={Plus}
          variant="secondary"
          onClick={() =>
            setExamples([
              ...conv.examples,
              { role: 'user', content: '' },
              { role: 'assistant', content: '' },
            ])
          }
        />
      </div>
    </section>
  );
}
