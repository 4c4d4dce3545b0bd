import { ChevronDown, ChevronRight, X } from 'lucide-react';
import { useEffect, useRef } from 'react';
import { EditableTitle } from '../../components/EditableTitle';
import { useStoredState } from '../../components/hooks';
import { IconButton } from '../../components/IconButton';
import { appStore, useApp } from '../../store';
import { Composer, type ComposerProps } from './Composer';
import { MessageBubble } from './MessageBubble';
import { SystemPromptEditor } from './SystemPromptEditor';

const NO_TOKENS: string[] = [];

export function ChatView(composer: ComposerProps) {
  const conv = useApp((s) => s.chat.conversations[s.chat.activeId]);
  const notice = useApp((s) => s.chat.notice);
  const { dismissNotice, renameConversation } = appStore.getState();
  const specialTokens = useApp((s) => s.models.loaded?.specialTokens ?? NO_TOKENS);
  const [systemOpen, setSystemOpen] = useStoredState('lfm2.layout.systemPrompt', false);
  const endRef = useRef<HTMLDivElement>(null);
  const lastContent = conv.messages.at(-1)?.content;

  useEffect(() => {
    endRef.current?.scrollIntoView({ block: 'end' });
  }, [conv.messages.length, lastContent]);

  const examples = conv.examples.length / 2;
  const systemSummary = [
    conv.systemPrompt.trim() ? 'set' : '',
    examples > 0 ? `${Math.ceil(examples)} example${examples > 1 ? 's' : ''}` : '',
  ]
    .filter(Boolean)
    .join(' · ');

  return (
    <main className="chat" aria-label="Chat">
      <div className="chat-body">
        <div className="chat-header">
          <EditableTitle
            value={conv.title}
            what="this conversation"
            onRename={(title) => renameConversation(conv.id, title)}
            renderTitle={(rename) => (
              <h2 className="chat-title" title="Double-click to rename" onDoubleClick={rename}>
                {conv.title}
              </h2>
            )}
          />
          <span className="spacer" />
          <button
            type="button"
            className="btn btn-secondary btn-with-icon system-toggle"
            aria-expanded={systemOpen}
            aria-controls="system-prompt-section"
            onClick={() => setSystemOpen(!systemOpen)}
          >
            {systemOpen ? <ChevronDown size={16} /> : <ChevronRight size={16} />}
            <span>System prompt</span>
            {systemSummary && <span className="chip">{systemSummary}</span>}
          </button>
        </div>
        <div id="system-prompt-section" className="system-section" hidden={!systemOpen}>
          {systemOpen && <SystemPromptEditor />}
        </div>
        <div className="messages" role="log" aria-live="polite">
          {conv.messages.length === 0 && (
            <div className="empty">
              <h2>Chat with LFM2, entirely in your browser</h2>
              <p>
                Nothing you type leaves this device: the model runs on your GPU (WebGPU) or CPU
                (WASM).
              </p>
            </div>
          )}
          {conv.messages.map((m, i) => (
            <MessageBubble
              key={m.id}
              message={m}
              isLast={i === conv.messages.length - 1}
              specialTokens={specialTokens}
              afterTool={m.role === 'assistant' && conv.messages[i - 1]?.role === 'tool'}
            />
          ))}
          <div ref={endRef} />
        </div>
        {notice && (
          <div className="notice chat-notice" role="status">
            <span>{notice}</span>
            <IconButton label="Dismiss" icon={X} size="sm" onClick={dismissNotice} />
          </div>
        )}
      </div>
      <Composer {...composer} />
    </main>
  );
}
