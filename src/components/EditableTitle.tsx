import { Pencil } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { IconButton } from './IconButton';

interface Props {
  value: string;
  onRename: (title: string) => void;
  /** What is renamed, for accessible names: "Rename {what}". */
  what: string;
  /** Renders the title as plain text (or a button that selects it, in a list). */
  renderTitle: (startEditing: () => void) => React.ReactNode;
  /** Hides the rename button until the row is hovered or focused. */
  quiet?: boolean;
}

/**
 * A title that is plain text until the user asks to rename it (the pencil button, or whatever
 * `renderTitle` wires to `startEditing`, e.g. a double-click). Enter or leaving the field saves,
 * Escape cancels; an empty title is not saved.
 */
export function EditableTitle({ value, onRename, what, renderTitle, quiet }: Props) {
  const [draft, setDraft] = useState<string | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  // After Enter or Escape the focus goes back to the rename button, not to the page's start.
  const refocus = useRef(false);
  useEffect(() => {
    if (draft === null && refocus.current) {
      refocus.current = false;
      buttonRef.current?.focus();
    }
  }, [draft]);
  // Removing the focused field may fire blur after Enter or Escape: finish once only.
  const finished = useRef(false);
  const editing = draft !== null;
  useEffect(() => {
    if (editing) finished.current = false;
  }, [editing]);
  const startEditing = () => setDraft(value);
  const finish = (save: boolean, byKey = false) => {
    if (finished.current) return;
    finished.current = true;
    refocus.current = byKey;
    if (save && draft !== null && draft.trim() && draft.trim() !== value) onRename(draft.trim());
    setDraft(null);
  };

  if (draft !== null)
    return (
      <input
        className="title-input"
        aria-label={`New name for ${what}`}
        value={draft}
        autoFocus
        maxLength={120}
        onFocus={(e) => e.currentTarget.select()}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => finish(true)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            finish(true, true);
          } else if (e.key === 'Escape') {
            // Handled here: the drawer around the list must not close too.
            e.preventDefault();
            e.stopPropagation();
            finish(false, true);
          }
        }}
      />
    );

  return (
    <>
      {renderTitle(startEditing)}
      <IconButton
        ref={buttonRef}
        label={`Rename ${what}`}
        icon={Pencil}
        size="sm"
        className={quiet ? 'reveal-on-hover' : undefined}
        onClick={startEditing}
      />
    </>
  );
}
