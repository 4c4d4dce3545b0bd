import { useEffect, useState } from 'react';
import { ChatView } from '../features/chat/ChatView';
import { ConversationList } from '../features/chat/ConversationList';
import { PromptInspector } from '../features/chat/PromptInspector';
import { SystemPromptEditor } from '../features/chat/SystemPromptEditor';
import { loadFixtureEntries } from '../features/models/catalog';
import { ModelPanel } from '../features/models/ModelPanel';
import { StoragePanel } from '../features/models/StoragePanel';
import { EngineSettings } from '../features/settings/EngineSettings';
import { GenerationSettings } from '../features/settings/GenerationSettings';
import { ToolsPanel } from '../features/tools/ToolsPanel';
import { appStore, useApp } from '../store';

export function App() {
  const [draft, setDraft] = useState('');
  const [prefill, setPrefill] = useState<string | null>(null);
  const loaded = useApp((s) => s.models.loaded);

  useEffect(() => {
    const s = appStore.getState();
    void s.detectCapabilities();
    void loadFixtureEntries(new URL(import.meta.env.BASE_URL, location.origin).href).then(
      (entries) => {
        appStore.getState().addFixtures(entries);
      },
    );
    // No request to a model host until the user picks or loads a model.
  }, []);

  return (
    <div className="app">
      <header className="topbar">
        <h1>LFM2 Playground</h1>
        <span className="spacer" />
        {loaded ? (
          <span className="chip" data-testid="status-chip">
            {loaded.repo.split('/')[1]} · {loaded.device} · {loaded.dtype}
          </span>
        ) : (
          <span className="chip muted">no model loaded</span>
        )}
      </header>
      <aside className="sidebar left">
        <ModelPanel />
        <ConversationList />
        <StoragePanel />
        <EngineSettings />
      </aside>
      <ChatView draft={draft} setDraft={setDraft} prefill={prefill} setPrefill={setPrefill} />
      <aside className="sidebar right">
        <SystemPromptEditor />
        <ToolsPanel />
        <GenerationSettings />
        <PromptInspector draft={draft} prefill={prefill} />
      </aside>
    </div>
  );
}
