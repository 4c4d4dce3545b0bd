import { X } from 'lucide-react';
import { useEffect, type ReactNode } from 'react';
import { IconButton } from './IconButton';

interface Props {
  children: ReactNode;
  /** A button such as "Undo". */
  action?: ReactNode;
  onDismiss: () => void;
  /** Dismissed by itself after this long; never when 0. */
  timeoutMs?: number;
}

/** A short notice at the bottom of the screen, announced politely to screen readers. */
export function Toast({ children, action, onDismiss, timeoutMs = 10_000 }: Props) {
  useEffect(() => {
    if (!timeoutMs) return;
    const timer = setTimeout(onDismiss, timeoutMs);
    return () => clearTimeout(timer);
  }, [onDismiss, timeoutMs]);

  return (
    <div className="toast" role="status">
      <span className="toast-text">{children}</span>
      {action}
      <IconButton label="Dismiss" icon={X} size="sm" onClick={onDismiss} />
    </div>
  );
}
