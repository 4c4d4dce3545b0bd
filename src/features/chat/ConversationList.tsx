import { useRef, useState } from 'react';
import { appStore, useApp } from '../../store';
import { exportConversation } from './conversation';

export function ConversationList() {
  const order = useApp((s) => s.chat.order);
  const conversations = useApp((s) => s.chat.conversations);
  const activeId = useApp((s) => s.chat.activeId);
  const { newConversation, selectConversation, deleteConversation, importConversationJson } =
    appStore.getState();
  const fileRef = useRef<HTMLInputElement>(null);
  const [importError, setImportError] = useState<string | null>(null);

  const download = () => {
    const conv = conversations[activeId];
    const blob = new Blob([exportConversation(conv)], { type: 'application/json' });
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `${conv.title.replace(/[^\w.-]+/g, '_').slice(0, 40) || 'conversation'}.json`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };

  const upload = async (file: File | undefined) => {
    if (!file) return;
    if (file.size > 20e6) {
      setImportError('That file is over 20 MB; a conversation export is much smaller.');
      return;
    }
    setImportError(importConversationJson(await file.text()));
    if (fileRef.current) fileRef.current.value = '';
  };

  return (
    <section className="panel" aria-labelledby="conv-heading">
      <h2 id="conv-heading">Conversations</h2>
      <div className="row">
        <button type="button" onClick={newConversation}>
          New chat
        </button>
        <button type="button" onClick={download}>
          Export
        </button>
        <button type="button" onClick={() => fileRef.current?.click()}>
          Import
        </button>
        <input
          ref={fileRef}
          type="file"
          accept="application/json,.json"
          hidden
          aria-label="Import conversation file"
          onChange={(e) => void upload(e.target.files?.[0])}
        />
      </div>
      {importError && (
        <p className="field-error" role="alert">
          {importError}
        </p>
      )}
      <ul className="conv-list">
        {order.map((id) => (
          <li key={id} className={id === activeId ? 'active' : undefined}>
            <button
              type="button"
              className="conv-title"
              onClick={() => selectConversation(id)}
              aria-current={id === activeId}
            >
              {conversations[id].title}
            </button>
            <button
              type="button"
              className="link"
              aria-label={`Delete ${conversations[id].title}`}
              onClick={() => deleteConversation(id)}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
