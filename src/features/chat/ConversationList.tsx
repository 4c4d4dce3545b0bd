import { Plus, Trash2 } from 'lucide-react';
import { EditableTitle } from '../../components/EditableTitle';
import { IconButton } from '../../components/IconButton';
import { JsonImportExport } from '../../components/JsonImportExport';
import { appStore, useApp } from '../../store';
import { exportConversation } from './conversation';

export function ConversationList() {
  const order = useApp((s) => s.chat.order);
  const conversations = useApp((s) => s.chat.conversations);
  const activeId = useApp((s) => s.chat.activeId);
  const {
    newConversation,
    selectConversation,
    deleteConversation,
    renameConversation,
    importConversationJson,
  } = appStore.getState();
  return (
    <section className="panel conv-panel" aria-labelledby="conv-heading">
      <h2 id="conv-heading">Conversations</h2>
      <div className="row">
        <IconButton
          label="New chat"
          text="New chat"
          icon={Plus}
          variant="secondary"
          onClick={newConversation}
        />
        <span className="spacer" />
        <JsonImportExport
          compact
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
      <ul className="conv-list" aria-label="Conversations">
        {order.map((id) => {
          const title = conversations[id].title;
          return (
            <li key={id} className={id === activeId ? 'conv-item active' : 'conv-item'}>
              <EditableTitle
                value={title}
                what={title}
                quiet
                onRename={(t) => renameConversation(id, t)}
                renderTitle={(rename) => (
                  <button
                    type="button"
                    className="conv-title"
                    onClick={() => selectConversation(id)}
                    onDoubleClick={rename}
                    aria-current={id === activeId}
                    title={`${title} (double-click to rename)`}
                  >
                    {title}
                  </button>
                )}
              />
              <IconButton
                label={`Delete ${title}`}
                icon={Trash2}
                size="sm"
                className="reveal-on-hover danger-on-hover"
                onClick={() => deleteConversation(id)}
              />
            </li>
          );
        })}
      </ul>
    </section>
  );
}
