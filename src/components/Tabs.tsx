import type { LucideIcon } from 'lucide-react';
import { useRef, useState, type ReactNode } from 'react';

export interface TabSpec {
  id: string;
  /** The tab's visible text and accessible name. */
  label: string;
  icon?: LucideIcon;
  /** A longer description, shown as the tab's tooltip. */
  title?: string;
  content: () => ReactNode;
}

interface Props {
  /** Accessible name of the tab list. */
  label: string;
  tabs: readonly TabSpec[];
  active: string;
  onChange: (id: string) => void;
  idPrefix: string;
}

/**
 * WAI-ARIA tabs: arrow keys, Home and End move between tabs (roving tabindex). A panel mounts the
 * first time it is shown and stays mounted (hidden) afterwards, so its scroll position and
 * unsaved form state survive switching tabs.
 */
export function Tabs({ label, tabs, active, onChange, idPrefix }: Props) {
  const current = tabs.some((t) => t.id === active) ? active : tabs[0]?.id;
  const [seen, setSeen] = useState<ReadonlySet<string>>(() => new Set([current]));
  const refs = useRef(new Map<string, HTMLButtonElement>());
  if (current && !seen.has(current)) setSeen(new Set([...seen, current]));

  const move = (from: number, by: number | 'first' | 'last') => {
    const i =
      by === 'first'
        ? 0
        : by === 'last'
          ? tabs.length - 1
          : (from + by + tabs.length) % tabs.length;
    onChange(tabs[i].id);
    refs.current.get(tabs[i].id)?.focus();
  };

  return (
    <div className="tabs">
      <div className="tab-list" role="tablist" aria-label={label}>
        {tabs.map((t, i) => {
          const Icon = t.icon;
          const selected = t.id === current;
          return (
            <button
              key={t.id}
              ref={(el) => {
                if (el) refs.current.set(t.id, el);
                else refs.current.delete(t.id);
              }}
              type="button"
              role="tab"
              id={`${idPrefix}-tab-${t.id}`}
              aria-selected={selected}
              aria-controls={`${idPrefix}-panel-${t.id}`}
              tabIndex={selected ? 0 : -1}
              title={t.title}
              className="tab"
              onClick={() => onChange(t.id)}
              onKeyDown={(e) => {
                const by =
                  e.key === 'ArrowRight'
                    ? 1
                    : e.key === 'ArrowLeft'
                      ? -1
                      : e.key === 'Home'
                        ? 'first'
                        : e.key === 'End'
                          ? 'last'
                          : null;
                if (by === null) return;
                e.preventDefault();
                move(i, by);
              }}
            >
              {Icon && <Icon size={15} />}
              <span>{t.label}</span>
            </button>
          );
        })}
      </div>
      {tabs.map((t) => (
        <div
          key={t.id}
          role="tabpanel"
          id={`${idPrefix}-panel-${t.id}`}
          aria-labelledby={`${idPrefix}-tab-${t.id}`}
          className="tab-panel"
          hidden={t.id !== current}
          data-testid={`panel-${t.id}`}
        >
          {seen.has(t.id) && t.content()}
        </div>
      ))}
    </div>
  );
}
