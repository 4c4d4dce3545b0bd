import { useEffect, useRef } from 'react';
import { useApp } from '../../store';
import { Composer, type ComposerProps } from './Composer';
import { MessageBubble } from './MessageBubble';

const NO_TOKENS: string[] = [];

export function ChatView(composer: ComposerProps) {
  const conv = useApp((s) => s.chat.conversations[s.chat.activeId]);
  const notice = useApp((s) => s.chat.notice);
  const dismissNotice = useApp((s) => s.dismissNotice);
  const specialTokens = useApp((s) => s.models.loaded?.specialTokens ?? NO_TOKENS);
  const endRef = useRef<HTMLDivElement>(null);
  const lastContent = conv.messages.at(-1)?.content;

  useEffect(() => {
    endRef.current?.scrollIntoView({ block: 'end' });
  }, [conv.messages.length, lastContent]);

  return (
    <main className="chat" aria-label="Chat">
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
        <div className="notice" role="status">
          {notice}{' '}
          <button type="button" className="link" onClick={dismissNotice}>
            Dismiss
          </button>
        </div>
      )}
      <Composer {...composer} />
    </main>
  );
}
