import { JsonImportExport } from '../../components/JsonImportExport';
import { appStore, useApp } from '../../store';
import { exportConversation } from './conversation';

export function ConversationList() {
  const order = useApp((s) => s.chat.order);
  const conversations = useApp((s) => s.chat.conversations);
  const activeId = useApp((s) => s.chat.activeId);
  const { newConversation, selectConversation, deleteConversation, importConversationJson } =
    appStore.getState();
  return (
    <section className="panel" aria-labelledby="conv-heading">
      <h2 id="conv-heading">Conversations</h2>
      <div className="row">
        <button type="button" onClick={newConversation}>
          New chat
        </button>
        <JsonImportExport
          inputLabel="Import conversation file"
          fileName={() =>
            `${conversations[activeId].title.replace(/[^\w.-]+/g, '_').slice(0, 40) || 'conversation'}.json`
          }
          exportText={() => exportConversation(conversations[activeId])}
          importText={importConversationJson}
          what="a conversation export"
          maxBytes={20e6}
        />
      </div>
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
