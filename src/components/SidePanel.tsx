import { X } from 'lucide-react';
import { useEffect, useRef, type ReactNode } from 'react';
import { IconButton } from './IconButton';

interface Props {
  id: string;
  side: 'left' | 'right';
  /** Accessible name, and the drawer's heading. */
  label: string;
  /** Shown (a column on wide screens, an open drawer on narrow ones). */
  open: boolean;
  /** Narrow screens: the panel is a drawer over the chat, with its own close button. */
  drawer: boolean;
  onClose: () => void;
  children: ReactNode;
}

/**
 * A side of the app shell: a column beside the chat on wide screens, a drawer over the chat on
 * narrow ones. An opened drawer takes the focus; Escape or its close button closes it, and the
 * caller returns the focus to the button that opened it.
 */
export function SidePanel({ id, side, label, open, drawer, onClose, children }: Props) {
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (drawer && open) closeRef.current?.focus();
  }, [drawer, open]);

  // Escape closes an open drawer from anywhere on the page (the composer stays usable beside
  // it), unless something inside handled the key first (a dialog, a field being renamed).
  useEffect(() => {
    if (!drawer || !open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      onClose();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [drawer, open, onClose]);

  return (
    <aside
      id={id}
      className={`side side-${side}${drawer ? ' drawer' : ''}`}
      aria-label={label}
      hidden={!open}
    >
      {drawer && (
        <div className="drawer-header">
          <h2>{label}</h2>
          <IconButton
            ref={closeRef}
            label={`Close ${label.toLowerCase()}`}
            icon={X}
            onClick={onClose}
          />
        </div>
      )}
      <div className="side-body">{children}</div>
    </aside>
  );
}
