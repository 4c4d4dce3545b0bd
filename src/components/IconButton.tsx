import type { LucideIcon } from 'lucide-react';
import type { ButtonHTMLAttributes, Ref } from 'react';

interface Props extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'children'> {
  /** The accessible name, also shown as a tooltip. */
  label: string;
  icon: LucideIcon;
  /** Visible text next to the icon; without it the button shows the icon alone. */
  text?: string;
  variant?: 'primary' | 'secondary' | 'ghost' | 'danger';
  size?: 'sm' | 'md';
  ref?: Ref<HTMLButtonElement>;
}

/** A button with an icon from the app's icon set, always with an accessible name. */
export function IconButton({
  label,
  icon: Icon,
  text,
  variant = 'ghost',
  size = 'md',
  className,
  type,
  ref,
  title,
  ...rest
}: Props) {
  const classes = [
    'btn',
    `btn-${variant}`,
    text ? 'btn-with-icon' : 'btn-icon',
    size === 'sm' ? 'btn-sm' : '',
    className ?? '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <button
      ref={ref}
      type={type ?? 'button'}
      className={classes}
      aria-label={text ? undefined : label}
      title={title ?? (text === label ? undefined : label)}
      {...rest}
    >
      <Icon size={size === 'sm' ? 14 : 16} strokeWidth={2} />
      {text && <span>{text}</span>}
    </button>
  );
}
