import { Undo2 } from 'lucide-react';
import { useCallback, useState } from 'react';
import { IconButton } from '../../components/IconButton';
import { Toast } from '../../components/Toast';
import { appStore, useApp } from '../../store';

/** "Deleted …  Undo" after a conversation is deleted, until undone, dismissed or timed out. */
export function UndoDeleteToast() {
  const deleted = useApp((s) => s.chat.deleted);
  const [dismissed, setDismissed] = useState<object | null>(null);
  const dismiss = useCallback(() => setDismissed(deleted), [deleted]);
  if (!deleted || dismissed === deleted) return null;
  return (
    <Toast
      onDismiss={dismiss}
      timeoutMs={12_000}
      action={
        <IconButton
          label="Undo"
          text="Undo"
          icon={Undo2}
          variant="secondary"
          size="sm"
          onClick={() => appStore.getState().undoDelete()}
        />
      }
    >
      Deleted “{deleted.conversation.title}”
    </Toast>
  );
}
