/**
 * A modal dialog: labelled by its title, closed with Escape, the backdrop or its cancel button (the
 * first in the footer, before the dialog's own actions), focus moved inside.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react';
import '../../transfers.css';

export function Dialog({
  title,
  onClose,
  children,
  actions,
  cancelLabel = 'Cancel',
  wide = false,
}: {
  title: string;
  onClose: () => void;
  children: ReactNode;
  /** The buttons after the cancel button. */
  actions: ReactNode;
  cancelLabel?: string;
  wide?: boolean;
}) {
  const titleId = useId();
  const panel = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    const first = panel.current?.querySelector<HTMLElement>(
      '[data-autofocus], input, select, textarea, button',
    );
    first?.focus();
    return () => previous?.focus();
  }, []);
  return (
    <div
      className="dialog-backdrop"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget) onClose();
      }}
    >
      <div
        ref={panel}
        className={`dialog${wide ? ' wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        onKeyDown={(event) => {
          if (event.key === 'Escape') {
            event.stopPropagation();
            onClose();
          }
        }}
      >
        <header className="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        <div className="dialog-body">{children}</div>
        <footer className="dialog-footer">
          <button type="button" className="button" onClick={onClose}>
            {cancelLabel}
          </button>
          {actions}
        </footer>
      </div>
    </div>
  );
}
